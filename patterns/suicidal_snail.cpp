// Chapter 5, "Slow Subscriber Detection (Suicidal Snail Pattern)": the book's suisnail.c,
// the publisher and the subscriber each on their own node.
//
// The publisher sends the current time, in milliseconds, every millisecond. The
// subscriber works 1 to 2 ms on each message, so it falls behind by half a millisecond a
// message on average, and its queue grows. A PUB never slows down for a slow subscriber:
// left alone, the queue reaches the high-water mark and the publisher starts dropping
// (chapter 2). The snail does better: it compares each message's time with its own clock,
// and once it is more than MAX_ALLOWED_DELAY (1000 ms) behind, it says so and kills
// itself, rather than go on working with stale data. (Both nodes read the one virtual
// clock, as the book's threads read one machine's clock.)
//
// Marks: subscriber "behind" every `report_every` messages (detail: how far behind),
// "suicide" (detail: how far behind, and the limit).
#include "patterns/suicidal_snail.hpp"

#include <charconv>
#include <string>

namespace sculpin::patterns {

namespace {

// The time in a message, or -1 if it is not a number.
int64_t parse_clock(std::string_view text) {
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && ptr == text.data() + text.size() ? value : -1;
}

}  // namespace

Task<> suisnail_publisher(Node& node) {
    Sock publisher = node.socket(SocketType::pub);
    const std::string endpoint = node.params().get("bind", "tcp://*:5556");
    if (publisher.bind(endpoint) != 0) {
        node.log("cannot bind " + endpoint);
        co_return;
    }
    const int64_t interval_ms = node.params().get_int("interval_ms", 1);
    const int64_t count = node.params().get_int("count", -1);
    //  Send the current clock (ms) every interval_ms
    for (int64_t sent = 0; count < 0 || sent < count; ++sent) {
        if (co_await node.send(publisher, Message::text(std::to_string(node.now_ms()))) != 0) break;
        co_await node.sleep(interval_ms);
    }
    node.log("Publisher done");
}

Task<> suisnail_subscriber(Node& node) {
    Sock subscriber = node.socket(SocketType::sub);
    subscriber.subscribe("");
    subscriber.connect(node.params().get("connect", "tcp://publisher:5556"));
    const int64_t max_allowed_delay_ms = node.params().get_int("max_allowed_delay_ms", 1000);
    const int64_t report_every = node.params().get_int("report_every", 500);
    // Test only: a snail that never looks at the clock, and so never notices.
    const bool check_delay = node.params().get("broken", "") != "no_delay_check";

    //  Get and process messages
    for (int64_t received = 1;; ++received) {
        Received msg = co_await node.recv(subscriber);
        if (!msg.ok()) co_return;
        const int64_t clock = parse_clock(msg.msg.front().view());
        if (clock < 0) {
            node.log("E: malformed message: " + msg.msg.to_display_string());
            continue;
        }
        const int64_t behind_ms = node.now_ms() - clock;
        if (report_every > 0 && received % report_every == 0)
            node.mark("behind", std::to_string(behind_ms) + " ms");
        //  Suicide snail logic
        if (check_delay && behind_ms > max_allowed_delay_ms) {
            node.log("E: subscriber cannot keep up, aborting (" + std::to_string(behind_ms) +
                     " ms behind, the limit is " + std::to_string(max_allowed_delay_ms) + " ms)");
            node.mark("suicide", std::to_string(behind_ms) + " ms behind, limit " +
                                     std::to_string(max_allowed_delay_ms) + " ms");
            break;
        }
        //  Work for 1 msec plus some random additional time
        co_await node.sleep(1 + node.rng().between(0, 1));
    }
    //  The book tells its main thread here, which then ends the program; the subscriber
    //  closing is what the publisher sees.
    subscriber.close();
}

}  // namespace sculpin::patterns
