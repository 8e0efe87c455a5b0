#include "core/drop_reason.hpp"

namespace sculpin {

std::string_view to_string(DropReason reason) {
    switch (reason) {
        case DropReason::hwm:
            return "hwm";
        case DropReason::no_peer:
            return "no_peer";
        case DropReason::unroutable:
            return "unroutable";
        case DropReason::filtered:
            return "filtered";
        case DropReason::conflated:
            return "conflated";
        case DropReason::closed:
            return "closed";
        case DropReason::malformed:
            return "malformed";
        case DropReason::stale_reply:
            return "stale_reply";
        case DropReason::too_large:
            return "too_large";
    }
    return "unknown";
}

}  // namespace sculpin
