// Chapter 2, "Multithreading with ZeroMQ": the multithreaded hello-world server
// (mtserver). Clients (chapter 1's hwclient) connect REQ to a ROUTER; a DEALER on the
// other side spreads their requests over five REP workers; a proxy joins the two. The
// server answers five clients at once although each worker still takes a second per
// request.
//
// The book's workers are threads of the server process, on an inproc backend. A simulated
// node runs one program with one thread of control, so here (as in chapter 3's asyncsrv)
// each worker is a node of its own and the backend is a tcp endpoint. The envelopes, the
// DEALER's round robin and the REP lockstep are the same.
//
// Test-only switch (`broken`, never set by a scenario file): mtserver "router_backend"
// makes the backend a ROUTER instead of a DEALER. A ROUTER routes on the first frame,
// which is the *client's* id: no worker has it, so every request is dropped as unroutable
// (LEARNERS #10) and the clients wait for ever.
#include "patterns/multithreaded_server.hpp"

#include <string>

#include "patterns/request_reply_broker.hpp"

namespace sculpin::patterns {

Task<> mtserver_worker(Node& node) {
    //  Socket to talk to dispatcher
    Sock receiver = node.socket(SocketType::rep);
    receiver.connect(node.params().get("connect", "tcp://server:5556"));
    const int64_t work_ms = node.params().get_int("work_ms", 1000);

    while (true) {
        Received request = co_await node.recv(receiver);
        if (!request.ok()) co_return;
        node.log("Received request: [" + request.msg.to_display_string() + "]");
        //  Do some 'work'
        co_await node.sleep(work_ms);
        //  Send reply back to client
        co_await node.send(receiver, Message::text("World"));
    }
}

Task<> mtserver(Node& node) {
    //  Socket to talk to clients
    Sock clients = node.socket(SocketType::router);
    const std::string frontend = node.params().get("frontend", "tcp://*:5555");

    //  Socket to talk to workers (inproc://workers in the book)
    const bool router_backend = node.params().get("broken", "") == "router_backend";
    Sock workers = node.socket(router_backend ? SocketType::router : SocketType::dealer);
    const std::string backend = node.params().get("backend", "tcp://*:5556");
    if (clients.bind(frontend) != 0 || workers.bind(backend) != 0) {
        node.log("cannot bind");
        co_return;
    }

    //  Connect work threads to client threads via a queue proxy
    co_await forward_forever(node, clients, workers);
}

}  // namespace sculpin::patterns
