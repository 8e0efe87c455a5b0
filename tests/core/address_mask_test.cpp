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

}  // namespace
}  // namespace sculpin
