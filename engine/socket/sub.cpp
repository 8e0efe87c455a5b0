#include "socket/sub.hpp"

#include <string_view>

namespace sculpin {

Sub::Sub() : XSub(SocketType::sub) {}

int Sub::xsend(Message&) {
    return ENOTSUP;
}

int Sub::xset_option(int option, const void* value, size_t size_bytes) {
    if (option != option::subscribe && option != option::unsubscribe) return EINVAL;
    if (value == nullptr && size_bytes != 0) return EINVAL;
    const std::string_view topic =
        size_bytes == 0 ? std::string_view()
                        : std::string_view(static_cast<const char*>(value), size_bytes);
    if (option == option::subscribe) {
        // Every subscribe goes upstream, as libzmq 4.3 does: the XPUB removes the
        // duplicates, and one with XPUB_VERBOSE wants to see each of them.
        subscribe(topic, true);
    } else {
        unsubscribe(topic);
    }
    return 0;
}

}  // namespace sculpin
