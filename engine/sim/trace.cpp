// The canonical text encoding is hand-written rather than built with nlohmann: its exact
// bytes are a contract (trace files must not change when a JSON library changes its
// formatting). The hash does not go through it (see TraceHash).
#include "sim/trace.hpp"

#include <array>
#include <bit>
#include <cassert>
#include <charconv>
#include <cstring>
#include <utility>

namespace sculpin::sim {

std::string_view to_string(TraceKind kind) {
    switch (kind) {
        case TraceKind::node_start:
            return "node_start";
        case TraceKind::node_exit:
            return "node_exit";
        case TraceKind::node_crash:
            return "node_crash";
        case TraceKind::node_pause:
            return "node_pause";
        case TraceKind::node_resume:
            return "node_resume";
        case TraceKind::socket_open:
            return "socket_open";
        case TraceKind::socket_close:
            return "socket_close";
        case TraceKind::bind:
            return "bind";
        case TraceKind::connect:
            return "connect";
        case TraceKind::connected:
            return "connected";
        case TraceKind::handshake:
            return "handshake";
        case TraceKind::disconnected:
            return "disconnected";
        case TraceKind::send:
            return "send";
        case TraceKind::wire:
            return "wire";
        case TraceKind::encoded:
            return "encoded";
        case TraceKind::arrived:
            return "arrived";
        case TraceKind::deliver:
            return "deliver";
        case TraceKind::drop:
            return "drop";
        case TraceKind::fork:
            return "fork";
        case TraceKind::subscribed:
            return "subscribed";
        case TraceKind::fault_begin:
            return "fault_begin";
        case TraceKind::fault_end:
            return "fault_end";
        case TraceKind::log:
            return "log";
        case TraceKind::mark:
            return "mark";
    }
    // Only reachable with a value cast from outside the enum; still canonical and stable.
    return "unknown";
}

namespace {

constexpr std::array<char, 16> kHexDigits{'0', '1', '2', '3', '4', '5', '6', '7',
                                          '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

void append_u00(std::string& out, unsigned char byte) {
    out += "\\u00";
    out += kHexDigits[byte >> 4];
    out += kHexDigits[byte & 0x0f];
}

// Length of the well-formed UTF-8 sequence starting at text[i] (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or 0 if the bytes there are not one.
size_t utf8_sequence_length(std::string_view text, size_t i) {
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    size_t length = 0;
    unsigned char second_min = 0x80;
    unsigned char second_max = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        if (lead == 0xe0) second_min = 0xa0;  // overlong
        if (lead == 0xed) second_max = 0x9f;  // UTF-16 surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        if (lead == 0xf0) second_min = 0x90;  // overlong
        if (lead == 0xf4) second_max = 0x8f;  // above U+10FFFF
    } else {
        return 0;
    }
    if (i + length > text.size()) return 0;
    if (byte(i + 1) < second_min || byte(i + 1) > second_max) return 0;
    for (size_t k = 2; k < length; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return 0;
    }
    return length;
}

// Appends `text` as a JSON string literal. Well-formed UTF-8 passes through unchanged.
// A byte that is not part of well-formed UTF-8 (frame previews can hold binary data) is
// written as \u00XX of the byte value: that reads back as U+00XX rather than the original
// byte, but the output stays valid JSON and the mapping is a pure function of the input,
// which is what the hash needs.
void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            switch (c) {
                case '"':
                    out += "\\\"";
                    break;
                case '\\':
                    out += "\\\\";
                    break;
                case '\n':
                    out += "\\n";
                    break;
                case '\r':
                    out += "\\r";
                    break;
                case '\t':
                    out += "\\t";
                    break;
                default:
                    if (c < 0x20) {
                        append_u00(out, c);
                    } else {
                        out += static_cast<char>(c);
                    }
            }
            ++i;
            continue;
        }
        const size_t length = utf8_sequence_length(text, i);
        if (length == 0) {
            append_u00(out, c);
            ++i;
        } else {
            out.append(text.substr(i, length));
            i += length;
        }
    }
    out += '"';
}

template <typename Integer>
void append_integer(std::string& out, Integer value) {
    std::array<char, 24> buffer{};
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    out.append(buffer.data(), result.ptr);
}

}  // namespace

std::string to_json_line(const TraceEvent& event) {
    std::string out;
    out.reserve(96 + event.node.size() + event.peer.size() + event.detail.size());
    out += "{\"t\":";
    append_integer(out, event.time_ns);
    out += ",\"k\":\"";
    out += to_string(event.kind);  // kind names are plain identifiers: nothing to escape
    out += "\",\"node\":";
    append_json_string(out, event.node);
    out += ",\"sock\":";
    append_integer(out, event.socket);
    out += ",\"msg\":";
    append_integer(out, event.message);
    out += ",\"peer\":";
    append_json_string(out, event.peer);
    out += ",\"detail\":";
    append_json_string(out, event.detail);
    out += ",\"v\":";
    append_integer(out, event.value);
    out += '}';
    return out;
}

namespace {

// One step of the hash: a multiply-xorshift mix of one 64-bit word into the state.
inline uint64_t mix(uint64_t hash, uint64_t word) {
    constexpr uint64_t kMultiplier = 0x9e3779b97f4a7c15ULL;  // 2^64 / golden ratio, odd
    hash = (hash ^ word) * kMultiplier;
    return hash ^ (hash >> 29);
}

// Up to 8 bytes as a little-endian word, whatever the machine's byte order. On a
// little-endian machine that is a few plain loads, which give the same value as
// assembling the word byte by byte. (A memcpy of a variable count is a call into libc;
// the loads below are inline and read only the `count` bytes given.)
inline uint64_t little_endian_word(const unsigned char* bytes, size_t count) {
    assert(count <= 8);
    uint64_t word = 0;
    if constexpr (std::endian::native == std::endian::little) {
        if (count == 8) {
            std::memcpy(&word, bytes, 8);
        } else if (count >= 4) {
            // Two 4-byte loads that overlap when count < 8: the overlapping bytes are the
            // same bytes, so or-ing them in twice changes nothing.
            uint32_t low = 0;
            uint32_t high = 0;
            std::memcpy(&low, bytes, 4);
            std::memcpy(&high, bytes + count - 4, 4);
            word = static_cast<uint64_t>(low) | static_cast<uint64_t>(high) << (8 * (count - 4));
        } else if (count > 0) {
            // 1 to 3 bytes: the first, the middle and the last (some of them the same).
            word = static_cast<uint64_t>(bytes[0]) |
                   static_cast<uint64_t>(bytes[count / 2]) << (8 * (count / 2)) |
                   static_cast<uint64_t>(bytes[count - 1]) << (8 * (count - 1));
        }
    } else {
        for (size_t i = 0; i < count; ++i) word |= static_cast<uint64_t>(bytes[i]) << (8 * i);
    }
    return word;
}

inline uint64_t mix_string(uint64_t hash, std::string_view text) {
    // The length first: "ab" + "c" and "a" + "bc" must not hash alike.
    hash = mix(hash, text.size());
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    size_t i = 0;
    for (; i + 8 <= text.size(); i += 8) hash = mix(hash, little_endian_word(bytes + i, 8));
    if (i < text.size()) hash = mix(hash, little_endian_word(bytes + i, text.size() - i));
    return hash;
}

}  // namespace

void TraceHash::add(const TraceEvent& event) {
    add(event.time_ns, event.kind, event.node, event.socket, event.message, event.peer,
        event.detail, event.value);
}

void TraceHash::add(int64_t time_ns, TraceKind kind, std::string_view node, int socket,
                    uint64_t message, std::string_view peer, std::string_view detail,
                    int64_t value) {
    uint64_t hash = hash_;
    hash = mix(hash, static_cast<uint64_t>(time_ns));
    hash = mix(hash, static_cast<uint64_t>(kind));
    hash = mix_string(hash, node);
    hash = mix(hash, static_cast<uint64_t>(static_cast<int64_t>(socket)));
    hash = mix(hash, message);
    hash = mix_string(hash, peer);
    hash = mix_string(hash, detail);
    hash = mix(hash, static_cast<uint64_t>(value));
    hash_ = hash;
}

std::string TraceHash::hex() const {
    std::string out(16, '0');
    uint64_t value = hash_;
    for (size_t i = 16; i-- > 0;) {
        out[i] = kHexDigits[value & 0x0f];
        value >>= 4;
    }
    return out;
}

void Trace::record(TraceEvent event) {
    hash_.add(event);
    keep_or_tell(std::move(event));
}

void Trace::keep_or_tell(TraceEvent event) {
    const bool tell = (listener_kinds_ & trace_kind_bit(event.kind)) != 0;
    if (keep_events_) {
        events_.push_back(std::move(event));
        // The listener sees the event already in events(), so it may look back at it.
        if (tell) listener_(events_.back());
    } else if (tell) {
        listener_(event);
    }
}

}  // namespace sculpin::sim
