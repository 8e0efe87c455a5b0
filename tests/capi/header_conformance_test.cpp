// Sculpin's zmq.h against Debian's libzmq 4.3 header: every constant Sculpin defines
// has libzmq's value, and the ABI types have libzmq's size and layout.
#include <gtest/gtest.h>

#include "capi/header_constants.hpp"

namespace capi_test {
namespace {

TEST(HeaderConformance, EveryConstantHasLibzmqsValue) {
    const HeaderFacts debian = debian_header_facts();
    const HeaderFacts ours = sculpin_header_facts();
    ASSERT_EQ(debian.constants.size(), ours.constants.size());
    EXPECT_GT(ours.constants.size(), 150u);
    for (const auto& [name, value] : ours.constants)
        EXPECT_EQ(value, debian.constants.at(name)) << name;
}

TEST(HeaderConformance, MessageAndPollItemLayoutsMatch) {
    const HeaderFacts debian = debian_header_facts();
    const HeaderFacts ours = sculpin_header_facts();
    EXPECT_EQ(ours.msg_size_bytes, 64u);
    EXPECT_EQ(ours.msg_size_bytes, debian.msg_size_bytes);
    EXPECT_EQ(ours.msg_alignment, debian.msg_alignment);
    EXPECT_EQ(ours.pollitem_size_bytes, debian.pollitem_size_bytes);
    EXPECT_EQ(ours.pollitem_fd_offset, debian.pollitem_fd_offset);
    EXPECT_EQ(ours.pollitem_events_offset, debian.pollitem_events_offset);
    EXPECT_EQ(ours.pollitem_revents_offset, debian.pollitem_revents_offset);
}

}  // namespace
}  // namespace capi_test
