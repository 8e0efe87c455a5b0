// Chapter 3, "ROUTER Broker and REQ Workers" and "ROUTER Broker and DEALER Workers": the
// book's rtreq.c and rtdealer.c, with the broker and each worker on their own node.
//
// Workers ask the broker for work ("Hi Boss"); the ROUTER reads whoever asked first, and
// replies to exactly that worker by putting its routing id back in front. For five
// seconds the answer is "Work harder", then "Fired!". Each task takes a random 1-500 ms,
// so the worker that finishes sooner asks sooner: the load spreads by itself, and every
// worker ends with roughly the same count.
//
// The broker is the same for both: it always sees [routing id, "", body]. A REQ worker
// gets the empty delimiter added and removed by its socket; a DEALER worker adds nothing,
// so it must send the empty frame itself and skip it on the way back (LEARNERS #11).
//
// Marks: broker "fire: N of M"; worker "fired" (with its task count as the detail).
//
// Test-only switches (`broken`, never set by a scenario file): the broker "no_delimiter"
// replies [routing id, body] without the empty frame: a REQ worker drops such a reply as
// malformed and waits for ever. rtdealer-worker "no_delimiter" neither sends nor strips
// the empty frame: the broker's "Fired!" then arrives behind an empty frame the worker
// does not expect, so it never recognises it and keeps asking for work that never comes.
#include "patterns/router_workers.hpp"

#include <string>

namespace sculpin::patterns {

namespace {

// One worker's loop; `envelope` adds and strips the empty delimiter by hand (DEALER).
Task<> worker_loop(Node& node, Sock worker, bool envelope) {
    int64_t total = 0;
    while (true) {
        //  Tell the broker we're ready for work
        Message hi;
        if (envelope) hi.push_back(Frame());
        hi.push_back(Frame(std::string_view("Hi Boss")));
        co_await node.send(worker, std::move(hi));

        //  Get workload from broker, until finished
        Received workload = co_await node.recv(worker);
        if (!workload.ok()) co_return;
        if (envelope && workload.msg.size() > 0) workload.msg.pop_front();  //  delimiter
        const std::string text = workload.msg.size() == 1 ? workload.msg.front().str()
                                                          : workload.msg.to_display_string();
        if (text == "Fired!") {
            node.log("Completed: " + std::to_string(total) + " tasks");
            node.mark("fired", std::to_string(total));
            co_return;
        }
        ++total;
        node.log("Task " + std::to_string(total) + ": " + text);

        //  Do some random work
        co_await node.sleep(node.rng().between(1, 500));
    }
}

}  // namespace

Task<> rt_broker(Node& node) {
    Sock broker = node.socket(SocketType::router);
    if (broker.bind(node.params().get("bind", "tcp://*:5671")) != 0) {
        node.log("cannot bind");
        co_return;
    }
    const int64_t workers = node.params().get_int("workers", 10);
    //  Run for five seconds and then tell workers to end
    const int64_t end_time = node.now_ms() + node.params().get_int("work_ms", 5000);
    int64_t workers_fired = 0;
    const bool no_delimiter = node.params().get("broken", "") == "no_delimiter";
    while (true) {
        //  Next message gives us least recently used worker. It arrives as
        //  [routing id, "", "Hi Boss"]; the reply goes back under the same two frames.
        Received request = co_await node.recv(broker);
        if (!request.ok()) co_return;
        if (request.msg.size() < 2) continue;  // not a worker's envelope
        Message reply;
        reply.push_back(request.msg[0]);              //  the worker's routing id
        if (!no_delimiter) reply.push_back(Frame());  //  envelope delimiter

        //  Encourage workers until it's time to fire them
        if (node.now_ms() < end_time) {
            reply.push_back(Frame(std::string_view("Work harder")));
            co_await node.send(broker, std::move(reply));
        } else {
            reply.push_back(Frame(std::string_view("Fired!")));
            co_await node.send(broker, std::move(reply));
            ++workers_fired;
            node.mark("fire", std::to_string(workers_fired) + " of " + std::to_string(workers));
            if (workers_fired == workers) break;
        }
    }
    node.log("All " + std::to_string(workers) + " workers fired");
}

Task<> rtreq_worker(Node& node) {
    Sock worker = node.socket(SocketType::req);
    worker.connect(node.params().get("connect", "tcp://broker:5671"));
    co_await worker_loop(node, worker, false);
}

Task<> rtdealer_worker(Node& node) {
    Sock worker = node.socket(SocketType::dealer);
    worker.connect(node.params().get("connect", "tcp://broker:5671"));
    co_await worker_loop(node, worker, node.params().get("broken", "") != "no_delimiter");
}

}  // namespace sculpin::patterns
