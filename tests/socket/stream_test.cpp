// STREAM at the socket layer: its pipes stand for raw connections (the session side of
// each is driven by hand here, as the raw codec would drive it).
#include "socket/stream.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace sculpin {
namespace {

const std::string kFirstGenerated("\0\0\0\0\1", 5);
const std::string kSecondGenerated("\0\0\0\0\2", 5);

struct Connection {
    std::shared_ptr<PipeEnd> session;  // what the raw session holds
    uint64_t socket_pipe_id = 0;
};

// A new raw connection attached to `stream`; `connect_routing_id` as the runtime passes it.
Connection attach(Socket& stream, const std::string& connect_routing_id = "") {
    auto [socket_end, session_end] = make_pipe(0, 0);
    socket_end->peer_info.socket_type = SocketType::stream;
    socket_end->peer_info.routing_id = connect_routing_id;
    Connection connection{session_end, socket_end->id()};
    stream.attach(std::move(socket_end));
    return connection;
}

void deliver(Socket& stream, Connection& connection, const std::string& bytes) {
    Message chunk{bytes};
    ASSERT_TRUE(connection.session->write(chunk));
    stream.pipe_readable(connection.socket_pipe_id);
}

Message recv(Socket& stream) {
    Message msg;
    EXPECT_EQ(stream.recv(msg), 0);
    return msg;
}

std::string routing_id_option(const Socket& stream) {
    char id[256];
    size_t size = sizeof id;
    EXPECT_EQ(stream.get_option(option::routing_id, id, &size), 0);
    return std::string(id, size);
}

TEST(Stream, GeneratesRoutingIdsAndReportsTheLatestAsItsOwn) {
    auto stream = Socket::create(SocketType::stream);
    ASSERT_NE(stream, nullptr);
    Connection first = attach(*stream);
    EXPECT_EQ(routing_id_option(*stream), kFirstGenerated);
    Connection second = attach(*stream);
    EXPECT_EQ(routing_id_option(*stream), kSecondGenerated);

    deliver(*stream, second, "from two");
    deliver(*stream, first, "from one");
    Message a = recv(*stream);
    Message b = recv(*stream);
    ASSERT_EQ(a.size(), 2u);
    ASSERT_EQ(b.size(), 2u);
    // Fair-queued: both arrive, each under its own connection's id.
    if (a.front().view() == kFirstGenerated) std::swap(a, b);
    EXPECT_EQ(a.front().view(), kSecondGenerated);
    EXPECT_EQ(a[1].view(), "from two");
    EXPECT_EQ(b.front().view(), kFirstGenerated);
    EXPECT_EQ(b[1].view(), "from one");
}

TEST(Stream, ConnectRoutingIdNamesTheConnection) {
    auto stream = Socket::create(SocketType::stream);
    Connection named = attach(*stream, "web");
    EXPECT_EQ(routing_id_option(*stream), "");  // only generated ids are reported
    deliver(*stream, named, "");                // the codec's connect notice
    const Message notice = recv(*stream);
    ASSERT_EQ(notice.size(), 2u);
    EXPECT_EQ(notice.front().view(), "web");
    EXPECT_TRUE(notice[1].empty());
    // A second connection asking for a taken name gets a generated one.
    Connection clash = attach(*stream, "web");
    EXPECT_EQ(routing_id_option(*stream), kFirstGenerated);
    (void)clash;
}

TEST(Stream, SendsBytesToThePeerNamedByTheFirstFrame) {
    auto stream = Socket::create(SocketType::stream);
    Connection one = attach(*stream);
    Connection two = attach(*stream);
    Message msg{kSecondGenerated, "payload"};
    ASSERT_EQ(stream->send(msg), 0);
    Message out;
    EXPECT_FALSE(one.session->read(out));
    ASSERT_TRUE(two.session->read(out));
    ASSERT_EQ(out.size(), 1u);  // the id stays behind: raw bytes only
    EXPECT_EQ(out.front().view(), "payload");

    Message unknown{"nobody", "x"};
    EXPECT_EQ(stream->send(unknown), EHOSTUNREACH);
    EXPECT_EQ(stream->check_first_frame(Frame(std::string_view("nobody"))), EHOSTUNREACH);
    EXPECT_EQ(stream->check_first_frame(Frame(std::string_view(kFirstGenerated))), 0);
    Message lonely{kFirstGenerated};
    EXPECT_EQ(stream->send(lonely), EINVAL);
    Message three{kFirstGenerated, "a", "b"};
    EXPECT_EQ(stream->send(three), EINVAL);
}

TEST(Stream, EmptyBytesCloseTheConnectionAfterWhatWasSentBefore) {
    auto stream = Socket::create(SocketType::stream);
    Connection one = attach(*stream);
    Message last{kFirstGenerated, "last words"};
    ASSERT_EQ(stream->send(last), 0);
    Message close{kFirstGenerated, ""};
    ASSERT_EQ(stream->send(close), 0);
    EXPECT_EQ(stream->pipe_count(), 0u);
    EXPECT_TRUE(one.session->peer_closed());
    Message out;
    ASSERT_TRUE(one.session->read(out));  // still there for the session to write
    EXPECT_EQ(out.front().view(), "last words");
    EXPECT_FALSE(one.session->read(out));
    Message again{kFirstGenerated, "more"};
    EXPECT_EQ(stream->send(again), EHOSTUNREACH);
}

TEST(Stream, AFullPipeRefusesWithEagain) {
    auto stream = Socket::create(SocketType::stream);
    auto [socket_end, session_end] = make_pipe(1, 0);
    stream->attach(std::move(socket_end));
    Message first{kFirstGenerated, "one"};
    ASSERT_EQ(stream->send(first), 0);
    Message second{kFirstGenerated, "two"};
    EXPECT_EQ(stream->send(second), EAGAIN);
    EXPECT_EQ(second.size(), 2u);  // untouched, for a retry
}

TEST(Stream, OptionsNotifyAndConnectRoutingId) {
    auto stream = Socket::create(SocketType::stream);
    int notify = 0;
    size_t size = sizeof notify;
    ASSERT_EQ(stream->get_option(option::stream_notify, &notify, &size), 0);
    EXPECT_EQ(notify, 1);  // libzmq's default
    const int off = 0;
    ASSERT_EQ(stream->set_option(option::stream_notify, &off, sizeof off), 0);
    EXPECT_FALSE(stream->options().stream_notify);
    const int two = 2;
    EXPECT_EQ(stream->set_option(option::stream_notify, &two, sizeof two), EINVAL);

    EXPECT_TRUE(stream->names_peer_at_connect());
    ASSERT_EQ(stream->set_option(option::connect_routing_id, "peer", 4), 0);
    EXPECT_EQ(stream->take_connect_routing_id(), "peer");
    EXPECT_EQ(stream->take_connect_routing_id(), "");  // used up by one connect
    EXPECT_EQ(stream->set_option(option::connect_routing_id, "", 0), EINVAL);

    auto router = Socket::create(SocketType::router);
    EXPECT_FALSE(router->names_peer_at_connect());
    ASSERT_EQ(router->set_option(option::connect_routing_id, "peer", 4), 0);
    EXPECT_TRUE(router->names_peer_at_connect());
}

TEST(ConnectRoutingId, RouterUsesItOverTheAnnouncedOne) {
    auto router = Socket::create(SocketType::router);
    auto [socket_end, session_end] = make_pipe(0, 0);
    socket_end->peer_info.socket_type = SocketType::router;
    socket_end->peer_info.routing_id = "chosen";
    router->attach(std::move(socket_end));
    Message msg{"chosen", "hello"};
    ASSERT_EQ(router->send(msg), 0);
    Message out;
    ASSERT_TRUE(session_end->read(out));
    EXPECT_EQ(out.front().view(), "hello");
}

}  // namespace
}  // namespace sculpin
