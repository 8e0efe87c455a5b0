// ZMQ_TCP_ACCEPT_FILTER entries: what parses, and which addresses fall inside.
#include "core/address_mask.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <array>

namespace sculpin {
namespace {

std::array<uint8_t, 16> address(int family, const char* text) {
    std::array<uint8_t, 16> bytes{};
    EXPECT_EQ(inet_pton(family, text, bytes.data()), 1) << text;
    return bytes;
}

TEST(AddressMask, RefusesWhatLibzmqRefuses) {
    for (const char* bad : {"foo", "0.0.0.0foo", "0.0.0.0/foo", "0.0.0.0/", "0.0.0.0/-1",
                            "0.0.0.0/33", "::1/129", "", "/8", "10.0.0.1/8/8"})
        EXPECT_FALSE(parse_address_mask(bad).has_value()) << bad;
}

TEST(AddressMask, PlainAddressIsAWholePrefix) {
    auto mask = parse_address_mask("127.0.0.1");
    ASSERT_TRUE(mask.has_value());
    EXPECT_FALSE(mask->ipv6);
    EXPECT_EQ(mask->prefix_bits, 32);
    EXPECT_TRUE(mask->matches(false, address(AF_INET, "127.0.0.1").data()));
    EXPECT_FALSE(mask->matches(false, address(AF_INET, "127.0.0.2").data()));
}

TEST(AddressMask, PrefixMatchesItsNetworkOnly) {
    auto mask = parse_address_mask("192.168.1.0/23");
    ASSERT_TRUE(mask.has_value());
    EXPECT_TRUE(mask->matches(false, address(AF_INET, "192.168.0.200").data()));
    EXPECT_TRUE(mask->matches(false, address(AF_INET, "192.168.1.7").data()));
    EXPECT_FALSE(mask->matches(false, address(AF_INET, "192.168.2.1").data()));
    auto everything = parse_address_mask("0.0.0.0/0");
    ASSERT_TRUE(everything.has_value());
    EXPECT_TRUE(everything->matches(false, address(AF_INET, "10.9.8.7").data()));
    // Families never mix: an IPv4 mask says nothing about an IPv6 peer.
    EXPECT_FALSE(everything->matches(true, address(AF_INET6, "::1").data()));
}

TEST(AddressMask, Ipv6Prefixes) {
    auto mask = parse_address_mask("fe80::/10");
    ASSERT_TRUE(mask.has_value());
    EXPECT_TRUE(mask->ipv6);
    EXPECT_TRUE(mask->matches(true, address(AF_INET6, "fe80::1").data()));
    EXPECT_TRUE(mask->matches(true, address(AF_INET6, "febf::1").data()));
    EXPECT_FALSE(mask->matches(true, address(AF_INET6, "fec0::1").data()));
}

// The parser is our own (the sans-I/O layers may not call inet_pton): check it against
// the kernel's on the forms that matter.
TEST(AddressMask, ParsesAddressesAsInetPtonDoes) {
    for (const char* v6 : {"::", "::1", "fe80::1", "2001:db8:0:0:1:0:0:1", "::ffff:10.1.2.3",
                           "1:2:3:4:5:6:7:8", "1::8", "a:b:c:d:e:f:1.2.3.4"}) {
        auto mask = parse_address_mask(v6);
        ASSERT_TRUE(mask.has_value()) << v6;
        EXPECT_TRUE(mask->ipv6);
        EXPECT_EQ(mask->bytes, address(AF_INET6, v6)) << v6;
    }
    for (const char* bad : {":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "1:2:3:4:5:6:7",
                            "::1.2.3", "256.1.1.1", "1.2.3.4.5", "1..2.3"})
        EXPECT_FALSE(parse_address_mask(bad).has_value()) << bad;
    auto v4 = parse_address_mask("10.200.3.4");
    ASSERT_TRUE(v4.has_value());
    EXPECT_EQ(v4->bytes, address(AF_INET, "10.200.3.4"));
}

}  // namespace
}  // namespace sculpin
