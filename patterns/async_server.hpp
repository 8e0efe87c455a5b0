#pragma once

#include "node/node.hpp"

namespace sculpin::patterns {

Task<> asyncsrv_client(Node& node);
Task<> asyncsrv_server(Node& node);
Task<> asyncsrv_worker(Node& node);

}  // namespace sculpin::patterns
