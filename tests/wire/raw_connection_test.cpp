// The raw codec of STREAM sockets: chunks in, one message each; bytes out unframed;
// connect/disconnect notices only when asked for.
#include "wire/raw_connection.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace sculpin::wire {
namespace {

std::vector<uint8_t> bytes_of(std::string_view text) {
    return std::vector<uint8_t>(text.begin(), text.end());
}

std::string take_output(RawConnection& conn) {
    std::string out;
    OutputSlice slices[8];
    while (conn.output_size_bytes() > 0) {
        const size_t count = conn.output_slices(slices, 8);
        size_t taken = 0;
        for (size_t i = 0; i < count; ++i) {
            out.append(reinterpret_cast<const char*>(slices[i].data), slices[i].size_bytes);
            taken += slices[i].size_bytes;
        }
        conn.consume_output(taken);
    }
    return out;
}

TEST(RawConnection, IsReadyAtStartAndAnnouncesTheConnection) {
    RawConnection conn(RawConfig{.notify = true});
    EXPECT_FALSE(conn.ready());
    conn.start(0);
    EXPECT_TRUE(conn.ready());
    EXPECT_EQ(conn.peer().socket_type, SocketType::stream);
    EXPECT_TRUE(conn.peer().routing_id.empty());
    EXPECT_EQ(conn.output_size_bytes(), 0u);  // no greeting of any kind
    ASSERT_EQ(conn.pending_messages(), 1u);
    Message hello;
    ASSERT_TRUE(conn.pop_message(hello));
    ASSERT_EQ(hello.size(), 1u);
    EXPECT_TRUE(hello.front().empty());
}

TEST(RawConnection, EachChunkBecomesOneSingleFrameMessage) {
    RawConnection conn(RawConfig{.notify = false});
    conn.start(0);
    EXPECT_EQ(conn.pending_messages(), 0u);
    ASSERT_TRUE(conn.feed(bytes_of("GET / HTTP/1.0\r\n"), 0));
    ASSERT_TRUE(conn.feed(bytes_of(""), 0));  // nothing read, nothing delivered
    const std::string large(5000, 'x');
    ASSERT_TRUE(conn.feed(bytes_of(large), 0));
    ASSERT_EQ(conn.pending_messages(), 2u);
    Message msg;
    ASSERT_TRUE(conn.pop_message(msg));
    EXPECT_EQ(msg.size(), 1u);
    EXPECT_EQ(msg.front().view(), "GET / HTTP/1.0\r\n");
    ASSERT_TRUE(conn.pop_message(msg));
    EXPECT_EQ(msg.front().view(), large);
    EXPECT_FALSE(conn.pop_message(msg));
}

TEST(RawConnection, LargeChunksShareTheReceiveBuffer) {
    RawConnection conn(RawConfig{.notify = false});
    conn.start(0);
    SharedBuffer* buffer = SharedBuffer::allocate(4096);
    std::memset(buffer->data, 'r', buffer->size_bytes);
    ASSERT_TRUE(conn.feed({buffer->data + 100, 1000}, 0, buffer));
    Message msg;
    ASSERT_TRUE(conn.pop_message(msg));
    EXPECT_TRUE(msg.front().is_shared());
    EXPECT_EQ(msg.front().data(), buffer->data + 100);
    EXPECT_EQ(msg.front().size(), 1000u);
    msg.clear();
    EXPECT_EQ(buffer->refs.load(), 1u);
    buffer->release();
}

TEST(RawConnection, SentMessagesGoOutAsTheirBytesOnly) {
    RawConnection conn(RawConfig{.notify = true});
    conn.start(0);
    conn.send_message(Message{"HTTP/1.0 200 OK\r\n"});
    conn.send_message(Message{"", "body"});
    EXPECT_EQ(take_output(conn), "HTTP/1.0 200 OK\r\nbody");
}

TEST(RawConnection, FarewellIsOneEmptyMessageOnlyWithNotify) {
    RawConnection quiet(RawConfig{.notify = false});
    quiet.start(0);
    Message msg;
    EXPECT_FALSE(quiet.farewell(msg));

    RawConnection notifying(RawConfig{.notify = true});
    notifying.start(0);
    ASSERT_TRUE(notifying.farewell(msg));
    ASSERT_EQ(msg.size(), 1u);
    EXPECT_TRUE(msg.front().empty());
    EXPECT_FALSE(notifying.farewell(msg));  // a connection ends once
}

}  // namespace
}  // namespace sculpin::wire
