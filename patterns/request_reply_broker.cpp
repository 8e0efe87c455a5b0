// Chapter 2, "Shared Queue (DEALER and ROUTER sockets)" and "ZeroMQ's Built-In Proxy
// Function": the request-reply broker (rrclient, rrworker, rrbroker) and the same broker
// as a proxy (msgqueue).
//
// Clients are REQ sockets connected to the broker's ROUTER frontend; workers are REP
// sockets connected to its DEALER backend. The ROUTER prepends the client's routing id
// to each request (the envelope), the DEALER load-balances requests over the workers,
// the REP worker hands the envelope back with its reply, and the ROUTER uses it to route
// the reply to the right client. The broker itself never looks inside a message.
//
// Test-only switches (`broken`, never set by a scenario file): rrbroker "strip_envelope"
// forwards only a request's last frame, dropping the envelope (a REP worker refuses a
// request without its delimiter, and no reply could find its way back anyway); msgqueue
// "one_way" forwards requests but never reads the replies. Either way no client gets an
// answer.
#include "patterns/request_reply_broker.hpp"

#include <string>
#include <vector>

namespace sculpin::patterns {

// Binds or logs why not; the book's programs assert instead.
static bool bind_or_log(Node& node, Sock& sock, const std::string& endpoint) {
    if (sock.bind(endpoint) == 0) return true;
    node.log("cannot bind " + endpoint);
    return false;
}

// The switching loop shared by rrbroker, msgqueue and asyncsrv's server. A Message here is the
// whole multipart message (envelope and body), so the book's "process all parts" inner loop with
// RCVMORE/SNDMORE is a single recv and send.
Task<> forward_forever(Node& node, Sock frontend, Sock backend) {
    //  Initialize poll set
    std::vector<PollEntry> items;
    items.push_back(PollEntry{frontend, node_poll::in, 0});
    items.push_back(PollEntry{backend, node_poll::in, 0});
    //  Switch messages between sockets
    while (true) {
        co_await node.poll(items, -1);
        if (items[0].revents & node_poll::in) {
            Received message = co_await node.recv(frontend);
            if (!message.ok()) co_return;
            co_await node.send(backend, std::move(message.msg));
        }
        if (items[1].revents & node_poll::in) {
            Received message = co_await node.recv(backend);
            if (!message.ok()) co_return;
            co_await node.send(frontend, std::move(message.msg));
        }
    }
}

namespace {

// A learner's broken version of forward_forever (see the switches above).
Task<> forward_broken(Node& node, Sock frontend, Sock backend, std::string how) {
    std::vector<PollEntry> items;
    items.push_back(PollEntry{frontend, node_poll::in, 0});
    if (how != "one_way") items.push_back(PollEntry{backend, node_poll::in, 0});
    while (true) {
        co_await node.poll(items, -1);
        if (items[0].revents & node_poll::in) {
            Received message = co_await node.recv(frontend);
            if (!message.ok()) co_return;
            if (how == "strip_envelope") {
                Message body = Message(message.msg.back());
                co_await node.send(backend, std::move(body));
            } else {
                co_await node.send(backend, std::move(message.msg));
            }
        }
        if (items.size() > 1 && (items[1].revents & node_poll::in)) {
            Received message = co_await node.recv(backend);
            if (!message.ok()) co_return;
            co_await node.send(frontend, std::move(message.msg));
        }
    }
}

}  // namespace

Task<> rrclient(Node& node) {
    //  Socket to talk to server
    Sock requester = node.socket(SocketType::req);
    requester.connect(node.params().get("connect", "tcp://broker:5559"));

    const int64_t requests = node.params().get_int("requests", 10);
    for (int64_t request_nbr = 0; request_nbr != requests; ++request_nbr) {
        co_await node.send(requester, Message::text("Hello"));
        Received reply = co_await node.recv(requester);
        if (!reply.ok()) co_return;
        node.log("Received reply " + std::to_string(request_nbr) + " [" +
                 reply.msg.to_display_string() + "]");
    }
}

Task<> rrworker(Node& node) {
    Sock responder = node.socket(SocketType::rep);
    responder.connect(node.params().get("connect", "tcp://broker:5560"));

    const int64_t work_ms = node.params().get_int("work_ms", 1000);
    while (true) {
        //  Wait for next request from client
        Received request = co_await node.recv(responder);
        if (!request.ok()) co_return;
        node.log("Received request: [" + request.msg.to_display_string() + "]");

        //  Do some 'work'
        co_await node.sleep(work_ms);

        //  Send reply back to client
        co_await node.send(responder, Message::text("World"));
    }
}

Task<> rrbroker(Node& node) {
    //  Prepare our sockets
    Sock frontend = node.socket(SocketType::router);
    Sock backend = node.socket(SocketType::dealer);
    if (!bind_or_log(node, frontend, node.params().get("frontend", "tcp://*:5559"))) co_return;
    if (!bind_or_log(node, backend, node.params().get("backend", "tcp://*:5560"))) co_return;
    const std::string broken = node.params().get("broken", "");
    if (!broken.empty()) {
        co_await forward_broken(node, frontend, backend, broken);
        co_return;
    }
    co_await forward_forever(node, frontend, backend);
}

Task<> msgqueue(Node& node) {
    //  Socket facing clients
    Sock frontend = node.socket(SocketType::router);
    if (!bind_or_log(node, frontend, node.params().get("frontend", "tcp://*:5559"))) co_return;

    //  Socket facing services
    Sock backend = node.socket(SocketType::dealer);
    if (!bind_or_log(node, backend, node.params().get("backend", "tcp://*:5560"))) co_return;

    //  Start the proxy. The book calls zmq_proxy(frontend, backend, NULL) here. The Node
    //  API has no proxy call, so the proxy is written out: the same poll-and-forward loop
    //  as rrbroker's. That the two behave identically is the book's point.
    const std::string broken = node.params().get("broken", "");
    if (!broken.empty()) {
        co_await forward_broken(node, frontend, backend, broken);
        co_return;
    }
    co_await forward_forever(node, frontend, backend);
}

}  // namespace sculpin::patterns
