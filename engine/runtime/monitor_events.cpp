#include "runtime/monitor_events.hpp"

namespace sculpin::monitor_event {

const char* name(int event) {
    switch (event) {
        case connected:
            return "connected";
        case connect_delayed:
            return "connect_delayed";
        case connect_retried:
            return "connect_retried";
        case listening:
            return "listening";
        case bind_failed:
            return "bind_failed";
        case accepted:
            return "accepted";
        case accept_failed:
            return "accept_failed";
        case closed:
            return "closed";
        case close_failed:
            return "close_failed";
        case disconnected:
            return "disconnected";
        case monitor_stopped:
            return "monitor_stopped";
        case handshake_failed_no_detail:
            return "handshake_failed_no_detail";
        case handshake_succeeded:
            return "handshake_succeeded";
        case handshake_failed_protocol:
            return "handshake_failed_protocol";
        case handshake_failed_auth:
            return "handshake_failed_auth";
        default:
            return "unknown";
    }
}

}  // namespace sculpin::monitor_event
