// Error numbers. The socket layer reports failures as errno values; the ZeroMQ-specific
// ones carry libzmq's numbers so that the C API can hand them through unchanged.
#pragma once

#include <cerrno>

namespace sculpin {

constexpr int kZmqHausnumero = 156384712;
constexpr int kEfsm = kZmqHausnumero + 51;            // operation not valid in this state
constexpr int kEnocompatproto = kZmqHausnumero + 52;  // protocol not compatible
constexpr int kEterm = kZmqHausnumero + 53;           // context was terminated
constexpr int kEmthread = kZmqHausnumero + 54;        // no I/O thread available

// Text for any errno value, including the ZeroMQ-specific ones above.
const char* error_text(int error_number);

}  // namespace sculpin
