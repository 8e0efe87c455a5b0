// Sculpin's zmq.h only.
#include "zmq.h"

#include "capi/header_constants.hpp"

namespace capi_test {
HeaderFacts sculpin_header_facts() {
#include "capi/header_facts.inc"
}
}  // namespace capi_test
