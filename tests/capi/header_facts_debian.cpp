// Debian's zmq.h only (the path comes from pkg-config's libzmq includedir).
#include DEBIAN_ZMQ_H

#include "capi/header_constants.hpp"

namespace capi_test {
HeaderFacts debian_header_facts() {
#include "capi/header_facts.inc"
}
}  // namespace capi_test
