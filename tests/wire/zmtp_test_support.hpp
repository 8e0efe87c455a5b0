// Helpers for the ZMTP codec tests: wiring two connections back to back, and
// hand-crafting a peer's bytes (greetings, commands, frames) for the cases a well-behaved
// ZmtpConnection would never produce.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/message.hpp"
#include "core/socket_type.hpp"
#include "wire/zmtp_connection.hpp"

namespace sculpin::wire::test {

using Bytes = std::vector<uint8_t>;

inline Bytes bytes_of(std::string_view text) {
    return Bytes(text.begin(), text.end());
}

inline Bytes& operator+=(Bytes& a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

inline ZmtpConfig config_for(SocketType type, std::string routing_id = "") {
    ZmtpConfig config;
    config.socket_type = type;
    config.routing_id = std::move(routing_id);
    return config;
}

// Everything `conn` has queued for its peer, consumed from it.
inline Bytes take_output(ZmtpConnection& conn) {
    Bytes out;
    OutputSlice slices[16];
    while (conn.output_size_bytes() > 0) {
        const size_t count = conn.output_slices(slices, 16);
        size_t taken = 0;
        for (size_t i = 0; i < count; ++i) {
            out.insert(out.end(), slices[i].data, slices[i].data + slices[i].size_bytes);
            taken += slices[i].size_bytes;
        }
        conn.consume_output(taken);
    }
    return out;
}

// Moves bytes between a and b until neither has output left (or one fails).
inline void pump(ZmtpConnection& a, ZmtpConnection& b, int64_t now_ms = 0) {
    for (int round = 0; round < 100; ++round) {
        const Bytes a_out = take_output(a);
        const Bytes b_out = take_output(b);
        if (a_out.empty() && b_out.empty()) return;
        if (!b.failed()) b.feed(a_out, now_ms);
        if (!a.failed()) a.feed(b_out, now_ms);
    }
    FAIL() << "pump did not settle";
}

// A started, handshaken pair.
struct Pair {
    ZmtpConnection a;
    ZmtpConnection b;
    Pair(ZmtpConfig ca, ZmtpConfig cb, int64_t now_ms = 0) : a(std::move(ca)), b(std::move(cb)) {
        a.start(now_ms);
        b.start(now_ms);
        pump(a, b, now_ms);
    }
};

// --- hand-crafted peer bytes -------------------------------------------------------------

inline Bytes greeting(uint8_t major = 3, uint8_t minor = 1, std::string_view mechanism = "NULL") {
    Bytes g(64, 0);
    g[0] = 0xff;
    g[8] = 1;  // padding; libzmq (and so Sculpin) sends a length of 1 here
    g[9] = 0x7f;
    g[10] = major;
    g[11] = minor;
    std::memcpy(g.data() + 12, mechanism.data(), mechanism.size());
    return g;
}

inline Bytes frame_header(uint8_t flags, uint64_t size, bool force_long = false) {
    Bytes h;
    if (size <= 255 && !force_long) {
        h = {flags, static_cast<uint8_t>(size)};
    } else {
        h.push_back(static_cast<uint8_t>(flags | 0x02));
        for (int i = 7; i >= 0; --i) h.push_back(static_cast<uint8_t>(size >> (8 * i)));
    }
    return h;
}

inline Bytes data_frame(std::string_view body, bool more = false) {
    Bytes f = frame_header(more ? 0x01 : 0x00, body.size());
    f += bytes_of(body);
    return f;
}

inline Bytes command(std::string_view name, const Bytes& data) {
    Bytes body;
    body.push_back(static_cast<uint8_t>(name.size()));
    body += bytes_of(name);
    body += data;
    Bytes f = frame_header(0x04, body.size());
    f += body;
    return f;
}

inline Bytes property(std::string_view name, std::string_view value) {
    Bytes p;
    p.push_back(static_cast<uint8_t>(name.size()));
    p += bytes_of(name);
    const auto n = static_cast<uint32_t>(value.size());
    p += Bytes{static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16),
               static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)};
    p += bytes_of(value);
    return p;
}

inline Bytes ready(std::string_view socket_type, std::string_view identity = {},
                   bool with_identity = false) {
    Bytes props = property("Socket-Type", socket_type);
    if (with_identity || !identity.empty()) props += property("Identity", identity);
    return command("READY", props);
}

inline Bytes ping(uint16_t ttl_deciseconds, std::string_view context) {
    Bytes data{static_cast<uint8_t>(ttl_deciseconds >> 8), static_cast<uint8_t>(ttl_deciseconds)};
    data += bytes_of(context);
    return command("PING", data);
}

inline Bytes error_command(std::string_view reason) {
    Bytes data{static_cast<uint8_t>(reason.size())};
    data += bytes_of(reason);
    return command("ERROR", data);
}

// Greeting + READY of a peer of the given type: what a real peer sends before messages.
inline Bytes peer_handshake(std::string_view socket_type, uint8_t minor = 1) {
    Bytes b = greeting(3, minor);
    b += ready(socket_type);
    return b;
}

// A connection of `type` that has completed the handshake with a hand-crafted peer.
inline void handshake_with_raw_peer(ZmtpConnection& conn, std::string_view peer_type,
                                    uint8_t peer_minor = 1, int64_t now_ms = 0) {
    conn.start(now_ms);
    ASSERT_TRUE(conn.feed(peer_handshake(peer_type, peer_minor), now_ms)) << conn.error();
    ASSERT_TRUE(conn.ready());
}

inline bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

inline bool contains(const Bytes& haystack, const Bytes& needle) {
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
           haystack.end();
}

inline std::vector<Message> pop_all(ZmtpConnection& conn) {
    std::vector<Message> out;
    Message msg;
    while (conn.pop_message(msg)) out.push_back(msg);
    return out;
}

}  // namespace sculpin::wire::test
