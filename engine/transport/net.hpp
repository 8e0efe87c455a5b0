// Thin, error-reporting wrappers over the BSD socket calls the stream transports need
// (tcp and ipc). Every function returns -1 / false and fills `error` with what failed.
#pragma once

#include <string>

#include "transport/endpoint.hpp"

namespace sculpin::net {

// A listening, non-blocking socket for `ep`. On success `bound` is the endpoint actually
// bound (wildcard port resolved: "tcp://127.0.0.1:49152").
int listen_on(const Endpoint& ep, int backlog, std::string* bound, std::string* error);
// Accepts one connection (non-blocking); -1 with errno EAGAIN when none is waiting.
int accept_from(int listen_fd, std::string* peer_address);
// Starts a non-blocking connect. *in_progress is set when completion must be awaited
// (writable, then connect_result()).
int connect_to(const Endpoint& ep, bool* in_progress, std::string* peer_address,
               std::string* error);
// 0 when an in-progress connect succeeded, else the errno value.
int connect_result(int fd);
void set_stream_options(int fd, bool is_tcp);
void close_fd(int fd);
// Removes the file of an ipc endpoint (not for abstract "@name" ones).
void unlink_ipc(const Endpoint& ep);

}  // namespace sculpin::net
