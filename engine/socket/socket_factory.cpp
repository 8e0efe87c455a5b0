// Socket::create: the one place that knows every socket type.
#include "socket/dealer.hpp"
#include "socket/pair.hpp"
#include "socket/pub.hpp"
#include "socket/pull.hpp"
#include "socket/push.hpp"
#include "socket/rep.hpp"
#include "socket/req.hpp"
#include "socket/router.hpp"
#include "socket/socket.hpp"
#include "socket/stream.hpp"
#include "socket/sub.hpp"
#include "socket/xpub.hpp"
#include "socket/xsub.hpp"

namespace sculpin {

std::unique_ptr<Socket> Socket::create(SocketType type) {
    switch (type) {
        case SocketType::pair:
            return std::make_unique<Pair>();
        case SocketType::pub:
            return std::make_unique<Pub>();
        case SocketType::sub:
            return std::make_unique<Sub>();
        case SocketType::req:
            return std::make_unique<Req>();
        case SocketType::rep:
            return std::make_unique<Rep>();
        case SocketType::dealer:
            return std::make_unique<Dealer>();
        case SocketType::router:
            return std::make_unique<Router>();
        case SocketType::pull:
            return std::make_unique<Pull>();
        case SocketType::push:
            return std::make_unique<Push>();
        case SocketType::xpub:
            return std::make_unique<XPub>();
        case SocketType::xsub:
            return std::make_unique<XSub>();
        case SocketType::stream:
            return std::make_unique<Stream>();
    }
    return nullptr;
}

}  // namespace sculpin
