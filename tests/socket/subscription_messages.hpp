// Subscription messages as an XPUB receives them and as an XSUB sends them (RFC 29).
#pragma once

#include <string>
#include <string_view>

#include "core/message.hpp"

namespace sculpin::test {

inline std::string subscribe_msg(std::string_view topic) {
    return "\x01" + std::string(topic);
}
inline std::string cancel_msg(std::string_view topic) {
    return std::string(1, '\0') + std::string(topic);
}
// How to_display_string shows a subscription message.
inline std::string shown(const std::string& raw) {
    return Message{raw}.to_display_string();
}

}  // namespace sculpin::test
