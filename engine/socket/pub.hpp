// PUB (RFC 29): an XPUB whose application cannot receive. Subscriptions from peers still
// steer where messages go; anything else a peer sends is dropped (reason malformed).
#pragma once

#include "socket/xpub.hpp"

namespace sculpin {

class Pub final : public XPub {
public:
    Pub();
};

}  // namespace sculpin
