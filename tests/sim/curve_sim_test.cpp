// CURVE in the simulated runtime: the same mechanism and MESSAGE boxes as over kernel TCP,
// with transient keys and nonces drawn from a sub-stream of each node's seeded Rng, so a
// CURVE run replays byte for byte; a client with the wrong server key never gets through.
#include <gtest/gtest.h>

#include <string>

#include "crypto/x25519.hpp"
#include "sim/simulation.hpp"
#include "sim/trace_queries.hpp"

namespace sculpin::sim {
namespace {

using namespace sculpin::sim::testing;

std::string key_text(const crypto::X25519Key& key) {
    return std::string(reinterpret_cast<const char*>(key.data()), key.size());
}

crypto::X25519Key secret_of(uint8_t fill) {
    crypto::X25519Key key;
    key.fill(fill);
    return key;
}

const crypto::X25519Key kServerSecret = secret_of(0x11);
const crypto::X25519Key kServerPublic = crypto::x25519_base(kServerSecret);
const crypto::X25519Key kClientSecret = secret_of(0x22);
const crypto::X25519Key kClientPublic = crypto::x25519_base(kClientSecret);

Task<> curve_echo_server(Node& node) {
    Sock rep = node.socket(SocketType::rep);
    rep.set(option::curve_server, 1);
    rep.set(option::curve_secretkey, key_text(kServerSecret));
    rep.set(option::curve_publickey, key_text(kServerPublic));
    rep.bind("tcp://*:7000");
    while (true) {
        Received request = co_await node.recv(rep);
        if (!request.ok()) break;
        co_await node.send(rep, Message::text("echo " + request.msg[0].str()));
    }
}

Task<> curve_client(Node& node, const crypto::X25519Key& server_key) {
    Sock req = node.socket(SocketType::req);
    req.set(option::curve_serverkey, key_text(server_key));
    req.set(option::curve_secretkey, key_text(kClientSecret));
    req.set(option::curve_publickey, key_text(kClientPublic));
    req.connect("tcp://server:7000");
    for (int i = 0; i < 3; ++i) {
        co_await node.send(req, Message::text("secret " + std::to_string(i)));
        Received reply = co_await node.recv(req);
        if (!reply.ok()) break;
        node.log("got " + reply.msg[0].str());
    }
}

Task<> right_key_client(Node& node) {
    return curve_client(node, kServerPublic);
}
Task<> wrong_key_client(Node& node) {
    return curve_client(node, kClientPublic);
}

std::string run(uint64_t seed, Program client, std::string* hash = nullptr) {
    Simulation sim(seed);
    sim.add_node("server", "curve-echo", curve_echo_server, Params(), 0);
    sim.add_node("client", "curve-client", client, Params(), 0);
    sim.run_until(2 * kNsPerSecond);
    if (hash != nullptr) *hash = sim.trace().hash().hex();
    std::string got;
    for (const auto& e : sim.trace().events()) {
        if (e.kind != TraceKind::log || e.node != "client") continue;
        // The program's own lines; the runtime logs each refused connection attempt too.
        got += e.detail.rfind("got ", 0) == 0 ? e.detail + ";" : "";
        if (e.detail.find("failed before the handshake") != std::string::npos) got += "!";
    }
    return got;
}

TEST(CurveSim, RequestsAndRepliesTravelBoxedAndReplayIdentically) {
    std::string first_hash;
    std::string second_hash;
    EXPECT_EQ(run(7, right_key_client, &first_hash),
              "got echo secret 0;got echo secret 1;got echo secret 2;");
    run(7, right_key_client, &second_hash);
    EXPECT_EQ(first_hash, second_hash);
}

TEST(CurveSim, WrongServerKeyNeverGetsAReply) {
    // Only refused attempts ("!"): the server hangs up on HELLO every time.
    const std::string got = run(7, wrong_key_client);
    EXPECT_FALSE(got.empty());
    EXPECT_EQ(got.find_first_not_of('!'), std::string::npos) << got;
}

}  // namespace
}  // namespace sculpin::sim
