// Chapter 3, "Asynchronous Client/Server Pattern": the book's asyncsrv.c, with each client,
// the server and each worker on their own node.
//
// Clients are DEALERs: they send a request every second and poll for replies a hundred
// times a second, never waiting for one. The server's ROUTER frontend prepends each
// client's routing id; its DEALER backend spreads requests over the workers. A worker
// sends back 0 to 4 replies under that same id, each after a random sleep, and the ROUTER
// strips the id and routes the reply to its client. Nothing is lockstep: a client may get
// several replies to one request, or none, and they interleave with later requests.
//
// The book runs the workers as threads on an inproc backend inside the server. Inproc in
// the simulator does not leave a node, so here the backend is a tcp endpoint and every
// worker is a node: the envelopes are the same, and the GUI can show them travel.
//
// Clients set their routing id to their node name (the book draws a random printable
// one), so that every reply can be checked against the client it reached.
//
// Marks: client "reply" (detail: the reply), worker "replies: K" (K replies to a request).
//
// Test-only switch (`broken`, never set by a scenario file): asyncsrv-worker
// "drop_identity" replies with the content alone. The frontend ROUTER takes that one frame
// for a routing id and finds nothing left to send: it drops the reply as malformed.
#include "patterns/async_server.hpp"
#include "patterns/request_reply_broker.hpp"

#include <string>
#include <vector>

namespace sculpin::patterns {

Task<> asyncsrv_client(Node& node) {
    Sock client = node.socket(SocketType::dealer);
    const std::string identity = node.params().get("identity", node.name());
    client.set(option::routing_id, identity);
    client.connect(node.params().get("connect", "tcp://server:5570"));
    const int64_t requests = node.params().get_int("requests", -1);

    std::vector<PollEntry> items;
    items.push_back(PollEntry{client, node_poll::in, 0});
    for (int64_t request_nbr = 1; requests < 0 || request_nbr <= requests; ++request_nbr) {
        //  Tick once per second, pulling in arriving messages
        for (int centitick = 0; centitick < 100; ++centitick) {
            co_await node.poll(items, 10);
            if (items[0].revents & node_poll::in) {
                Received reply = co_await node.recv(client);
                if (!reply.ok()) co_return;
                node.log(identity + " received: " + reply.msg.to_display_string());
                node.mark("reply", reply.msg.to_display_string());
            }
        }
        co_await node.send(client, Message::text("request #" + std::to_string(request_nbr)));
    }
}

Task<> asyncsrv_server(Node& node) {
    //  Frontend socket talks to clients over TCP
    Sock frontend = node.socket(SocketType::router);
    //  Backend socket talks to workers (inproc in the book; tcp here, see above)
    Sock backend = node.socket(SocketType::dealer);
    if (frontend.bind(node.params().get("frontend", "tcp://*:5570")) != 0 ||
        backend.bind(node.params().get("backend", "tcp://*:5571")) != 0) {
        node.log("cannot bind");
        co_return;
    }
    //  Connect backend to frontend via a proxy: [client id, request] goes down,
    //  [client id, reply] comes back up and the ROUTER routes it on the id.
    co_await forward_forever(node, frontend, backend);
}

Task<> asyncsrv_worker(Node& node) {
    Sock worker = node.socket(SocketType::dealer);
    worker.connect(node.params().get("connect", "tcp://server:5571"));
    const int64_t max_replies = node.params().get_int("max_replies", 4);
    const int64_t max_sleep_ms = node.params().get_int("max_sleep_ms", 1000);
    const bool drop_identity = node.params().get("broken", "") == "drop_identity";

    while (true) {
        //  The DEALER socket gives us the reply envelope and message
        Received msg = co_await node.recv(worker);
        if (!msg.ok()) co_return;
        if (msg.msg.size() != 2) {
            node.log("E: malformed request: " + msg.msg.to_display_string());
            continue;
        }
        const Frame identity = msg.msg[0];
        const Frame content = msg.msg[1];
        //  Send 0..4 replies back
        const int64_t replies = node.rng().between(0, max_replies);
        node.mark("replies", std::to_string(replies));
        for (int64_t reply = 0; reply < replies; ++reply) {
            //  Sleep for some fraction of a second
            co_await node.sleep(node.rng().between(1, max_sleep_ms));
            Message out;
            if (!drop_identity) out.push_back(identity);
            out.push_back(content);
            co_await node.send(worker, std::move(out));
        }
    }
}

}  // namespace sculpin::patterns
