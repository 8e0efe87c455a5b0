// Sculpin sockets against libzmq 4.3 sockets over real TCP: every valid pairing of
// socket types, in both roles, with each side binding in turn.
#include <gtest/gtest.h>
#include <zmq.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "runtime/context.hpp"

namespace sculpin {
namespace {

using Parts = std::vector<std::string>;

// One end of a test conversation, whichever library provides it.
class Peer {
public:
    virtual ~Peer() = default;
    virtual std::string bind_any() = 0;  // returns the endpoint
    virtual void connect(const std::string& endpoint) = 0;
    virtual void send(const Parts& parts) = 0;
    virtual std::optional<Parts> recv(int timeout_ms) = 0;
    virtual void subscribe(const std::string& prefix) = 0;
    virtual void set_identity(const std::string& id) = 0;
};

class SculpinPeer : public Peer {
public:
    SculpinPeer(Context& ctx, SocketType type) : socket_(ctx.socket(type)) {
        const int linger = 0;
        socket_->set_option(option::linger, &linger, sizeof(linger));
    }
    std::string bind_any() override {
        EXPECT_EQ(socket_->bind("tcp://127.0.0.1:*"), 0);
        return socket_->last_endpoint();
    }
    void connect(const std::string& endpoint) override { ASSERT_EQ(socket_->connect(endpoint), 0); }
    void send(const Parts& parts) override {
        Message msg;
        for (const auto& part : parts) msg.push_back(Frame(part));
        ASSERT_EQ(socket_->send(msg), 0);
    }
    std::optional<Parts> recv(int timeout_ms) override {
        socket_->set_option(option::rcvtimeo, &timeout_ms, sizeof(timeout_ms));
        Message msg;
        if (socket_->recv(msg) != 0) return std::nullopt;
        Parts parts;
        for (size_t i = 0; i < msg.size(); ++i) parts.push_back(msg[i].str());
        return parts;
    }
    void subscribe(const std::string& prefix) override {
        if (socket_->type() == SocketType::sub) {
            ASSERT_EQ(socket_->set_option(option::subscribe, prefix.data(), prefix.size()), 0);
        } else {
            send({"\x01" + prefix});
        }
    }
    void set_identity(const std::string& id) override {
        ASSERT_EQ(socket_->set_option(option::routing_id, id.data(), id.size()), 0);
    }

private:
    SocketHandle* socket_;
};

class LibzmqPeer : public Peer {
public:
    LibzmqPeer(void* ctx, int type) : socket_(zmq_socket(ctx, type)) {
        const int linger = 0;
        zmq_setsockopt(socket_, ZMQ_LINGER, &linger, sizeof(linger));
    }
    ~LibzmqPeer() override { zmq_close(socket_); }
    std::string bind_any() override {
        EXPECT_EQ(zmq_bind(socket_, "tcp://127.0.0.1:*"), 0);
        char endpoint[256];
        size_t size = sizeof(endpoint);
        zmq_getsockopt(socket_, ZMQ_LAST_ENDPOINT, endpoint, &size);
        return endpoint;
    }
    void connect(const std::string& endpoint) override {
        ASSERT_EQ(zmq_connect(socket_, endpoint.c_str()), 0);
    }
    void send(const Parts& parts) override {
        for (size_t i = 0; i < parts.size(); ++i) {
            const int flags = i + 1 < parts.size() ? ZMQ_SNDMORE : 0;
            ASSERT_GE(zmq_send(socket_, parts[i].data(), parts[i].size(), flags), 0);
        }
    }
    std::optional<Parts> recv(int timeout_ms) override {
        zmq_setsockopt(socket_, ZMQ_RCVTIMEO, &timeout_ms, sizeof(timeout_ms));
        Parts parts;
        int more = 1;
        while (more) {
            zmq_msg_t msg;
            zmq_msg_init(&msg);
            if (zmq_msg_recv(&msg, socket_, 0) < 0) {
                zmq_msg_close(&msg);
                return std::nullopt;
            }
            parts.emplace_back(static_cast<char*>(zmq_msg_data(&msg)), zmq_msg_size(&msg));
            more = zmq_msg_more(&msg);
            zmq_msg_close(&msg);
        }
        return parts;
    }
    void subscribe(const std::string& prefix) override {
        int type = 0;
        size_t size = sizeof(type);
        zmq_getsockopt(socket_, ZMQ_TYPE, &type, &size);
        if (type == ZMQ_SUB) {
            ASSERT_EQ(zmq_setsockopt(socket_, ZMQ_SUBSCRIBE, prefix.data(), prefix.size()), 0);
        } else {
            send({"\x01" + prefix});
        }
    }
    void set_identity(const std::string& id) override {
        ASSERT_EQ(zmq_setsockopt(socket_, ZMQ_ROUTING_ID, id.data(), id.size()), 0);
    }
    void* raw() { return socket_; }

private:
    void* socket_;
};

// Sculpin's socket type numbers equal libzmq's, so one int names both.
struct Pairing {
    int a;  // the side that starts (client / sender / publisher)
    int b;
    const char* name;
};

// Who is Sculpin, who binds.
struct Case {
    Pairing pairing;
    bool sculpin_is_a;
    bool a_binds;
};

void PrintTo(const Case& c, std::ostream* os) {
    *os << c.pairing.name << (c.sculpin_is_a ? " (Sculpin starts" : " (libzmq starts")
        << (c.a_binds ? ", starter binds)" : ", starter connects)");
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
    const Case& c = info.param;
    return std::string(c.pairing.name) + (c.sculpin_is_a ? "_SculpinA" : "_LibzmqA") +
           (c.a_binds ? "_ABinds" : "_BBinds");
}

class Interop : public ::testing::TestWithParam<Case> {
protected:
    void SetUp() override {
        zctx_ = zmq_ctx_new();
        const Case& c = GetParam();
        a_ = make(c.pairing.a, c.sculpin_is_a);
        b_ = make(c.pairing.b, !c.sculpin_is_a);
    }
    void TearDown() override {
        a_.reset();
        b_.reset();
        zmq_ctx_term(zctx_);
    }
    std::unique_ptr<Peer> make(int type, bool sculpin) {
        if (sculpin) return std::make_unique<SculpinPeer>(ctx_, static_cast<SocketType>(type));
        return std::make_unique<LibzmqPeer>(zctx_, type);
    }
    void link() {
        if (GetParam().a_binds) {
            b_->connect(a_->bind_any());
        } else {
            a_->connect(b_->bind_any());
        }
    }

    Context ctx_;
    void* zctx_ = nullptr;
    std::unique_ptr<Peer> a_;
    std::unique_ptr<Peer> b_;
};

constexpr int kTimeoutMs = 5000;

TEST_P(Interop, MessagesFlowBothWaysWithTheRightEnvelopes) {
    const int a = GetParam().pairing.a;
    const int b = GetParam().pairing.b;
    if (b == ZMQ_ROUTER && a == ZMQ_ROUTER) GTEST_SKIP();
    if (a == ZMQ_DEALER && b == ZMQ_ROUTER) a_->set_identity("client-1");
    link();
    const bool a_is_dealer = a == ZMQ_DEALER;
    const bool b_is_router = b == ZMQ_ROUTER;
    // a sends a request
    Parts request =
        a_is_dealer && (b == ZMQ_REP) ? Parts{"", "hello", "more"} : Parts{"hello", "more"};
    a_->send(request);
    auto got = b_->recv(kTimeoutMs);
    ASSERT_TRUE(got.has_value()) << "request not received";
    Parts envelope;
    if (b_is_router) {
        ASSERT_GE(got->size(), 3u);
        envelope.push_back((*got)[0]);
        if (a == ZMQ_DEALER) {
            EXPECT_EQ((*got)[0], "client-1");
        }
        got->erase(got->begin());
        if (a == ZMQ_REQ) {
            EXPECT_EQ((*got)[0], "");
            envelope.push_back("");
            got->erase(got->begin());
        }
    }
    EXPECT_EQ(*got, (Parts{"hello", "more"}));
    if (b == ZMQ_PULL) return;  // pipeline: one way only
    // b replies
    Parts reply = envelope;
    reply.push_back("world");
    b_->send(reply);
    auto answer = a_->recv(kTimeoutMs);
    ASSERT_TRUE(answer.has_value()) << "reply not received";
    if (a_is_dealer && b == ZMQ_REP) {
        EXPECT_EQ(*answer, (Parts{"", "world"}));
    } else {
        EXPECT_EQ(*answer, (Parts{"world"}));
    }
}

std::vector<Case> request_reply_cases() {
    const Pairing pairings[] = {
        {ZMQ_REQ, ZMQ_REP, "ReqRep"},
        {ZMQ_REQ, ZMQ_ROUTER, "ReqRouter"},
        {ZMQ_DEALER, ZMQ_REP, "DealerRep"},
        {ZMQ_DEALER, ZMQ_ROUTER, "DealerRouter"},
        {ZMQ_DEALER, ZMQ_DEALER, "DealerDealer"},
        {ZMQ_PAIR, ZMQ_PAIR, "PairPair"},
        {ZMQ_PUSH, ZMQ_PULL, "PushPull"},
    };
    std::vector<Case> cases;
    for (const auto& p : pairings)
        for (bool sculpin_is_a : {true, false})
            for (bool a_binds : {true, false}) cases.push_back({p, sculpin_is_a, a_binds});
    return cases;
}

INSTANTIATE_TEST_SUITE_P(Pairs, Interop, ::testing::ValuesIn(request_reply_cases()), case_name);

class PubSubInterop : public Interop {};

TEST_P(PubSubInterop, SubscriptionsTravelUpstreamAndFilterDownstream) {
    link();
    b_->subscribe("A");
    // Keep publishing until the subscription has arrived (the slow joiner).
    std::optional<Parts> got;
    for (int attempt = 0; attempt < 500 && !got; ++attempt) {
        a_->send({"B-not-for-you"});
        a_->send({"A-for-you"});
        got = b_->recv(10);
    }
    ASSERT_TRUE(got.has_value()) << "no update reached the subscriber";
    EXPECT_EQ((*got)[0], "A-for-you");
    for (int i = 0; i < 5; ++i) {
        a_->send({"B-not-for-you"});
        a_->send({"A-again"});
        auto next = b_->recv(kTimeoutMs);
        ASSERT_TRUE(next.has_value());
        EXPECT_EQ((*next)[0].substr(0, 1), "A") << "a B message passed the filter";
    }
}

std::vector<Case> pubsub_cases() {
    const Pairing pairings[] = {
        {ZMQ_PUB, ZMQ_SUB, "PubSub"},
        {ZMQ_XPUB, ZMQ_SUB, "XpubSub"},
        {ZMQ_PUB, ZMQ_XSUB, "PubXsub"},
        {ZMQ_XPUB, ZMQ_XSUB, "XpubXsub"},
    };
    std::vector<Case> cases;
    for (const auto& p : pairings)
        for (bool sculpin_is_a : {true, false})
            for (bool a_binds : {true, false}) cases.push_back({p, sculpin_is_a, a_binds});
    return cases;
}

INSTANTIATE_TEST_SUITE_P(Pairs, PubSubInterop, ::testing::ValuesIn(pubsub_cases()), case_name);

class RouterRouterInterop : public Interop {};

TEST_P(RouterRouterInterop, NamedRoutersAddressEachOtherByIdentity) {
    // ROUTER drops what it cannot route, so a sender retries until the peer is known.
    a_->set_identity("alpha");
    b_->set_identity("beta");
    link();
    std::optional<Parts> got;
    for (int attempt = 0; attempt < 500 && !got; ++attempt) {
        a_->send({"beta", "ping"});
        got = b_->recv(10);
    }
    ASSERT_TRUE(got.has_value()) << "beta never received from alpha";
    EXPECT_EQ(*got, (Parts{"alpha", "ping"}));
    b_->send({"alpha", "pong"});
    auto back = a_->recv(kTimeoutMs);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, (Parts{"beta", "pong"}));
}

std::vector<Case> router_router_cases() {
    const Pairing pairing{ZMQ_ROUTER, ZMQ_ROUTER, "RouterRouter"};
    std::vector<Case> cases;
    for (bool sculpin_is_a : {true, false})
        for (bool a_binds : {true, false}) cases.push_back({pairing, sculpin_is_a, a_binds});
    return cases;
}

INSTANTIATE_TEST_SUITE_P(Pairs, RouterRouterInterop, ::testing::ValuesIn(router_router_cases()),
                         case_name);

TEST(InteropXpub, SculpinXpubSeesLibzmqSubscriptions) {
    Context ctx;
    void* zctx = zmq_ctx_new();
    SocketHandle* xpub = ctx.socket(SocketType::xpub);
    ASSERT_EQ(xpub->bind("tcp://127.0.0.1:*"), 0);
    void* sub = zmq_socket(zctx, ZMQ_SUB);
    ASSERT_EQ(zmq_connect(sub, xpub->last_endpoint().c_str()), 0);
    ASSERT_EQ(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "weather", 7), 0);
    const int timeout = 5000;
    xpub->set_option(option::rcvtimeo, &timeout, sizeof(timeout));
    Message subscription;
    ASSERT_EQ(xpub->recv(subscription), 0);
    EXPECT_EQ(subscription.front().str(), std::string("\x01weather"));
    ASSERT_EQ(zmq_setsockopt(sub, ZMQ_UNSUBSCRIBE, "weather", 7), 0);
    Message cancel;
    ASSERT_EQ(xpub->recv(cancel), 0);
    EXPECT_EQ(cancel.front().str(), std::string("\x00weather", 8));
    const int linger = 0;
    zmq_setsockopt(sub, ZMQ_LINGER, &linger, sizeof(linger));
    zmq_close(sub);
    zmq_ctx_term(zctx);
}

TEST(InteropHeartbeat, LibzmqHeartbeatsAreAnsweredSoTheConnectionStaysUp) {
    Context ctx;
    void* zctx = zmq_ctx_new();
    SocketHandle* rep = ctx.socket(SocketType::rep);
    ASSERT_EQ(rep->bind("tcp://127.0.0.1:*"), 0);
    void* req = zmq_socket(zctx, ZMQ_REQ);
    const int ivl = 50, timeout = 150;
    zmq_setsockopt(req, ZMQ_HEARTBEAT_IVL, &ivl, sizeof(ivl));
    zmq_setsockopt(req, ZMQ_HEARTBEAT_TIMEOUT, &timeout, sizeof(timeout));
    ASSERT_EQ(zmq_socket_monitor(req, "inproc://req-monitor", ZMQ_EVENT_DISCONNECTED), 0);
    void* monitor = zmq_socket(zctx, ZMQ_PAIR);
    ASSERT_EQ(zmq_connect(monitor, "inproc://req-monitor"), 0);
    ASSERT_EQ(zmq_connect(req, rep->last_endpoint().c_str()), 0);
    ASSERT_EQ(zmq_send(req, "ping", 4, 0), 4);
    const int rcv = 5000;
    rep->set_option(option::rcvtimeo, &rcv, sizeof(rcv));
    Message msg;
    ASSERT_EQ(rep->recv(msg), 0);
    // Ten heartbeat timeouts of silence: libzmq drops us unless we answer its PINGs.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    zmq_pollitem_t item{monitor, 0, ZMQ_POLLIN, 0};
    EXPECT_EQ(zmq_poll(&item, 1, 0), 0) << "libzmq saw the connection drop";
    Message reply{"pong"};
    ASSERT_EQ(rep->send(reply), 0);
    char buffer[16];
    zmq_setsockopt(req, ZMQ_RCVTIMEO, &rcv, sizeof(rcv));
    EXPECT_EQ(zmq_recv(req, buffer, sizeof(buffer), 0), 4);
    const int linger = 0;
    zmq_setsockopt(req, ZMQ_LINGER, &linger, sizeof(linger));
    zmq_setsockopt(monitor, ZMQ_LINGER, &linger, sizeof(linger));
    zmq_socket_monitor(req, nullptr, 0);
    zmq_close(monitor);
    zmq_close(req);
    zmq_ctx_term(zctx);
}

TEST(InteropMismatch, ReqMeetingPubIsRefused) {
    std::mutex mutex;  // before the context: the monitor outlives the test body's sockets
    std::string reason;
    Context ctx;
    void* zctx = zmq_ctx_new();
    SocketHandle* req = ctx.socket(SocketType::req);
    ASSERT_EQ(req->bind("tcp://127.0.0.1:*"), 0);
    req->set_monitor(
        [&](const MonitorEvent& e) {
            std::lock_guard lock(mutex);
            if (e.event == 0x2000) reason = e.detail;  // handshake failed (protocol)
        },
        0xFFFF);
    void* pub = zmq_socket(zctx, ZMQ_PUB);
    ASSERT_EQ(zmq_connect(pub, req->last_endpoint().c_str()), 0);
    for (int i = 0; i < 200; ++i) {
        {
            std::lock_guard lock(mutex);
            if (!reason.empty()) break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    {
        std::lock_guard lock(mutex);
        EXPECT_NE(reason.find("PUB"), std::string::npos) << "reason: " << reason;
    }
    const int linger = 0;
    zmq_setsockopt(pub, ZMQ_LINGER, &linger, sizeof(linger));
    zmq_close(pub);
    zmq_ctx_term(zctx);
}

}  // namespace
}  // namespace sculpin
