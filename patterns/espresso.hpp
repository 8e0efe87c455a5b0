#pragma once

#include "node/node.hpp"

namespace sculpin::patterns {

// The book's zmq_proxy(frontend, backend, capture): forwards both ways like
// forward_forever, and sends a copy of every message it forwards to `capture` first.
Task<> forward_forever_with_capture(Node& node, Sock frontend, Sock backend, Sock capture);

Task<> espresso_publisher(Node& node);
Task<> espresso_subscriber(Node& node);
Task<> espresso_proxy(Node& node);
Task<> espresso_listener(Node& node);

}  // namespace sculpin::patterns
