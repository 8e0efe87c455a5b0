#include "wire/command.hpp"

#include <algorithm>
#include <cassert>

#include "wire/byte_order.hpp"
#include "wire/frame_header.hpp"
#include "wire/printable.hpp"

namespace sculpin::wire {

namespace {

std::string_view as_text(std::span<const uint8_t> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

}  // namespace

std::optional<Command> parse_command(std::span<const uint8_t> body, std::string& error) {
    if (body.empty()) {
        error = "empty command frame (no name)";
        return std::nullopt;
    }
    const size_t name_bytes = body[0];
    if (name_bytes == 0 || name_bytes + 1 > body.size()) {
        error = "command name length " + std::to_string(name_bytes) + " does not fit a " +
                std::to_string(body.size()) + "-byte command";
        return std::nullopt;
    }
    return Command{as_text(body.subspan(1, name_bytes)), body.subspan(1 + name_bytes)};
}

void append_command_prefix(std::vector<uint8_t>& out, std::string_view name, uint64_t data_bytes) {
    assert(!name.empty() && name.size() <= 255);
    uint8_t header[kMaxFrameHeaderBytes];
    const size_t header_bytes =
        write_frame_header(header, kFlagCommand, 1 + name.size() + data_bytes);
    out.insert(out.end(), header, header + header_bytes);
    out.push_back(static_cast<uint8_t>(name.size()));
    out.insert(out.end(), name.begin(), name.end());
}

void append_command(std::vector<uint8_t>& out, std::string_view name,
                    std::span<const uint8_t> data) {
    append_command_prefix(out, name, data.size());
    out.insert(out.end(), data.begin(), data.end());
}

void append_property(std::vector<uint8_t>& out, std::string_view name, std::string_view value) {
    assert(!name.empty() && name.size() <= 255);
    assert(value.size() <= UINT32_MAX);
    out.push_back(static_cast<uint8_t>(name.size()));
    out.insert(out.end(), name.begin(), name.end());
    uint8_t length[4];
    put_u32_be(length, static_cast<uint32_t>(value.size()));
    out.insert(out.end(), length, length + 4);
    out.insert(out.end(), value.begin(), value.end());
}

bool parse_properties(std::span<const uint8_t> data, std::map<std::string, std::string>& properties,
                      std::string& error) {
    size_t at = 0;
    while (at < data.size()) {
        const size_t name_bytes = data[at];
        if (name_bytes == 0 || at + 1 + name_bytes + 4 > data.size()) {
            error = "malformed READY property at byte " + std::to_string(at) + " of " +
                    std::to_string(data.size()) + " (name length " + std::to_string(name_bytes) +
                    ")";
            return false;
        }
        const std::string_view name = as_text(data.subspan(at + 1, name_bytes));
        at += 1 + name_bytes;
        const uint64_t value_bytes = get_u32_be(data.data() + at);
        at += 4;
        if (value_bytes > data.size() - at) {
            error = "READY property \"" + printable(name) + "\" claims a " +
                    std::to_string(value_bytes) + "-byte value, only " +
                    std::to_string(data.size() - at) + " bytes left";
            return false;
        }
        properties[std::string(name)] = std::string(as_text(data.subspan(at, value_bytes)));
        at += value_bytes;
    }
    return true;
}

const std::string* find_property(const std::map<std::string, std::string>& properties,
                                 std::string_view name) {
    for (const auto& [key, value] : properties)
        if (equal_ignoring_case(key, name)) return &value;
    return nullptr;
}

void append_ping(std::vector<uint8_t>& out, uint16_t ttl_deciseconds,
                 std::span<const uint8_t> context) {
    assert(context.size() <= kMaxPingContextBytes);
    append_command_prefix(out, command_name::ping, 2 + context.size());
    uint8_t ttl[2];
    put_u16_be(ttl, ttl_deciseconds);
    out.insert(out.end(), ttl, ttl + 2);
    out.insert(out.end(), context.begin(), context.end());
}

std::optional<Ping> parse_ping(std::span<const uint8_t> data, std::string& error) {
    if (data.size() < 2) {
        error = "PING with " + std::to_string(data.size()) +
                " bytes of data (expected a 2-byte TTL and up to 16 bytes of context)";
        return std::nullopt;
    }
    // RFC 37 allows 16 bytes of context; a longer one is cut to 16, as libzmq does (its
    // peers, and libzmq's own tests, expect a PONG rather than a dropped connection).
    const std::span<const uint8_t> context = data.subspan(2);
    return Ping{get_u16_be(data.data()),
                context.first(std::min(context.size(), kMaxPingContextBytes))};
}

void append_error(std::vector<uint8_t>& out, std::string_view reason) {
    if (reason.size() > kMaxErrorReasonBytes) reason = reason.substr(0, kMaxErrorReasonBytes);
    append_command_prefix(out, command_name::error, 1 + reason.size());
    out.push_back(static_cast<uint8_t>(reason.size()));
    out.insert(out.end(), reason.begin(), reason.end());
}

std::optional<std::string_view> parse_error_reason(std::span<const uint8_t> data,
                                                   std::string& error) {
    if (data.empty() || 1 + size_t{data[0]} != data.size()) {
        error = "malformed ERROR command (" + std::to_string(data.size()) + " bytes of data)";
        return std::nullopt;
    }
    return as_text(data.subspan(1));
}

}  // namespace sculpin::wire
