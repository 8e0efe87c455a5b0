#include "core/message.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sculpin {
namespace {

std::vector<std::string> parts_of(const Message& msg) {
    std::vector<std::string> parts;
    for (size_t i = 0; i < msg.size(); ++i) parts.push_back(msg[i].str());
    return parts;
}

TEST(Message, InitializerListKeepsFrameOrder) {
    Message msg{"a", "b", "c", "d"};
    EXPECT_EQ(msg.size(), 4u);
    EXPECT_EQ(parts_of(msg), (std::vector<std::string>{"a", "b", "c", "d"}));
    EXPECT_EQ(msg.front().view(), "a");
    EXPECT_EQ(msg.back().view(), "d");
    EXPECT_EQ(msg.size_bytes(), 4u);
}

TEST(Message, PushFrontOnAFullInlineMessageSpillsIntoOverflow) {
    Message msg{"one", "two"};
    ASSERT_EQ(msg.size(), Message::kInlineFrames);
    msg.push_front(Frame(std::string_view("zero")));
    EXPECT_EQ(parts_of(msg), (std::vector<std::string>{"zero", "one", "two"}));
}

TEST(Message, PushFrontIntoEmptyAndInlineMessages) {
    Message msg;
    msg.push_front(Frame(std::string_view("b")));
    EXPECT_EQ(parts_of(msg), (std::vector<std::string>{"b"}));
    msg.push_front(Frame(std::string_view("a")));
    EXPECT_EQ(parts_of(msg), (std::vector<std::string>{"a", "b"}));
}

TEST(Message, PopFrontFromOverflowBackToInline) {
    Message msg{"r", "", "x", "y"};
    EXPECT_EQ(msg.pop_front().view(), "r");
    EXPECT_EQ(parts_of(msg), (std::vector<std::string>{"", "x", "y"}));
    EXPECT_EQ(msg.pop_front().view(), "");
    EXPECT_EQ(parts_of(msg), (std::vector<std::string>{"x", "y"}));
    EXPECT_EQ(msg.pop_front().view(), "x");
    EXPECT_EQ(msg.pop_front().view(), "y");
    EXPECT_TRUE(msg.empty());
    // Still usable after being emptied.
    msg.push_back(Frame(std::string_view("again")));
    EXPECT_EQ(parts_of(msg), (std::vector<std::string>{"again"}));
}

TEST(Message, PushFrontThenPopFrontRoundTripsAcrossTheBoundaryRepeatedly) {
    Message msg;
    std::vector<std::string> expected;
    for (int i = 0; i < 6; ++i) {
        const std::string part = "frame-" + std::to_string(i);
        msg.push_front(Frame(part));
        expected.insert(expected.begin(), part);
        ASSERT_EQ(parts_of(msg), expected);
    }
    while (!expected.empty()) {
        EXPECT_EQ(msg.pop_front().str(), expected.front());
        expected.erase(expected.begin());
        ASSERT_EQ(parts_of(msg), expected);
    }
}

TEST(Message, LargeFramesKeepTheirSharedBufferWhenShifted) {
    const std::string big(100, 'B');
    Message msg;
    msg.push_back(Frame(big));
    msg.push_back(Frame(big + "2"));
    const uint8_t* first = msg[0].data();
    const uint8_t* second = msg[1].data();
    msg.push_front(Frame(std::string_view("id")));
    EXPECT_EQ(msg[1].data(), first);
    EXPECT_EQ(msg[2].data(), second);
    Frame id = msg.pop_front();
    EXPECT_EQ(id.view(), "id");
    EXPECT_EQ(msg[0].data(), first);
    EXPECT_EQ(msg[1].data(), second);
}

TEST(Message, CopiesCompareEqualAndCopyIsIndependent) {
    Message a{"x", "y", "z"};
    Message b = a;
    EXPECT_EQ(a, b);
    b.pop_front();
    EXPECT_FALSE(a == b);
    EXPECT_EQ(a.size(), 3u);
}

TEST(Message, ClearEmptiesInlineAndOverflowFrames) {
    Message msg{"1", "2", "3", "4"};
    msg.clear();
    EXPECT_TRUE(msg.empty());
    EXPECT_EQ(msg.size_bytes(), 0u);
    msg.push_back(Frame(std::string_view("5")));
    EXPECT_EQ(parts_of(msg), (std::vector<std::string>{"5"}));
}

TEST(Message, DisplayStringJoinsPrintableFramesWithBars) {
    EXPECT_EQ((Message{"Hello"}).to_display_string(), "Hello");
    EXPECT_EQ((Message{"Hello", "World", "!"}).to_display_string(), "Hello|World|!");
    EXPECT_EQ((Message{"with space", "~tilde"}).to_display_string(), "with space|~tilde");
}

TEST(Message, DisplayStringShowsBinaryFramesAsHex) {
    Message msg;
    const uint8_t id[] = {0x00, 0x6b, 0x8b, 0x45, 0x67};
    msg.push_back(Frame(id, sizeof id));
    msg.push_back(Frame());
    msg.push_back(Frame(std::string_view("payload")));
    EXPECT_EQ(msg.to_display_string(), "0x006b8b4567||payload");
}

TEST(Message, DisplayStringShowsAFrameContainingABarAsHexSoItCannotBeMisread) {
    EXPECT_EQ((Message{"a|b"}).to_display_string(), "0x617c62");
    EXPECT_EQ((Message{"x", "|"}).to_display_string(), "x|0x7c");
}

TEST(Message, DisplayStringShowsControlAndHighBytesAsHex) {
    EXPECT_EQ((Message{"line\n"}).to_display_string(), "0x6c696e650a");
    const uint8_t high[] = {0x7f, 0xff};
    EXPECT_EQ(Message(Frame(high, sizeof high)).to_display_string(), "0x7fff");
}

TEST(Message, DisplayStringOfEmptyMessageIsEmpty) {
    EXPECT_EQ(Message().to_display_string(), "");
    EXPECT_EQ(Message(Frame()).to_display_string(), "");
}

TEST(Message, TraceIdTravelsWithCopiesAndMoves) {
    Message msg{"a"};
    msg.trace_id = 42;
    Message copy = msg;
    Message moved = std::move(msg);
    EXPECT_EQ(copy.trace_id, 42u);
    EXPECT_EQ(moved.trace_id, 42u);
}

}  // namespace
}  // namespace sculpin
