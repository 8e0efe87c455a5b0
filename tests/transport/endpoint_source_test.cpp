// "tcp://source;destination" connect addresses: parsed, and written back the same way.
#include <gtest/gtest.h>

#include "transport/endpoint.hpp"

namespace sculpin {
namespace {

TEST(EndpointSource, ParsesSourceAndDestination) {
    std::string error;
    auto ep = parse_endpoint("tcp://127.0.0.1:5564;127.0.0.1:5555", &error);
    ASSERT_TRUE(ep.has_value()) << error;
    EXPECT_TRUE(ep->has_source());
    EXPECT_EQ(ep->source_host, "127.0.0.1");
    EXPECT_EQ(ep->source_port, 5564);
    EXPECT_EQ(ep->host, "127.0.0.1");
    EXPECT_EQ(ep->port, 5555);
    EXPECT_EQ(ep->to_string(), "tcp://127.0.0.1:5564;127.0.0.1:5555");
}

TEST(EndpointSource, InterfaceNamesWildcardPortsAndIpv6) {
    std::string error;
    auto lo = parse_endpoint("tcp://lo:*;localhost:1235", &error);
    ASSERT_TRUE(lo.has_value()) << error;
    EXPECT_EQ(lo->source_host, "lo");
    EXPECT_EQ(lo->source_port, 0);
    auto v6 = parse_endpoint("tcp://[::1]:5564;[::1]:5555", &error);
    ASSERT_TRUE(v6.has_value()) << error;
    EXPECT_TRUE(v6->source_ipv6);
    EXPECT_EQ(v6->source_host, "::1");
    EXPECT_EQ(v6->to_string(), "tcp://[::1]:5564;[::1]:5555");
}

TEST(EndpointSource, NoSourceWritesNone) {
    auto ep = parse_endpoint("tcp://127.0.0.1:5555", nullptr);
    ASSERT_TRUE(ep.has_value());
    EXPECT_FALSE(ep->has_source());
    EXPECT_EQ(ep->to_string(), "tcp://127.0.0.1:5555");
}

TEST(EndpointSource, MalformedSourceIsRefused) {
    std::string error;
    EXPECT_FALSE(parse_endpoint("tcp://127.0.0.1;127.0.0.1:5555", &error).has_value());
    EXPECT_NE(error.find("source"), std::string::npos);
    EXPECT_FALSE(parse_endpoint("tcp://:1;127.0.0.1:5555", &error).has_value());
    EXPECT_FALSE(parse_endpoint("tcp://127.0.0.1:99999;127.0.0.1:5555", &error).has_value());
}

}  // namespace
}  // namespace sculpin
