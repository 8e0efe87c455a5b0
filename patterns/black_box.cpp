// Chapter 5, "High-Speed Subscribers (Black Box Pattern)": a subscriber that only reads
// and hands each message on, and workers that do the work. The book has no listing for
// it; it describes the design: one thread reads the SUB socket as fast as it can and
// passes every message over PUSH to a set of worker threads (PULL), so the work, not the
// reading, is spread over the cores. Any work done in the reading thread slows it down,
// and a subscriber that falls behind a fast feed never catches up.
//
// Here each box is a subscriber node and its workers are nodes (threads and inproc do not
// leave a node in the simulator, so the PUSH endpoint is tcp). A scenario runs boxes with
// different numbers of workers side by side on the same feed, to show that throughput
// scales with the workers.
#include "patterns/black_box.hpp"

#include <string>

namespace sculpin::patterns {

Task<> bb_publisher(Node& node) {
    Sock publisher = node.socket(SocketType::pub);
    const std::string endpoint = node.params().get("bind", "tcp://*:5556");
    if (publisher.bind(endpoint) != 0) {
        node.log("cannot bind " + endpoint);
        co_return;
    }
    //  The subscribers must be connected before the feed starts (node coordination
    //  would do it properly; a pause is enough here)
    co_await node.sleep(node.params().get_int("wait_ms", 500));
    const int64_t count = node.params().get_int("count", 3000);
    const int64_t interval_ms = node.params().get_int("interval_ms", 1);
    node.mark("feed", "start");
    for (int64_t sent = 0; sent < count; ++sent) {
        co_await node.send(publisher, Message::text("quote " + std::to_string(sent)));
        co_await node.sleep(interval_ms);
    }
    node.mark("feed", "end");
    node.log("Sent " + std::to_string(count) + " messages");
}

Task<> bb_subscriber(Node& node) {
    Sock subscriber = node.socket(SocketType::sub);
    subscriber.connect(node.params().get("connect", "tcp://publisher:5556"));
    subscriber.subscribe("");
    //  The book's inproc PUSH to the worker threads
    Sock workers = node.socket(SocketType::push);
    const std::string endpoint = node.params().get("workers", "tcp://*:5557");
    if (workers.bind(endpoint) != 0) {
        node.log("cannot bind " + endpoint);
        co_return;
    }
    // Test only: the subscriber works on each message itself before passing it on, the
    // mistake the pattern exists to avoid.
    const int64_t inline_work_ms =
        node.params().get("broken", "") == "work_inline" ? node.params().get_int("work_ms", 4) : 0;
    while (true) {
        Received msg = co_await node.recv(subscriber);
        if (!msg.ok()) break;
        if (inline_work_ms > 0) co_await node.sleep(inline_work_ms);
        if (co_await node.send(workers, std::move(msg.msg)) != 0) break;
    }
}

Task<> bb_worker(Node& node) {
    Sock receiver = node.socket(SocketType::pull);
    receiver.connect(node.params().get("connect", "tcp://box:5557"));
    const int64_t work_ms = node.params().get_int("work_ms", 4);
    while (true) {
        Received msg = co_await node.recv(receiver);
        if (!msg.ok()) break;
        co_await node.sleep(work_ms);
    }
}

}  // namespace sculpin::patterns
