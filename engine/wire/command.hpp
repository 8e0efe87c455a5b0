// ZMTP command bodies (RFC 23 / RFC 37): a name (1-byte length + name) then data.
//
//   READY      properties: name (1-byte length + name), value (4-byte length + value)
//   ERROR      reason (1-byte length + up to 255 bytes)
//   SUBSCRIBE  topic (the rest of the body)           3.1 only
//   CANCEL     topic (the rest of the body)           3.1 only
//   PING       TTL (2 bytes, deciseconds), context (0..16 bytes)   3.1 only
//   PONG       context (the PING's, echoed)                        3.1 only
//
// Encoders append a whole command frame (header included) to a byte vector the caller
// reuses, so the steady-state PING/PONG path does not allocate.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sculpin::wire {

namespace command_name {
constexpr std::string_view ready = "READY";
constexpr std::string_view error = "ERROR";
constexpr std::string_view subscribe = "SUBSCRIBE";
constexpr std::string_view cancel = "CANCEL";
constexpr std::string_view ping = "PING";
constexpr std::string_view pong = "PONG";
}  // namespace command_name

constexpr size_t kMaxPingContextBytes = 16;
constexpr size_t kMaxErrorReasonBytes = 255;

struct Command {
    std::string_view name;
    std::span<const uint8_t> data;
};

// Splits a command frame body into name and data. nullopt = malformed, `error` says why.
std::optional<Command> parse_command(std::span<const uint8_t> body, std::string& error);

// Appends a command frame (header, name, data) to `out`.
void append_command(std::vector<uint8_t>& out, std::string_view name,
                    std::span<const uint8_t> data);
// Appends the header and name of a command frame whose `data_bytes` of data the caller
// supplies separately (a large SUBSCRIBE topic goes out without being copied).
void append_command_prefix(std::vector<uint8_t>& out, std::string_view name, uint64_t data_bytes);

// READY metadata.
void append_property(std::vector<uint8_t>& out, std::string_view name, std::string_view value);
// Parses READY data into `properties`. false = malformed, `error` says why.
bool parse_properties(std::span<const uint8_t> data, std::map<std::string, std::string>& properties,
                      std::string& error);
// Property names are case-insensitive (RFC 23); looks one up in a parsed set.
const std::string* find_property(const std::map<std::string, std::string>& properties,
                                 std::string_view name);

// PING: 2-byte TTL in deciseconds + context.
void append_ping(std::vector<uint8_t>& out, uint16_t ttl_deciseconds,
                 std::span<const uint8_t> context);
struct Ping {
    uint16_t ttl_deciseconds;
    std::span<const uint8_t> context;
};
std::optional<Ping> parse_ping(std::span<const uint8_t> data, std::string& error);

// ERROR: reason cut to 255 bytes.
void append_error(std::vector<uint8_t>& out, std::string_view reason);
std::optional<std::string_view> parse_error_reason(std::span<const uint8_t> data,
                                                   std::string& error);

}  // namespace sculpin::wire
