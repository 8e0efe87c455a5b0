#pragma once

#include "node/node.hpp"

namespace sculpin::patterns {

// Moves every message from one socket to the other, both ways, until a receive fails:
// the book's zmq_proxy() loop, written on the Node API so it runs on both runtimes.
Task<> forward_forever(Node& node, Sock frontend, Sock backend);

Task<> rrclient(Node& node);
Task<> rrworker(Node& node);
Task<> rrbroker(Node& node);
Task<> msgqueue(Node& node);

}  // namespace sculpin::patterns
