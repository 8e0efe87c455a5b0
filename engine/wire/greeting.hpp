// The 64-byte ZMTP 3.x greeting (RFC 23 / RFC 37):
//
//   offset  size  field
//   0       1     0xff            signature start
//   1       8     padding         (zeros from us; any value from a peer)
//   9       1     0x7f            signature end
//   10      1     major version   3
//   11      1     minor version   1 (0 = ZMTP 3.0)
//   12      20    mechanism       "NULL" or "PLAIN", padded with zeros
//   32      1     as-server       1 for a PLAIN server, else 0 (meaningless for NULL)
//   33      31    filler          zeros
//
// The peer's greeting is validated as it arrives, byte by byte: a ZMTP 2.0 peer sends
// only a 12-byte greeting and then waits for ours to continue, so waiting for all 64
// bytes before judging would hang until the handshake deadline instead of failing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace sculpin::wire {

constexpr size_t kGreetingBytes = 64;
constexpr size_t kSignatureEndIndex = 9;
constexpr size_t kMajorVersionIndex = 10;
constexpr size_t kMinorVersionIndex = 11;
constexpr size_t kMechanismIndex = 12;
constexpr size_t kMechanismBytes = 20;
constexpr size_t kAsServerIndex = 32;
constexpr uint8_t kSignatureStart = 0xff;
constexpr uint8_t kSignatureEnd = 0x7f;
constexpr uint8_t kOurMajorVersion = 3;
constexpr uint8_t kOurMinorVersion = 1;

// Our greeting: version 3.1, `mechanism` (at most 20 bytes), `as_server`.
void write_greeting(std::span<uint8_t, kGreetingBytes> out, std::string_view mechanism = "NULL",
                    bool as_server = false) noexcept;

// Judges the first received.size() bytes of a peer's greeting (at most 64). Returns an
// empty string while they can still be the start of a ZMTP 3.x greeting for
// `our_mechanism` (both sides must use the same one), otherwise why they cannot. Only the
// fields that are complete are judged.
std::string greeting_error(std::span<const uint8_t> received,
                           std::string_view our_mechanism = "NULL");

// The ZMTP 3 minor version both sides speak, for a complete greeting that passed
// greeting_error(): 0 for a 3.0 peer, 1 for 3.1 or anything newer (a newer peer
// downgrades to us, RFC 37 "version negotiation").
int negotiated_minor_version(std::span<const uint8_t, kGreetingBytes> greeting) noexcept;

}  // namespace sculpin::wire
