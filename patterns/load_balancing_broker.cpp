// Chapter 3, "A Load Balancing Message Broker": the book's lbbroker.c, with the broker,
// each client and each worker on their own node (the book's ipc endpoints become tcp).
//
// Clients are REQ sockets on the broker's ROUTER frontend; workers are REQ sockets on its
// ROUTER backend. A worker starts by sending "READY" and afterwards sends each reply: both
// mean "I am free". The broker keeps the free workers in a queue, oldest first, and reads
// the frontend only while that queue is not empty, so requests wait in the clients'
// pipes rather than in the broker. Each request goes to the least recently ready worker.
//
// Envelopes, as the backend ROUTER sees them:
//   from a worker: [worker id, "", "READY"] or [worker id, "", client id, "", reply]
//   to a worker:   [worker id, "", client id, "", request]
// The worker's REQ strips [worker id, ""], so it handles [client id, "", request] and
// sends back [client id, "", reply].
//
// Clients and workers set their routing id to their node name (the book's s_set_id sets a
// printable random one), so logs and marks name them.
//
// Marks: broker "ready: <worker>" (a worker joins the queue), "dispatch: <client> -> <worker>",
// "reply: <worker> -> <client>".
//
// Test-only switch (`broken`, never set by a scenario file): lbworker "no_envelope" sends
// back a bare "OK" without the client's envelope. The broker takes the worker as free
// again but cannot tell whose reply it is, so no client ever gets an answer.
#include "patterns/load_balancing_broker.hpp"

#include <deque>
#include <string>

namespace sculpin::patterns {

Task<> lbclient(Node& node) {
    Sock client = node.socket(SocketType::req);
    client.set(option::routing_id, node.params().get("identity", node.name()));
    client.connect(node.params().get("connect", "tcp://broker:5672"));

    //  Send request, get reply
    co_await node.send(client, Message::text("HELLO"));
    Received reply = co_await node.recv(client);
    if (!reply.ok()) co_return;
    node.log("Client: " + reply.msg.to_display_string());
}

Task<> lbworker(Node& node) {
    Sock worker = node.socket(SocketType::req);
    worker.set(option::routing_id, node.params().get("identity", node.name()));
    worker.connect(node.params().get("connect", "tcp://broker:5673"));
    const int64_t work_ms = node.params().get_int("work_ms", 0);
    const bool no_envelope = node.params().get("broken", "") == "no_envelope";

    //  Tell broker we're ready for work
    co_await node.send(worker, Message::text("READY"));

    while (true) {
        //  Read and save all frames until we get an empty frame
        //  In this example there is only 1, but there could be more
        Received request = co_await node.recv(worker);
        if (!request.ok()) co_return;
        if (request.msg.size() != 3) {
            node.log("E: malformed request: " + request.msg.to_display_string());
            continue;
        }
        node.log("Worker: " + request.msg[2].str() + " from " + request.msg[0].str());
        if (work_ms > 0) co_await node.sleep(work_ms);

        //  Send the reply under the client's envelope
        Message reply;
        if (!no_envelope) {
            reply.push_back(request.msg[0]);
            reply.push_back(Frame());
        }
        reply.push_back(Frame(std::string_view("OK")));
        co_await node.send(worker, std::move(reply));
    }
}

Task<> lbbroker(Node& node) {
    Sock frontend = node.socket(SocketType::router);
    Sock backend = node.socket(SocketType::router);
    if (frontend.bind(node.params().get("frontend", "tcp://*:5672")) != 0 ||
        backend.bind(node.params().get("backend", "tcp://*:5673")) != 0) {
        node.log("cannot bind");
        co_return;
    }
    int64_t client_nbr = node.params().get_int("clients", 10);

    //  Queue of available workers, least recently ready first
    std::deque<Frame> worker_queue;

    while (true) {
        //  Poll frontend only if we have available workers
        std::vector<PollEntry> items;
        items.push_back(PollEntry{backend, node_poll::in, 0});
        if (!worker_queue.empty()) items.push_back(PollEntry{frontend, node_poll::in, 0});
        co_await node.poll(items, -1);

        //  Handle worker activity on backend
        if (items[0].revents & node_poll::in) {
            Received in = co_await node.recv(backend);
            if (!in.ok()) co_return;
            Message& msg = in.msg;
            //  Queue worker identity for load-balancing: whatever it sent, it is free now
            const std::string worker = msg[0].str();
            worker_queue.push_back(msg[0]);
            node.mark("ready", worker);

            //  Third frame is "READY" or else a client reply identity
            if (msg.size() == 3 && msg[2].str() == "READY") continue;
            if (msg.size() != 5) {
                node.log("E: malformed message from worker: " + msg.to_display_string());
                continue;
            }
            //  If client reply, send rest back to frontend
            Message reply;
            reply.push_back(msg[2]);  //  client id
            reply.push_back(Frame());
            reply.push_back(msg[4]);
            node.mark("reply", worker + " -> " + msg[2].str());
            co_await node.send(frontend, std::move(reply));
            if (--client_nbr == 0) break;  //  Exit after N messages
        }
        if (items.size() > 1 && (items[1].revents & node_poll::in)) {
            //  Now get next client request, route to least recently ready worker
            //  Client request is [client id, "", request]
            Received in = co_await node.recv(frontend);
            if (!in.ok()) co_return;
            Message& msg = in.msg;
            if (msg.size() != 3) {
                node.log("E: malformed request: " + msg.to_display_string());
                continue;
            }
            Message request;
            request.push_back(worker_queue.front());
            request.push_back(Frame());
            request.push_back(msg[0]);
            request.push_back(Frame());
            request.push_back(msg[2]);
            node.mark("dispatch", msg[0].str() + " -> " + worker_queue.front().str());
            worker_queue.pop_front();
            co_await node.send(backend, std::move(request));
        }
    }
    node.log("All clients served");
}

}  // namespace sculpin::patterns
