// The constants and type layouts of one zmq.h, gathered in a translation unit that
// includes only that header (Debian's and ours cannot share one).
#pragma once

#include <cstddef>
#include <map>
#include <string>

namespace capi_test {

struct HeaderFacts {
    std::map<std::string, long long> constants;
    size_t msg_size_bytes = 0;
    size_t msg_alignment = 0;
    size_t pollitem_size_bytes = 0;
    size_t pollitem_fd_offset = 0;
    size_t pollitem_events_offset = 0;
    size_t pollitem_revents_offset = 0;
};

HeaderFacts debian_header_facts();   // /usr/include/zmq.h (libzmq3-dev)
HeaderFacts sculpin_header_facts();  // capi/include/zmq.h

}  // namespace capi_test
