// The built-in proxy (zmq_proxy): moves messages both ways between a frontend and a
// backend socket, copying each to an optional capture socket. Returns only on error
// (kEterm once the context is shut down), or when `control` says TERMINATE.
#pragma once

#include "runtime/socket_handle.hpp"

namespace sculpin {

// `control` (optional) accepts "PAUSE", "RESUME" and "TERMINATE" (zmq_proxy_steerable).
int proxy(SocketHandle* frontend, SocketHandle* backend, SocketHandle* capture = nullptr,
          SocketHandle* control = nullptr);

}  // namespace sculpin
