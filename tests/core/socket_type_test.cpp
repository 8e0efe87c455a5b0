#include "core/socket_type.hpp"

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <string>
#include <utility>

namespace sculpin {
namespace {

using T = SocketType;

constexpr std::array<T, 11> kZmtpTypes{T::pair,   T::pub,  T::sub,  T::req,  T::rep, T::dealer,
                                       T::router, T::pull, T::push, T::xpub, T::xsub};

std::string pair_name(T a, T b) {
    return std::string(zmtp_name(a)) + "-" + std::string(zmtp_name(b));
}

TEST(SocketType, NumbersMatchLibzmq) {
    EXPECT_EQ(static_cast<int>(T::pair), 0);
    EXPECT_EQ(static_cast<int>(T::pub), 1);
    EXPECT_EQ(static_cast<int>(T::sub), 2);
    EXPECT_EQ(static_cast<int>(T::req), 3);
    EXPECT_EQ(static_cast<int>(T::rep), 4);
    EXPECT_EQ(static_cast<int>(T::dealer), 5);
    EXPECT_EQ(static_cast<int>(T::router), 6);
    EXPECT_EQ(static_cast<int>(T::pull), 7);
    EXPECT_EQ(static_cast<int>(T::push), 8);
    EXPECT_EQ(static_cast<int>(T::xpub), 9);
    EXPECT_EQ(static_cast<int>(T::xsub), 10);
}

TEST(SocketType, CompatibilityIsSymmetric) {
    for (T a : kZmtpTypes)
        for (T b : kZmtpTypes) EXPECT_EQ(compatible(a, b), compatible(b, a)) << pair_name(a, b);
}

TEST(SocketType, CompatibilityIsExactlyTheRfc37Table) {
    const std::set<std::pair<T, T>> valid{
        {T::pair, T::pair},     {T::pub, T::sub},       {T::pub, T::xsub},      {T::xpub, T::sub},
        {T::xpub, T::xsub},     {T::req, T::rep},       {T::req, T::router},    {T::dealer, T::rep},
        {T::dealer, T::dealer}, {T::dealer, T::router}, {T::router, T::router}, {T::push, T::pull},
    };
    for (T a : kZmtpTypes) {
        for (T b : kZmtpTypes) {
            const bool expected = valid.count({a, b}) > 0 || valid.count({b, a}) > 0;
            EXPECT_EQ(compatible(a, b), expected) << pair_name(a, b);
        }
    }
}

TEST(SocketType, MismatchesNamedInTheIssueAreRefused) {
    EXPECT_FALSE(compatible(T::req, T::pub));
    EXPECT_FALSE(compatible(T::pub, T::pub));
    EXPECT_FALSE(compatible(T::push, T::push));
    EXPECT_FALSE(compatible(T::req, T::req));
    EXPECT_FALSE(compatible(T::rep, T::rep));
    EXPECT_FALSE(compatible(T::pair, T::dealer));
}

TEST(SocketType, ZmtpNamesRoundTrip) {
    for (T type : kZmtpTypes) {
        auto parsed = socket_type_from_zmtp_name(zmtp_name(type));
        ASSERT_TRUE(parsed.has_value()) << zmtp_name(type);
        EXPECT_EQ(*parsed, type);
    }
    EXPECT_EQ(zmtp_name(T::dealer), "DEALER");
    EXPECT_FALSE(socket_type_from_zmtp_name("dealer").has_value());
    EXPECT_FALSE(socket_type_from_zmtp_name("BOGUS").has_value());
}

TEST(SocketType, CommandLineNamesRoundTrip) {
    for (T type : kZmtpTypes) {
        auto parsed = socket_type_from_cli_name(cli_name(type));
        ASSERT_TRUE(parsed.has_value()) << cli_name(type);
        EXPECT_EQ(*parsed, type);
    }
    EXPECT_EQ(cli_name(T::xsub), "xsub");
    EXPECT_FALSE(socket_type_from_cli_name("XSUB").has_value());
    EXPECT_FALSE(socket_type_from_cli_name("").has_value());
}

}  // namespace
}  // namespace sculpin
