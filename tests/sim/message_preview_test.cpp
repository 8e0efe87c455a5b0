#include "sim/message_preview.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sculpin::sim {
namespace {

// What the trace showed before write_preview(): the display string, cut.
std::string display_string_cut(const Message& msg) {
    std::string text = msg.to_display_string();
    if (text.size() > 120) text = text.substr(0, 117) + "...";
    return text;
}

TEST(MessagePreviewTest, IsTheDisplayStringCutTo120Characters) {
    std::vector<Message> messages;
    messages.emplace_back();  // no frames
    messages.push_back(Message::text("Hello"));
    messages.push_back(Message::text(""));
    messages.push_back(Message{"a|b", "c"});  // '|' makes a frame hex
    messages.push_back(Message{"", "World"});
    std::string binary;
    for (int b = 0; b < 256; ++b) binary += static_cast<char>(b);
    // Lengths around the cut, as text and as hex, in one frame and spread over many.
    for (size_t length : {0, 1, 57, 58, 59, 60, 61, 116, 117, 118, 119, 120, 121, 122, 500}) {
        messages.push_back(Message::text(std::string(length, 'x')));
        messages.push_back(Message(Frame(binary.substr(0, std::min<size_t>(length, 256)))));
        Message many;
        for (size_t i = 0; i < length; ++i) many.push_back(Frame(std::string(i % 3, 'y')));
        messages.push_back(std::move(many));
        Message mixed;
        mixed.push_back(Frame(std::string(length / 2, 'z')));
        mixed.push_back(Frame(binary.substr(0, length / 3)));
        mixed.push_back(Frame(std::string("tail")));
        messages.push_back(std::move(mixed));
    }
    std::string reused = "something left over from before";
    for (const Message& msg : messages) {
        write_preview(msg, reused);
        EXPECT_EQ(reused, display_string_cut(msg)) << msg.size() << " frames";
        EXPECT_LE(reused.size(), kMaxPreviewChars);
        std::string buffer = "left over";
        EXPECT_EQ(preview_of(msg, buffer), display_string_cut(msg)) << msg.size() << " frames";
    }
}

}  // namespace
}  // namespace sculpin::sim
