// CURVE keys through the C API: zmq_curve_keypair, zmq_curve_public, and the CURVE socket
// options in their 32-byte and 40-character Z85 forms, as libzmq 4.3 takes and gives them.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <set>
#include <string>

#include "capi_test_support.hpp"
#include "zmq.h"

namespace {

using namespace capi_test;

std::string z85(const uint8_t* bytes) {
    char text[41];
    EXPECT_NE(zmq_z85_encode(text, bytes, 32), nullptr);
    return text;
}

int get_int_option(void* socket, int option) {
    int value = -1;
    size_t size = sizeof value;
    EXPECT_EQ(zmq_getsockopt(socket, option, &value, &size), 0);
    return value;
}

// RFC 7748 section 6.1's Alice.
constexpr uint8_t kAliceSecret[32] = {
    0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16, 0xc1, 0x72, 0x51, 0xb2, 0x66, 0x45,
    0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0, 0x99, 0x2a, 0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9, 0x2c, 0x2a};
constexpr uint8_t kAlicePublic[32] = {
    0x85, 0x20, 0xf0, 0x09, 0x89, 0x30, 0xa7, 0x54, 0x74, 0x8b, 0x7d, 0xdc, 0xb4, 0x3e, 0xf7, 0x5a,
    0x0d, 0xbf, 0x3a, 0x0d, 0x26, 0x38, 0x1a, 0xf4, 0xeb, 0xa4, 0xa9, 0x8e, 0xaa, 0x9b, 0x4e, 0x6a};

TEST(CapiCurveKeys, PublicKeyOfASecretKeyIsX25519OfTheBasePoint) {
    char public_text[41] = {};
    ASSERT_EQ(zmq_curve_public(public_text, z85(kAliceSecret).c_str()), 0);
    EXPECT_EQ(std::string(public_text), z85(kAlicePublic));
}

TEST(CapiCurveKeys, KeypairGivesFreshKeysWhosePublicHalfMatches) {
    std::set<std::string> seen;
    for (int i = 0; i < 4; ++i) {
        char public_text[41] = {};
        char secret_text[41] = {};
        ASSERT_EQ(zmq_curve_keypair(public_text, secret_text), 0);
        EXPECT_EQ(std::strlen(public_text), 40u);
        EXPECT_EQ(std::strlen(secret_text), 40u);
        char derived[41] = {};
        ASSERT_EQ(zmq_curve_public(derived, secret_text), 0);
        EXPECT_STREQ(derived, public_text);
        seen.insert(secret_text);
    }
    EXPECT_EQ(seen.size(), 4u);
}

TEST(CapiCurveKeys, PublicOfMalformedTextIsEinval) {
    char public_text[41] = {};
    EXPECT_EQ(zmq_curve_public(public_text, "too short"), -1);
    EXPECT_EQ(zmq_errno(), EINVAL);
    // 40 characters, one outside the Z85 alphabet.
    EXPECT_EQ(zmq_curve_public(public_text, "~123456789012345678901234567890123456789"), -1);
    EXPECT_EQ(zmq_errno(), EINVAL);
}

using CapiCurveOptions = ContextTest<>;

TEST_F(CapiCurveOptions, KeysGoInAsBinaryOrZ85AndComeBackInEitherForm) {
    void* socket = make(ZMQ_DEALER);
    const std::string alice_public_text = z85(kAlicePublic);
    ASSERT_EQ(zmq_setsockopt(socket, ZMQ_CURVE_PUBLICKEY, alice_public_text.c_str(), 40), 0);
    ASSERT_EQ(zmq_setsockopt(socket, ZMQ_CURVE_SECRETKEY, kAliceSecret, 32), 0);
    // 41 bytes: the text with its NUL, as libzmq's own tests pass it.
    ASSERT_EQ(zmq_setsockopt(socket, ZMQ_CURVE_SERVERKEY, alice_public_text.c_str(), 41), 0);

    uint8_t binary[32] = {};
    size_t size = sizeof binary;
    ASSERT_EQ(zmq_getsockopt(socket, ZMQ_CURVE_PUBLICKEY, binary, &size), 0);
    EXPECT_EQ(std::memcmp(binary, kAlicePublic, 32), 0);
    char text[41] = {};
    size = sizeof text;
    ASSERT_EQ(zmq_getsockopt(socket, ZMQ_CURVE_SECRETKEY, text, &size), 0);
    EXPECT_EQ(std::string(text), z85(kAliceSecret));
    size = sizeof text;
    ASSERT_EQ(zmq_getsockopt(socket, ZMQ_CURVE_SERVERKEY, text, &size), 0);
    EXPECT_EQ(std::string(text), alice_public_text);

    EXPECT_EQ(get_int_option(socket, ZMQ_MECHANISM), ZMQ_CURVE);
    EXPECT_EQ(get_int_option(socket, ZMQ_CURVE_SERVER), 0);
    zmq_close(socket);
}

TEST_F(CapiCurveOptions, CurveServerSwitchesTheMechanismOnAndOff) {
    void* socket = make(ZMQ_ROUTER);
    set_int(socket, ZMQ_CURVE_SERVER, 1);
    EXPECT_EQ(get_int_option(socket, ZMQ_MECHANISM), ZMQ_CURVE);
    EXPECT_EQ(get_int_option(socket, ZMQ_CURVE_SERVER), 1);
    set_int(socket, ZMQ_CURVE_SERVER, 0);
    EXPECT_EQ(get_int_option(socket, ZMQ_MECHANISM), ZMQ_NULL);
    const int two = 2;
    EXPECT_EQ(zmq_setsockopt(socket, ZMQ_CURVE_SERVER, &two, sizeof two), -1);
    EXPECT_EQ(zmq_errno(), EINVAL);
    zmq_close(socket);
}

TEST_F(CapiCurveOptions, BadKeySizesAndBadZ85AreEinval) {
    void* socket = make(ZMQ_DEALER);
    EXPECT_EQ(zmq_setsockopt(socket, ZMQ_CURVE_SECRETKEY, kAliceSecret, 31), -1);
    EXPECT_EQ(zmq_errno(), EINVAL);
    const std::string bad(40, '~');  // '~' is not a Z85 character
    EXPECT_EQ(zmq_setsockopt(socket, ZMQ_CURVE_SECRETKEY, bad.data(), bad.size()), -1);
    EXPECT_EQ(zmq_errno(), EINVAL);
    char small[16];
    size_t size = sizeof small;
    EXPECT_EQ(zmq_getsockopt(socket, ZMQ_CURVE_PUBLICKEY, small, &size), -1);
    EXPECT_EQ(zmq_errno(), EINVAL);
    zmq_close(socket);
}

}  // namespace
