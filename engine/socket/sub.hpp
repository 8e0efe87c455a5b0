// SUB (RFC 29): subscribes with the SUBSCRIBE and UNSUBSCRIBE options and receives the
// matching messages; cannot send. Its publishers are told "\x01topic" at every subscribe
// (libzmq 4.3; the publisher ignores duplicates unless XPUB_VERBOSE) and "\x00topic" when
// the topic loses its last hold. The empty topic matches everything.
#pragma once

#include "socket/xsub.hpp"

namespace sculpin {

class Sub final : public XSub {
public:
    Sub();

protected:
    int xsend(Message& msg) override;
    bool xcan_send() override { return false; }
    int xset_option(int option, const void* value, size_t size_bytes) override;
};

}  // namespace sculpin
