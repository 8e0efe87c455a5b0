// The CurveZMQ primitives against published test vectors: RFC 7748 (X25519), RFC 8439
// (Poly1305), and NaCl's own vectors for HSalsa20, XSalsa20 and the box (the "Alice and
// Bob" keys of RFC 7748 section 6.1, which NaCl's tests use too).
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "crypto/box.hpp"

namespace sculpin::crypto {
namespace {

std::vector<uint8_t> from_hex(std::string_view hex) {
    std::vector<uint8_t> bytes;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
        bytes.push_back(
            static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    }
    return bytes;
}

template <size_t N>
std::array<uint8_t, N> array_from_hex(std::string_view hex) {
    const auto bytes = from_hex(hex);
    EXPECT_EQ(bytes.size(), N);
    std::array<uint8_t, N> out{};
    for (size_t i = 0; i < N && i < bytes.size(); ++i) out[i] = bytes[i];
    return out;
}

std::string to_hex(std::span<const uint8_t> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex;
    for (uint8_t byte : bytes) {
        hex.push_back(kDigits[byte >> 4]);
        hex.push_back(kDigits[byte & 15]);
    }
    return hex;
}

constexpr std::string_view kAliceSecret =
    "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
constexpr std::string_view kAlicePublic =
    "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
constexpr std::string_view kBobSecret =
    "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
constexpr std::string_view kBobPublic =
    "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
constexpr std::string_view kSharedSecret =
    "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
// NaCl's "firstkey": HSalsa20(shared secret, 0^16), the crypto_box_beforenm key.
constexpr std::string_view kFirstKey =
    "1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389";
constexpr std::string_view kNonce = "69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37";

TEST(X25519, Rfc7748Section52Vector) {
    const auto scalar =
        array_from_hex<32>("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
    const auto u =
        array_from_hex<32>("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
    EXPECT_EQ(to_hex(x25519(scalar, u)),
              "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
}

TEST(X25519, Rfc7748Section52IteratedOnceAndAThousandTimes) {
    X25519Key k{};
    k[0] = 9;
    X25519Key u = k;
    for (int iteration = 1; iteration <= 1000; ++iteration) {
        const X25519Key result = x25519(k, u);
        u = k;
        k = result;
        if (iteration == 1) {
            EXPECT_EQ(to_hex(k),
                      "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
        }
    }
    EXPECT_EQ(to_hex(k), "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
}

TEST(X25519, Rfc7748Section61DiffieHellman) {
    const auto alice_secret = array_from_hex<32>(kAliceSecret);
    const auto bob_secret = array_from_hex<32>(kBobSecret);
    EXPECT_EQ(to_hex(x25519_base(alice_secret)), kAlicePublic);
    EXPECT_EQ(to_hex(x25519_base(bob_secret)), kBobPublic);
    EXPECT_EQ(to_hex(x25519(alice_secret, array_from_hex<32>(kBobPublic))), kSharedSecret);
    EXPECT_EQ(to_hex(x25519(bob_secret, array_from_hex<32>(kAlicePublic))), kSharedSecret);
}

TEST(X25519, IgnoresTheTopBitOfTheUCoordinate) {
    const auto scalar = array_from_hex<32>(kAliceSecret);
    auto u = array_from_hex<32>(kBobPublic);
    const auto expected = x25519(scalar, u);
    u[31] |= 0x80;
    EXPECT_EQ(x25519(scalar, u), expected);
}

TEST(Poly1305, Rfc8439Section252Vector) {
    const auto key =
        array_from_hex<32>("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
    const std::string message = "Cryptographic Forum Research Group";
    const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(message.data()),
                                         message.size());
    EXPECT_EQ(to_hex(poly1305(key, bytes)), "a8061dc1305136c6c22b8baf0c0127a9");
}

TEST(Poly1305, ReducesAnAccumulatorAboveTheModulus) {
    // r = 1, s = 0 and two blocks of 0xff: h = 2 * (2^129 - 1) = 2^130 - 2, which lies
    // between p = 2^130 - 5 and 2^130, so only the final conditional subtraction brings it
    // to 3.
    const auto key =
        array_from_hex<32>("0100000000000000000000000000000000000000000000000000000000000000");
    const std::vector<uint8_t> message(32, 0xff);
    EXPECT_EQ(to_hex(poly1305(key, message)), "03000000000000000000000000000000");
}

TEST(Salsa, HSalsa20DerivesNaClsFirstKeyFromTheSharedSecret) {
    const std::array<uint8_t, 16> zeros{};
    EXPECT_EQ(to_hex(hsalsa20(array_from_hex<32>(kSharedSecret), zeros)), kFirstKey);
    EXPECT_EQ(to_hex(box_key(array_from_hex<32>(kBobPublic), array_from_hex<32>(kAliceSecret))),
              kFirstKey);
    EXPECT_EQ(to_hex(box_key(array_from_hex<32>(kAlicePublic), array_from_hex<32>(kBobSecret))),
              kFirstKey);
}

TEST(Salsa, XSalsa20KeystreamStartsAsNaClsVectorSays) {
    std::array<uint8_t, 32> stream{};
    xsalsa20_xor(array_from_hex<32>(kFirstKey), array_from_hex<24>(kNonce), 0, stream);
    EXPECT_EQ(to_hex(stream), "eea6a7251c1e72916d11c2cb214d3c252539121d8e234e652d651fa4c8cff880");
}

TEST(Salsa, XSalsa20FromAnOffsetEqualsTheTailOfTheWholeStream) {
    const auto key = array_from_hex<32>(kFirstKey);
    const auto nonce = array_from_hex<24>(kNonce);
    std::vector<uint8_t> whole(300, 0);
    xsalsa20_xor(key, nonce, 0, whole);
    for (size_t skip : {1u, 32u, 63u, 64u, 65u, 200u}) {
        std::vector<uint8_t> tail(whole.size() - skip, 0);
        xsalsa20_xor(key, nonce, skip, tail);
        EXPECT_TRUE(std::equal(tail.begin(), tail.end(), whole.begin() + skip)) << skip;
    }
}

// NaCl's box test: Alice's secret key, Bob's public key, the nonce above, 131 bytes.
constexpr std::string_view kBoxPlaintext =
    "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffc"
    "e5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb31"
    "0e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde"
    "048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f93776384864"
    "5e0705";
constexpr std::string_view kBoxCiphertext =
    "8e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186a"
    "c0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738"
    "b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da"
    "99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74"
    "e355a5";
constexpr std::string_view kBoxTag = "f3ffc7703f9400e52a7dfb4b3d3305d9";

TEST(Box, SealsNaClsVector) {
    const BoxKey key = box_key(array_from_hex<32>(kBobPublic), array_from_hex<32>(kAliceSecret));
    std::vector<uint8_t> boxed;
    seal(key, array_from_hex<24>(kNonce), from_hex(kBoxPlaintext), boxed);
    EXPECT_EQ(to_hex(boxed), std::string(kBoxTag) + std::string(kBoxCiphertext));
}

TEST(Box, OpensNaClsVectorWithTheOtherSidesKeys) {
    const BoxKey key = box_key(array_from_hex<32>(kAlicePublic), array_from_hex<32>(kBobSecret));
    const auto boxed = from_hex(std::string(kBoxTag) + std::string(kBoxCiphertext));
    const auto plaintext = open(key, array_from_hex<24>(kNonce), boxed);
    ASSERT_TRUE(plaintext.has_value());
    EXPECT_EQ(to_hex(*plaintext), kBoxPlaintext);
}

TEST(Box, RefusesAnyFlippedBitAndATruncatedBox) {
    const BoxKey key = box_key(array_from_hex<32>(kAlicePublic), array_from_hex<32>(kBobSecret));
    const auto nonce = array_from_hex<24>(kNonce);
    const auto boxed = from_hex(std::string(kBoxTag) + std::string(kBoxCiphertext));
    for (size_t i = 0; i < boxed.size(); ++i) {
        auto tampered = boxed;
        tampered[i] ^= static_cast<uint8_t>(1u << (i % 8));
        EXPECT_FALSE(open(key, nonce, tampered).has_value()) << "byte " << i;
    }
    auto other_nonce = nonce;
    other_nonce[23] ^= 1;
    EXPECT_FALSE(open(key, other_nonce, boxed).has_value());
    EXPECT_FALSE(open(key, nonce, std::span(boxed).first(15)).has_value());
}

TEST(Box, EmptyPlaintextRoundTrips) {
    const BoxKey key = array_from_hex<32>(kFirstKey);
    const auto nonce = array_from_hex<24>(kNonce);
    std::vector<uint8_t> boxed;
    seal(key, nonce, {}, boxed);
    ASSERT_EQ(boxed.size(), kBoxOverheadBytes);
    const auto plaintext = open(key, nonce, boxed);
    ASSERT_TRUE(plaintext.has_value());
    EXPECT_TRUE(plaintext->empty());
}

}  // namespace
}  // namespace sculpin::crypto
