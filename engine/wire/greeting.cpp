#include "wire/greeting.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "wire/printable.hpp"

namespace sculpin::wire {

void write_greeting(std::span<uint8_t, kGreetingBytes> out, std::string_view mechanism,
                    bool as_server) noexcept {
    assert(mechanism.size() <= kMechanismBytes);
    std::memset(out.data(), 0, out.size());
    out[0] = kSignatureStart;
    // Bytes 1-8 are padding; libzmq puts a length of 1 there (a ZMTP 1.0 peer reads the
    // signature as a one-byte frame), and raw peers written against libzmq expect it.
    out[kSignatureEndIndex - 1] = 1;
    out[kSignatureEndIndex] = kSignatureEnd;
    out[kMajorVersionIndex] = kOurMajorVersion;
    out[kMinorVersionIndex] = kOurMinorVersion;
    std::memcpy(out.data() + kMechanismIndex, mechanism.data(),
                std::min(mechanism.size(), kMechanismBytes));
    out[kAsServerIndex] = as_server ? 1 : 0;  // the filler stays zero
}

std::string greeting_error(std::span<const uint8_t> received, std::string_view our_mechanism) {
    assert(received.size() <= kGreetingBytes);
    const size_t have = received.size();
    if (have > 0 && received[0] != kSignatureStart) {
        return "bad greeting: byte 0 is " + hex_byte(received[0]) + ", expected " +
               hex_byte(kSignatureStart) + " (not a ZMTP peer?)";
    }
    if (have > kSignatureEndIndex && received[kSignatureEndIndex] != kSignatureEnd) {
        // ZMTP 1.0 peers have no signature; their first frame's length lands here.
        return "bad greeting: byte 9 is " + hex_byte(received[kSignatureEndIndex]) + ", expected " +
               hex_byte(kSignatureEnd) + " (not a ZMTP 3 peer?)";
    }
    if (have > kMajorVersionIndex && received[kMajorVersionIndex] < kOurMajorVersion) {
        return "peer speaks ZMTP 1.0/2.0 (greeting major version " +
               std::to_string(received[kMajorVersionIndex]) + "), unsupported";
    }
    if (have >= kMechanismIndex + kMechanismBytes) {
        const auto mechanism = received.subspan(kMechanismIndex, kMechanismBytes);
        size_t name_bytes = 0;
        while (name_bytes < kMechanismBytes && mechanism[name_bytes] != 0) ++name_bytes;
        bool padding_is_zero = true;
        for (size_t i = name_bytes; i < kMechanismBytes; ++i) padding_is_zero &= mechanism[i] == 0;
        const bool same = name_bytes == our_mechanism.size() &&
                          std::memcmp(mechanism.data(), our_mechanism.data(), name_bytes) == 0;
        if (!same || !padding_is_zero) {
            return "peer wants security mechanism \"" + printable(mechanism.first(name_bytes)) +
                   "\", this socket uses " + std::string(our_mechanism);
        }
    }
    return {};
}

int negotiated_minor_version(std::span<const uint8_t, kGreetingBytes> greeting) noexcept {
    assert(greeting[kMajorVersionIndex] >= kOurMajorVersion);
    if (greeting[kMajorVersionIndex] > kOurMajorVersion) return kOurMinorVersion;
    return greeting[kMinorVersionIndex] >= kOurMinorVersion ? kOurMinorVersion : 0;
}

}  // namespace sculpin::wire
