// Chapter 3, "The Identity of a Socket": the book's identity.c, split over nodes.
//
// A ROUTER sink receives from two REQ sockets and dumps each message frame by frame, the
// way the book's s_dump does. The ROUTER prepends the routing id of the peer it read
// from: a REQ that set no identity gets one the ROUTER generates (5 bytes: a zero byte,
// then a 32-bit number), a REQ that set ZMQ_ROUTING_ID ("PEER2" in the book) is known by
// that name. The ROUTER uses this first frame, and nothing else, to route replies.
//
// The book's sink never replies: it only shows what arrives.
//
// Test-only switch (`broken`, never set by a scenario file): identity-client
// "no_identity" forgets to set the routing id it was given, so the ROUTER makes one up.
//
// Marks: sink "envelope: <routing id as displayed>" for each message.
#include "patterns/identity.hpp"

#include <cstdio>
#include <string>

namespace sculpin::patterns {

Task<> identity_sink(Node& node) {
    Sock sink = node.socket(SocketType::router);
    if (sink.bind(node.params().get("bind", "tcp://*:5555")) != 0) {
        node.log("cannot bind");
        co_return;
    }
    const int64_t messages = node.params().get_int("messages", -1);
    for (int64_t n = 0; messages < 0 || n < messages; ++n) {
        Received received = co_await node.recv(sink);
        if (!received.ok()) co_return;
        //  s_dump: one line per frame, "[size] contents" (binary frames in hex)
        node.log("----------------------------------------");
        for (size_t i = 0; i < received.msg.size(); ++i) {
            const Frame& frame = received.msg[i];
            char size[16];
            std::snprintf(size, sizeof size, "[%03zu] ", frame.size());
            node.log(size + Message(frame).to_display_string());
        }
        // The first frame is the envelope the ROUTER added: the sender's routing id.
        node.mark("envelope", Message(received.msg.front()).to_display_string());
    }
}

Task<> identity_client(Node& node) {
    Sock client = node.socket(SocketType::req);
    // Without an identity the ROUTER invents one; with it, the ROUTER uses ours. It must
    // be set before connecting: it travels in the handshake.
    const std::string identity = node.params().get("identity", "");
    const bool forget = node.params().get("broken", "") == "no_identity";
    if (!identity.empty() && !forget) client.set(option::routing_id, identity);
    client.connect(node.params().get("connect", "tcp://sink:5555"));
    const std::string text =
        node.params().get("text", identity.empty() ? "ROUTER uses a generated 5 byte identity"
                                                   : "ROUTER socket uses REQ's socket identity");
    co_await node.send(client, Message::text(text));
    // The sink never answers; like the book's REQ, this one waits for ever.
    Received reply = co_await node.recv(client);
    (void)reply;
}

}  // namespace sculpin::patterns
