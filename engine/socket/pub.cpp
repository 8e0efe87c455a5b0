#include "socket/pub.hpp"

namespace sculpin {

Pub::Pub() : XPub(SocketType::pub) {}

}  // namespace sculpin
