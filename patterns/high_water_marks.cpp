// Chapter 2, "High-Water Marks": a fast sender and a slow receiver, twice.
//
// Every pipe holds at most HWM messages (1000 by default). What a socket does when the
// pipe to a peer is full depends on its type: PUB (and ROUTER) drop the message, PUSH
// (and DEALER, REQ) block the sender until there is room. So a fast PUB in front of a
// slow SUB loses messages, and a fast PUSH in front of a slow PULL loses none but is held
// back to the puller's pace.
//
// The HWM is not an end-to-end limit: the sender's queue (SNDHWM), the kernel's TCP
// buffers and the receiver's queue (RCVHWM) all hold messages, so more than SNDHWM
// messages are in transit before the sender feels anything.
//
// These are not book listings (the book explains HWM in prose); they are the smallest
// programs that show it. Messages carry their sequence number, padded to `size` bytes,
// so the receiver can see exactly which ones are missing.
//
// Test-only switches (`broken`, never set by a scenario file): hwm-publisher "no_hwm" sets
// SNDHWM to 0 to "drop early", but 0 means no limit: the publisher queues everything and
// drops nothing. hwm-pusher "dontwait" sends without blocking (a zero send timeout, like
// ZMQ_DONTWAIT) and ignores EAGAIN: the messages it could not queue are simply never sent.
#include "patterns/high_water_marks.hpp"

#include <cstdlib>
#include <string>

namespace sculpin::patterns {

namespace {

Message numbered(int64_t sequence, int64_t size) {
    std::string text = std::to_string(sequence);
    if (static_cast<int64_t>(text.size()) < size) text.resize(static_cast<size_t>(size), ' ');
    return Message::text(text);
}

// The slow receiver of both pairs: works `work_ms` on every message and stops when
// nothing has come for `idle_ms` (or after `count` messages). Reports what it got and
// which sequence numbers never arrived.
Task<> receive_slowly(Node& node, Sock receiver) {
    const int64_t work_ms = node.params().get_int("work_ms", 1);
    const int idle_ms = static_cast<int>(node.params().get_int("idle_ms", 2000));
    const int64_t count = node.params().get_int("count", -1);
    int64_t received = 0;
    int64_t missed = 0;
    int64_t expected = 0;
    while (count < 0 || received < count) {
        Received msg = co_await node.recv(receiver, idle_ms);
        if (!msg.ok()) break;  // the sender has stopped, or everything else was dropped
        ++received;
        const int64_t sequence = std::atoll(std::string(msg.msg.front().view()).c_str());
        if (sequence > expected) {
            if (missed == 0) {
                node.mark("hwm", "first gap: expected " + std::to_string(expected) + ", got " +
                                     std::to_string(sequence));
            }
            missed += sequence - expected;
        }
        expected = sequence + 1;
        co_await node.sleep(work_ms);  //  The slow part
    }
    node.log("Received " + std::to_string(received) + " messages, missed " +
             std::to_string(missed));
}

}  // namespace

Task<> hwm_publisher(Node& node) {
    Sock publisher = node.socket(SocketType::pub);
    // Set the HWM before bind: it applies to the pipes made for later connections (old
    // libzmq even ignored an HWM set afterwards).
    const bool no_hwm = node.params().get("broken", "") == "no_hwm";
    publisher.set(option::sndhwm,
                  no_hwm ? 0 : static_cast<int>(node.params().get_int("sndhwm", 1000)));
    const std::string endpoint = node.params().get("bind", "tcp://*:5556");
    if (publisher.bind(endpoint) != 0) {
        node.log("cannot bind " + endpoint);
        co_return;
    }
    // Give the subscriber time to connect and subscribe: this scenario is about the HWM,
    // not about the slow joiner.
    co_await node.sleep(node.params().get_int("wait_ms", 1000));

    const int64_t count = node.params().get_int("count", 10000);
    const int64_t size = node.params().get_int("size", 1000);
    const int64_t burst = node.params().get_int("burst", 100);  // messages per millisecond
    const int64_t start = node.now_ms();
    for (int64_t sequence = 0; sequence < count; ++sequence) {
        // A PUB send never blocks: at the HWM the message is dropped, silently.
        co_await node.send(publisher, numbered(sequence, size));
        if (burst > 0 && (sequence + 1) % burst == 0) co_await node.sleep(1);
    }
    node.log("Sent " + std::to_string(count) + " messages in " +
             std::to_string(node.now_ms() - start) + " msec");
}

Task<> hwm_slow_subscriber(Node& node) {
    Sock subscriber = node.socket(SocketType::sub);
    subscriber.set(option::rcvhwm, static_cast<int>(node.params().get_int("rcvhwm", 1000)));
    subscriber.connect(node.params().get("connect", "tcp://publisher:5556"));
    subscriber.subscribe("");
    co_await receive_slowly(node, subscriber);
}

Task<> hwm_pusher(Node& node) {
    Sock sender = node.socket(SocketType::push);
    sender.set(option::sndhwm, static_cast<int>(node.params().get_int("sndhwm", 1000)));
    const std::string endpoint = node.params().get("bind", "tcp://*:5557");
    if (sender.bind(endpoint) != 0) {
        node.log("cannot bind " + endpoint);
        co_return;
    }
    const int64_t count = node.params().get_int("count", 10000);
    const int64_t size = node.params().get_int("size", 1000);
    const int64_t burst = node.params().get_int("burst", 100);  // messages per millisecond
    const bool dontwait = node.params().get("broken", "") == "dontwait";
    if (dontwait) sender.set(option::sndtimeo, 0);
    const int64_t start = node.now_ms();
    int64_t blocked_ms = 0;
    int64_t refused = 0;
    bool marked = false;
    for (int64_t sequence = 0; sequence < count; ++sequence) {
        // A PUSH send blocks while the pipe is full (and while there is no puller at all):
        // nothing is lost, the sender is held back to the receiver's pace.
        const int64_t before = node.now_ms();
        const int rc = co_await node.send(sender, numbered(sequence, size));
        if (rc == EAGAIN) ++refused;  // only with dontwait; the message is gone
        if (node.now_ms() > before) {
            if (!marked && sequence > 0) {
                node.mark("hwm", "send blocked at message " + std::to_string(sequence));
                marked = true;
            }
            blocked_ms += node.now_ms() - before;
        }
        if (burst > 0 && (sequence + 1) % burst == 0) co_await node.sleep(1);
    }
    node.log("Sent " + std::to_string(count) + " messages in " +
             std::to_string(node.now_ms() - start) + " msec, blocked in send for " +
             std::to_string(blocked_ms) + " msec");
    if (refused > 0) node.log("E: " + std::to_string(refused) + " sends refused with EAGAIN");
}

Task<> hwm_slow_puller(Node& node) {
    Sock receiver = node.socket(SocketType::pull);
    receiver.set(option::rcvhwm, static_cast<int>(node.params().get_int("rcvhwm", 1000)));
    receiver.connect(node.params().get("connect", "tcp://pusher:5557"));
    co_await receive_slowly(node, receiver);
}

}  // namespace sculpin::patterns
