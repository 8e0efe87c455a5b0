// Chapter 2, "Handling Multiple Sockets": one program reading two sockets, the
// ventilator's tasks (PULL) and the weather server's updates (SUB "10001 "), written the
// naive way (msreader) and with a poller (mspoller).
//
// msreader drains each socket without blocking, then sleeps 1 ms and tries again. Nothing
// arriving during the sleep is read before it ends (up to 1 ms of added latency per
// message), and when nothing arrives at all the program still wakes a thousand times a
// second to find nothing: an "idle" mark per empty wake-up puts that in the trace.
// mspoller blocks in one poll on both sockets: it wakes only when a message is there,
// reads it at once and never leaves one socket waiting for the other.
//
// Both run for `run_ms` (the book's loop never ends) and then report what they read:
// "Read N tasks and M weather updates; idle wakeups: K (of W)".
//
// Test-only switch (`broken`, never set by a scenario file): mspoller "task_first" reads
// the weather socket only after a task arrived, a learner's "poll the main socket, peek at
// the other": once the tasks stop, weather updates pile up unread.
#include "patterns/several_sockets.hpp"

#include <string>
#include <vector>

namespace sculpin::patterns {

namespace {

struct Reading {
    int64_t tasks = 0;
    int64_t updates = 0;
    int64_t wakeups = 0;
    int64_t idle_wakeups = 0;
};

void report(Node& node, const Reading& r) {
    node.log("Read " + std::to_string(r.tasks) + " tasks and " + std::to_string(r.updates) +
             " weather updates; idle wakeups: " + std::to_string(r.idle_wakeups) + " (of " +
             std::to_string(r.wakeups) + ")");
}

// The deadline for run_ms (-1: never), as a node time.
int64_t deadline_of(Node& node) {
    const int64_t run_ms = node.params().get_int("run_ms", -1);
    return run_ms < 0 ? -1 : node.now_ms() + run_ms;
}

}  // namespace

Task<> msreader(Node& node) {
    //  Connect to task ventilator
    Sock receiver = node.socket(SocketType::pull);
    receiver.connect(node.params().get("connect", "tcp://ventilator:5557"));

    //  Connect to weather server
    Sock subscriber = node.socket(SocketType::sub);
    subscriber.connect(node.params().get("weather", "tcp://weather:5556"));
    subscriber.subscribe(node.params().get("zip", "10001") + " ");

    //  Process messages from both sockets
    //  We prioritize traffic from the task ventilator
    const int64_t deadline = deadline_of(node);
    Reading r;
    while (deadline < 0 || node.now_ms() < deadline) {
        ++r.wakeups;
        bool found = false;
        // A receive that may not wait (ZMQ_DONTWAIT): a zero timeout.
        while (true) {
            Received task = co_await node.recv(receiver, 0);
            if (!task.ok()) break;
            //  Process task
            ++r.tasks;
            found = true;
        }
        while (true) {
            Received update = co_await node.recv(subscriber, 0);
            if (!update.ok()) break;
            //  Process weather update
            ++r.updates;
            found = true;
        }
        if (!found) {
            ++r.idle_wakeups;
            node.mark("idle", "woke up, nothing to read");
        }
        //  No activity, so sleep for 1 msec
        co_await node.sleep(1);
    }
    report(node, r);
}

Task<> mspoller(Node& node) {
    //  Connect to task ventilator
    Sock receiver = node.socket(SocketType::pull);
    receiver.connect(node.params().get("connect", "tcp://ventilator:5557"));

    //  Connect to weather server
    Sock subscriber = node.socket(SocketType::sub);
    subscriber.connect(node.params().get("weather", "tcp://weather:5556"));
    subscriber.subscribe(node.params().get("zip", "10001") + " ");

    const bool task_first = node.params().get("broken", "") == "task_first";

    //  Process messages from both sockets
    std::vector<PollEntry> items;
    items.push_back(PollEntry{receiver, node_poll::in, 0});
    if (!task_first) items.push_back(PollEntry{subscriber, node_poll::in, 0});
    const int64_t deadline = deadline_of(node);
    Reading r;
    while (deadline < 0 || node.now_ms() < deadline) {
        const int timeout_ms = deadline < 0 ? -1 : static_cast<int>(deadline - node.now_ms());
        const int ready = co_await node.poll(items, timeout_ms);
        if (ready == 0) break;  // run_ms is over
        ++r.wakeups;
        if (items[0].revents & node_poll::in) {
            Received task = co_await node.recv(receiver);
            if (!task.ok()) co_return;
            //  Process task
            ++r.tasks;
            if (task_first) {
                // The broken way: the weather socket is only looked at after a task.
                Received update = co_await node.recv(subscriber, 0);
                if (update.ok()) ++r.updates;
            }
        }
        if (items.size() > 1 && (items[1].revents & node_poll::in)) {
            Received update = co_await node.recv(subscriber);
            if (!update.ok()) co_return;
            //  Process weather update
            ++r.updates;
        }
    }
    report(node, r);
}

}  // namespace sculpin::patterns
