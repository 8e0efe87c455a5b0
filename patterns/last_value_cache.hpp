#pragma once

#include "node/node.hpp"

namespace sculpin::patterns {

Task<> pathopub(Node& node);
Task<> lvcache(Node& node);
Task<> pathosub(Node& node);

}  // namespace sculpin::patterns
