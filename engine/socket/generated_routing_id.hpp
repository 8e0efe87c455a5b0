// The routing ids a ROUTER or STREAM socket makes up for peers that announce none: five
// bytes, a zero then a 32-bit counter (as libzmq), so they never collide with an id a
// peer chose unless that id starts with a zero byte too.
#pragma once

#include <cstdint>
#include <string>

namespace sculpin {

// The next id from `next` that `ids_in_use` (a map keyed by routing id) does not hold.
template <class IdMap>
std::string next_free_routing_id(uint32_t& next, const IdMap& ids_in_use) {
    // Bounded: at most one step per id in use, and the map is far smaller than 2^32.
    for (;;) {
        const uint32_t n = next++;
        const char bytes[5] = {0, static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                               static_cast<char>(n >> 8), static_cast<char>(n)};
        std::string id(bytes, sizeof bytes);
        if (ids_in_use.count(id) == 0) return id;
    }
}

}  // namespace sculpin
