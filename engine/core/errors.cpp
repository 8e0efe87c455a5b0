#include "core/errors.hpp"

#include <cstring>

namespace sculpin {

const char* error_text(int error_number) {
    switch (error_number) {
        case kEfsm:
            return "Operation cannot be accomplished in current state";
        case kEnocompatproto:
            return "The protocol is not compatible with the socket type";
        case kEterm:
            return "Context was terminated";
        case kEmthread:
            return "No thread available";
        default:
            return std::strerror(error_number);
    }
}

}  // namespace sculpin
