// Data frames after the handshake: framing, the short/long boundary, multipart, large
// frames sent without copying, input in arbitrary pieces, and the size limits that keep
// a peer's length header from becoming our allocation.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "zmtp_test_support.hpp"

namespace sculpin::wire::test {
namespace {

TEST(ZmtpFrames, MultipartMessageArrivesWholeWithMoreFlagsOnTheWire) {
    Pair p(config_for(SocketType::dealer), config_for(SocketType::router));
    ASSERT_TRUE(p.a.ready() && p.b.ready());
    p.a.send_message(Message{"one", "", "three"});
    const Bytes wire = take_output(p.a);
    Bytes expected = data_frame("one", true);
    expected += data_frame("", true);
    expected += data_frame("three", false);
    EXPECT_EQ(wire, expected);

    // Only the last frame completes the message.
    ASSERT_TRUE(p.b.feed({wire.data(), wire.size() - 1}, 0));
    EXPECT_EQ(p.b.pending_messages(), 0u);
    ASSERT_TRUE(p.b.feed({wire.data() + wire.size() - 1, 1}, 0));
    Message got;
    ASSERT_TRUE(p.b.pop_message(got));
    EXPECT_EQ(got, (Message{"one", "", "three"}));
    EXPECT_FALSE(p.b.pop_message(got));
}

// Bytes fed from a shared receive buffer: a large frame whole in the input references the
// buffer (no copy); a small one is inline; one split across feeds is assembled in its own.
TEST(ZmtpFrames, LargeFramesWholeInASharedReceiveBufferReferenceIt) {
    Pair p(config_for(SocketType::push), config_for(SocketType::pull));
    const std::string big(1024, 'z');
    p.a.send_message(Message{big});
    p.a.send_message(Message{"small"});
    p.a.send_message(Message{big});
    const Bytes wire = take_output(p.a);
    SharedBuffer* buffer = SharedBuffer::allocate(wire.size());
    std::memcpy(buffer->data, wire.data(), wire.size());
    const size_t split = wire.size() - 10;  // the second big frame arrives in two feeds
    ASSERT_TRUE(p.b.feed({buffer->data, split}, 0, buffer));
    ASSERT_TRUE(p.b.feed({buffer->data + split, wire.size() - split}, 0, buffer));

    Message first, second, third;
    ASSERT_TRUE(p.b.pop_message(first));
    ASSERT_TRUE(p.b.pop_message(second));
    ASSERT_TRUE(p.b.pop_message(third));
    EXPECT_EQ(first.front().view(), big);
    EXPECT_TRUE(first.front().data() >= buffer->data &&
                first.front().data() + big.size() <= buffer->data + buffer->size_bytes);
    EXPECT_FALSE(second.front().is_shared());
    EXPECT_EQ(second.front().view(), "small");
    EXPECT_EQ(third.front().view(), big);
    EXPECT_FALSE(third.front().data() >= buffer->data &&
                 third.front().data() < buffer->data + buffer->size_bytes);
    EXPECT_EQ(buffer->refs.load(), 2u);  // ours and the first message's
    first.clear();
    EXPECT_EQ(buffer->refs.load(), 1u);
    buffer->release();
}

// A read of many small messages from a shared receive buffer is decoded a bounded number
// of messages ahead: the rest waits in the buffer (we keep a reference) and is decoded by
// pop_message() as the queue empties, in order, so the queue never holds the whole read.
TEST(ZmtpFrames, ManyMessagesInOneReadAreDecodedABoundedNumberAhead) {
    Pair p(config_for(SocketType::push), config_for(SocketType::pull));
    constexpr size_t kCount = 3 * ZmtpConnection::kMaxDecodedAhead + 5;
    for (size_t i = 0; i < kCount; ++i) p.a.send_message(Message{"m" + std::to_string(i)});
    const Bytes wire = take_output(p.a);
    SharedBuffer* buffer = SharedBuffer::allocate(wire.size());
    std::memcpy(buffer->data, wire.data(), wire.size());
    ASSERT_TRUE(p.b.feed({buffer->data, wire.size()}, 0, buffer));
    // The decoded ones, plus one for the bytes still waiting.
    EXPECT_EQ(p.b.pending_messages(), ZmtpConnection::kMaxDecodedAhead + 1);
    EXPECT_EQ(buffer->refs.load(), 2u);  // ours and the deferred bytes'
    for (size_t i = 0; i < kCount; ++i) {
        Message got;
        ASSERT_TRUE(p.b.pop_message(got)) << i;
        EXPECT_EQ(got.front().view(), "m" + std::to_string(i));
        EXPECT_LE(p.b.pending_messages(), ZmtpConnection::kMaxDecodedAhead + 1);
    }
    Message none;
    EXPECT_FALSE(p.b.pop_message(none));
    EXPECT_EQ(p.b.pending_messages(), 0u);
    EXPECT_EQ(buffer->refs.load(), 1u);
    EXPECT_FALSE(p.b.failed());
    buffer->release();
}

// A violation in the deferred bytes is found when pop_message() reaches it: everything
// before it is still delivered, then the connection reports failed().
TEST(ZmtpFrames, AViolationInDeferredBytesSurfacesInPopMessage) {
    Pair p(config_for(SocketType::push), config_for(SocketType::pull));
    constexpr size_t kCount = ZmtpConnection::kMaxDecodedAhead + 3;
    for (size_t i = 0; i < kCount; ++i) p.a.send_message(Message{"x"});
    Bytes wire = take_output(p.a);
    wire.push_back(0xff);  // reserved flag bits: not a frame
    wire.push_back(0x00);
    SharedBuffer* buffer = SharedBuffer::allocate(wire.size());
    std::memcpy(buffer->data, wire.data(), wire.size());
    ASSERT_TRUE(p.b.feed({buffer->data, wire.size()}, 0, buffer));
    EXPECT_FALSE(p.b.failed());
    size_t popped = 0;
    Message got;
    while (p.b.pop_message(got)) ++popped;
    EXPECT_EQ(popped, kCount);
    EXPECT_TRUE(p.b.failed());
    EXPECT_FALSE(p.b.error().empty());
    buffer->release();
}

// Bytes fed while older ones still wait are decoded after them, not before.
TEST(ZmtpFrames, BytesFedWhileOthersWaitAreDecodedAfterThem) {
    Pair p(config_for(SocketType::push), config_for(SocketType::pull));
    constexpr size_t kFirst = ZmtpConnection::kMaxDecodedAhead + 10;
    for (size_t i = 0; i < kFirst; ++i) p.a.send_message(Message{"a" + std::to_string(i)});
    const Bytes first = take_output(p.a);
    p.a.send_message(Message{"b"});
    const Bytes second = take_output(p.a);
    SharedBuffer* buffer = SharedBuffer::allocate(first.size());
    std::memcpy(buffer->data, first.data(), first.size());
    ASSERT_TRUE(p.b.feed({buffer->data, first.size()}, 0, buffer));
    ASSERT_TRUE(p.b.feed({second.data(), second.size()}, 0));
    for (size_t i = 0; i < kFirst; ++i) {
        Message got;
        ASSERT_TRUE(p.b.pop_message(got));
        EXPECT_EQ(got.front().view(), "a" + std::to_string(i));
    }
    Message last;
    ASSERT_TRUE(p.b.pop_message(last));
    EXPECT_EQ(last.front().view(), "b");
    buffer->release();
}

TEST(ZmtpFrames, ShortFrameUpTo255BytesLongFrameFrom256) {
    Pair p(config_for(SocketType::push), config_for(SocketType::pull));
    const std::string body255(255, 'a');
    const std::string body256(256, 'b');
    p.a.send_message(Message{body255});
    Bytes wire = take_output(p.a);
    ASSERT_EQ(wire.size(), 2u + 255u);
    EXPECT_EQ(wire[0], 0x00);
    EXPECT_EQ(wire[1], 0xff);
    ASSERT_TRUE(p.b.feed(wire, 0));

    p.a.send_message(Message{body256});
    wire = take_output(p.a);
    ASSERT_EQ(wire.size(), 9u + 256u);
    EXPECT_EQ(wire[0], 0x02);  // LONG
    EXPECT_EQ(Bytes(wire.begin() + 1, wire.begin() + 9), (Bytes{0, 0, 0, 0, 0, 0, 1, 0}));
    ASSERT_TRUE(p.b.feed(wire, 0));

    Message got;
    ASSERT_TRUE(p.b.pop_message(got));
    EXPECT_EQ(got[0].str(), body255);
    ASSERT_TRUE(p.b.pop_message(got));
    EXPECT_EQ(got[0].str(), body256);
}

TEST(ZmtpFrames, LongEncodingOfASmallFrameIsAccepted) {
    ZmtpConnection conn(config_for(SocketType::pull));
    handshake_with_raw_peer(conn, "PUSH");
    Bytes in = frame_header(0x00, 5, /*force_long=*/true);
    in += bytes_of("hello");
    ASSERT_TRUE(conn.feed(in, 0)) << conn.error();
    Message got;
    ASSERT_TRUE(conn.pop_message(got));
    EXPECT_EQ(got, (Message{"hello"}));
}

TEST(ZmtpFrames, LargeFrameIsReferencedNotCopied) {
    Pair p(config_for(SocketType::push), config_for(SocketType::pull));
    const Frame big = Frame::with_size(64 * 1024);
    Message msg(big);
    p.a.send_message(msg);
    OutputSlice slices[8];
    const size_t count = p.a.output_slices(slices, 8);
    ASSERT_EQ(count, 2u);  // header bytes, then the frame itself
    EXPECT_EQ(slices[0].size_bytes, 9u);
    EXPECT_EQ(slices[1].data, big.data());
    EXPECT_EQ(slices[1].size_bytes, big.size());
    EXPECT_EQ(p.a.output_size_bytes(), 9u + 64 * 1024);

    // Consuming part-way through the frame slice leaves the rest of it pending.
    p.a.consume_output(9 + 1000);
    ASSERT_EQ(p.a.output_slices(slices, 8), 1u);
    EXPECT_EQ(slices[0].data, big.data() + 1000);
    EXPECT_EQ(slices[0].size_bytes, 64u * 1024 - 1000);
    p.a.consume_output(slices[0].size_bytes);
    EXPECT_EQ(p.a.output_size_bytes(), 0u);
    EXPECT_EQ(p.a.output_slices(slices, 8), 0u);
}

TEST(ZmtpFrames, LargeFrameRoundTripsByteForByte) {
    Pair p(config_for(SocketType::pair), config_for(SocketType::pair));
    Frame big = Frame::with_size(100'000);
    for (size_t i = 0; i < big.size(); ++i) big.mutable_data()[i] = static_cast<uint8_t>(i * 7);
    Message msg;
    msg.push_back(Frame("head"));
    msg.push_back(big);
    msg.push_back(Frame("tail"));
    p.a.send_message(msg);
    pump(p.a, p.b);
    Message got;
    ASSERT_TRUE(p.b.pop_message(got));
    EXPECT_EQ(got, msg);
}

TEST(ZmtpFrames, OutputSlicesRespectMaxSlicesAndConsumeCutsMidSlice) {
    Pair p(config_for(SocketType::push), config_for(SocketType::pull));
    const Frame big1 = Frame::with_size(10'000);
    const Frame big2 = Frame::with_size(20'000);
    p.a.send_message(Message(big1));
    p.a.send_message(Message(big2));
    OutputSlice slices[4];
    ASSERT_EQ(p.a.output_slices(slices, 4), 4u);  // hdr, big1, hdr, big2
    ASSERT_EQ(p.a.output_slices(slices, 1), 1u);
    EXPECT_EQ(slices[0].size_bytes, 9u);
    p.a.consume_output(4);  // half-way through the first header
    ASSERT_EQ(p.a.output_slices(slices, 4), 4u);
    EXPECT_EQ(slices[0].size_bytes, 5u);
    const Bytes rest = take_output(p.a);
    EXPECT_EQ(rest.size(), 5u + 10'000 + 9 + 20'000);
}

TEST(ZmtpFrames, ManySmallMessagesCoalesceIntoOneSlice) {
    Pair p(config_for(SocketType::push), config_for(SocketType::pull));
    for (int i = 0; i < 100; ++i) p.a.send_message(Message{"tick"});
    OutputSlice slices[4];
    EXPECT_EQ(p.a.output_slices(slices, 4), 1u);
    EXPECT_EQ(p.a.output_size_bytes(), 100u * 6);
}

// A peer's whole stream, with every kind of frame the decoder handles.
Bytes rich_stream() {
    Bytes s = peer_handshake("ROUTER");
    s += data_frame("id", true);
    s += data_frame("", true);
    s += data_frame("payload", false);
    s += data_frame(std::string(255, 'x'));
    s += data_frame(std::string(256, 'y'));
    s += data_frame("");
    s += ping(0, "ctx");
    s += command("SUBSCRIBE", bytes_of("weather"));  // odd from a ROUTER, but decodable
    s += command("X-UNKNOWN", bytes_of("ignored"));
    s += data_frame(std::string(1000, 'z'), true);
    s += data_frame("last");
    return s;
}

struct Decoded {
    std::vector<Message> messages;
    Bytes output;
    bool ok;
};

Decoded decode_in_pieces(const Bytes& stream, const std::vector<size_t>& cuts) {
    ZmtpConnection conn(config_for(SocketType::dealer));
    conn.start(0);
    take_output(conn);
    Decoded d{{}, {}, true};
    size_t from = 0;
    for (size_t cut : cuts) {
        d.ok = d.ok && conn.feed({stream.data() + from, cut - from}, 0);
        from = cut;
    }
    d.ok = d.ok && conn.feed({stream.data() + from, stream.size() - from}, 0);
    d.messages = pop_all(conn);
    d.output = take_output(conn);
    return d;
}

TEST(ZmtpFrames, EverySplitPointDecodesLikeTheWholeBuffer) {
    const Bytes stream = rich_stream();
    const Decoded whole = decode_in_pieces(stream, {});
    ASSERT_TRUE(whole.ok);
    ASSERT_EQ(whole.messages.size(), 6u);
    EXPECT_EQ(whole.messages[0], (Message{"id", "", "payload"}));
    EXPECT_EQ(whole.messages[4][0].str(), std::string("\x01weather", 8));
    EXPECT_EQ(whole.messages[5].size(), 2u);
    for (size_t cut = 0; cut <= stream.size(); ++cut) {
        const Decoded split = decode_in_pieces(stream, {cut});
        ASSERT_TRUE(split.ok) << "cut at " << cut;
        ASSERT_EQ(split.messages, whole.messages) << "cut at " << cut;
        ASSERT_EQ(split.output, whole.output) << "cut at " << cut;
    }
}

TEST(ZmtpFrames, ByteAtATimeDecodesLikeTheWholeBuffer) {
    const Bytes stream = rich_stream();
    std::vector<size_t> cuts;
    for (size_t i = 1; i < stream.size(); ++i) cuts.push_back(i);
    const Decoded whole = decode_in_pieces(stream, {});
    const Decoded bytewise = decode_in_pieces(stream, cuts);
    ASSERT_TRUE(bytewise.ok);
    EXPECT_EQ(bytewise.messages, whole.messages);
    EXPECT_EQ(bytewise.output, whole.output);
}

TEST(ZmtpFrames, ByteAtATimeBetweenTwoConnections) {
    ZmtpConnection a(config_for(SocketType::req, "r"));
    ZmtpConnection b(config_for(SocketType::rep));
    a.start(0);
    b.start(0);
    for (int round = 0; round < 10; ++round) {
        if (round == 5) a.send_message(Message{"", "request"});
        const Bytes a_out = take_output(a);
        const Bytes b_out = take_output(b);
        for (uint8_t byte : a_out) ASSERT_TRUE(b.feed({&byte, 1}, 0)) << b.error();
        for (uint8_t byte : b_out) ASSERT_TRUE(a.feed({&byte, 1}, 0)) << a.error();
        if (round == 1) {
            ASSERT_TRUE(a.ready());
            ASSERT_TRUE(b.ready());
        }
    }
    Message got;
    ASSERT_TRUE(b.pop_message(got));
    EXPECT_EQ(got, (Message{"", "request"}));
    EXPECT_EQ(b.peer().routing_id, "r");
}

TEST(ZmtpFrames, EveryCorruptedByteEitherDecodesOrFailsWithAReason) {
    const Bytes stream = rich_stream();
    for (size_t at = 0; at < stream.size(); ++at) {
        for (uint8_t value : {uint8_t{0x00}, uint8_t{0x7f}, uint8_t{0xff}, uint8_t(~stream[at])}) {
            Bytes corrupted = stream;
            corrupted[at] = value;
            ZmtpConnection conn(config_for(SocketType::dealer));
            conn.start(0);
            if (!conn.feed(corrupted, 0)) {
                ASSERT_FALSE(conn.error().empty()) << "byte " << at;
            }
            pop_all(conn);
            take_output(conn);
        }
    }
}

TEST(ZmtpFrames, EmptyInputIsHarmless) {
    ZmtpConnection conn(config_for(SocketType::pull));
    conn.start(0);
    EXPECT_TRUE(conn.feed({}, 0));
    ASSERT_TRUE(conn.feed(peer_handshake("PUSH"), 0));
    EXPECT_TRUE(conn.feed({}, 0));
    EXPECT_TRUE(conn.ready());
}

TEST(ZmtpFrames, MaxMsgSizeExceededFailsOnTheHeaderBeforeTheBody) {
    ZmtpConfig config = config_for(SocketType::pull);
    config.max_message_size_bytes = 100;
    ZmtpConnection conn(config);
    handshake_with_raw_peer(conn, "PUSH");
    ASSERT_TRUE(conn.feed(data_frame(std::string(100, 'k')), 0)) << "exactly the limit is fine";
    EXPECT_FALSE(conn.feed(frame_header(0x00, 101), 0));  // no body sent at all
    EXPECT_TRUE(contains(conn.error(), "frame of 101 bytes exceeds MAXMSGSIZE (100 bytes)"))
        << conn.error();
    Message got;
    EXPECT_TRUE(conn.pop_message(got)) << "messages before the violation stay available";
}

TEST(ZmtpFrames, MaxMsgSizeCountsTheWholeMultipartMessage) {
    ZmtpConfig config = config_for(SocketType::pull);
    config.max_message_size_bytes = 100;
    ZmtpConnection conn(config);
    handshake_with_raw_peer(conn, "PUSH");
    Bytes in = data_frame(std::string(60, 'a'), true);
    in += frame_header(0x00, 41);
    EXPECT_FALSE(conn.feed(in, 0));
    EXPECT_TRUE(contains(conn.error(), "multipart message reaches 101 bytes")) << conn.error();
}

TEST(ZmtpFrames, MaxMsgSizeRunningTotalRestartsWithEachMessage) {
    ZmtpConfig config = config_for(SocketType::pull);
    config.max_message_size_bytes = 100;
    ZmtpConnection conn(config);
    handshake_with_raw_peer(conn, "PUSH");
    for (int i = 0; i < 5; ++i) {
        Bytes in = data_frame(std::string(50, 'a'), true);
        in += data_frame(std::string(50, 'b'));
        ASSERT_TRUE(conn.feed(in, 0)) << conn.error();
    }
    EXPECT_EQ(conn.pending_messages(), 5u);
}

TEST(ZmtpFrames, LengthOf2Pow62FailsAtOnceWithoutALimit) {
    ZmtpConnection conn(config_for(SocketType::pull));
    handshake_with_raw_peer(conn, "PUSH");
    // Only the 9 header bytes: the decision must not wait for (or allocate) the body.
    EXPECT_FALSE(conn.feed(frame_header(0x00, uint64_t{1} << 62), 0));
    EXPECT_TRUE(contains(conn.error(), "frame length 4611686018427387904 exceeds what this peer"))
        << conn.error();
}

TEST(ZmtpFrames, HugeLengthWithinTheCapDropsTheConnectionNotTheProcess) {
    // 2^47 bytes: under the no-MAXMSGSIZE cap, so it goes to malloc. Where the system
    // refuses (the usual case) the connection fails with a reason; where it overcommits
    // the frame simply waits for its bytes. Either way nothing crashes.
    ZmtpConnection conn(config_for(SocketType::pull));
    handshake_with_raw_peer(conn, "PUSH");
    if (!conn.feed(frame_header(0x00, uint64_t{1} << 47), 0)) {
        EXPECT_TRUE(contains(conn.error(), "cannot allocate 140737488355328 bytes"))
            << conn.error();
    }
}

TEST(ZmtpFrames, LengthOf2Pow62FailsAtOnceWithALimit) {
    ZmtpConfig config = config_for(SocketType::pull);
    config.max_message_size_bytes = 1 << 20;
    ZmtpConnection conn(config);
    handshake_with_raw_peer(conn, "PUSH");
    EXPECT_FALSE(conn.feed(frame_header(0x00, uint64_t{1} << 62), 0));
    EXPECT_TRUE(contains(conn.error(), "exceeds MAXMSGSIZE")) << conn.error();
}

TEST(ZmtpFrames, LengthWithTheTopBitSetIsAProtocolError) {
    ZmtpConfig config = config_for(SocketType::pull);
    config.max_message_size_bytes = INT64_MAX;
    ZmtpConnection conn(config);
    handshake_with_raw_peer(conn, "PUSH");
    EXPECT_FALSE(conn.feed(frame_header(0x00, (uint64_t{1} << 63) + 5), 0));
    EXPECT_TRUE(contains(conn.error(), "top bit set")) << conn.error();
}

TEST(ZmtpFrames, HugeCommandLengthDuringHandshakeFailsAtOnce) {
    ZmtpConnection conn(config_for(SocketType::pull));
    conn.start(0);
    Bytes in = greeting();
    in += frame_header(0x04, uint64_t{1} << 40);
    EXPECT_FALSE(conn.feed(in, 0));
    EXPECT_TRUE(contains(conn.error(), "limit for commands")) << conn.error();
}

TEST(ZmtpFrames, ReservedFlagBitsAreAProtocolError) {
    ZmtpConnection conn(config_for(SocketType::pull));
    handshake_with_raw_peer(conn, "PUSH");
    EXPECT_FALSE(conn.feed(Bytes{0x80, 0x00}, 0));
    EXPECT_TRUE(contains(conn.error(), "flags byte 0x80 has reserved bits set")) << conn.error();
}

TEST(ZmtpFrames, CommandWithMoreFlagIsAProtocolError) {
    ZmtpConnection conn(config_for(SocketType::pull));
    handshake_with_raw_peer(conn, "PUSH");
    EXPECT_FALSE(conn.feed(Bytes{0x05, 0x00}, 0));
    EXPECT_TRUE(contains(conn.error(), "MORE")) << conn.error();
}

TEST(ZmtpFrames, MessagesDecodedBeforeAViolationStayAvailable) {
    ZmtpConnection conn(config_for(SocketType::pull));
    handshake_with_raw_peer(conn, "PUSH");
    Bytes in = data_frame("first");
    in += data_frame("second");
    in += data_frame("partial", true);
    in += Bytes{0xff};
    EXPECT_FALSE(conn.feed(in, 0));
    const auto messages = pop_all(conn);
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[1], (Message{"second"}));
}

TEST(ZmtpFrames, CommandBetweenFramesOfAMultipartMessageDoesNotBreakIt) {
    // libzmq can slip a PING between two frames of a message when its timer fires.
    ZmtpConnection conn(config_for(SocketType::pull));
    handshake_with_raw_peer(conn, "PUSH");
    Bytes in = data_frame("a", true);
    in += ping(0, "");
    in += data_frame("b");
    ASSERT_TRUE(conn.feed(in, 0)) << conn.error();
    Message got;
    ASSERT_TRUE(conn.pop_message(got));
    EXPECT_EQ(got, (Message{"a", "b"}));
}

}  // namespace
}  // namespace sculpin::wire::test
