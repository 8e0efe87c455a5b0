// Chapter 5, "Pub-Sub Tracing (Espresso Pattern)": the book's espresso.c, with the
// publisher, the subscriber, the proxy and the listener each on their own node.
//
// The publisher sprays "%c-%05d" messages (a letter A-J, a dash, a random five-digit
// number) every 100 ms. The subscriber wants only "A" and "B". Between them sits a proxy,
// XSUB facing the publisher and XPUB facing the subscriber, started with a capture socket:
// everything the proxy forwards, in both directions, is copied to the capture PAIR, and a
// listener on the other end of that pair prints it. So the listener sees the
// subscriptions travel up ("\x01A", "\x01B") and then only the A and B messages travel
// down: the publisher drops the rest itself, because the subscriptions reached it through
// the proxy.
//
// The book's listener is a thread on an inproc pipe inside the proxy's process. Inproc in
// the simulator does not leave a node, so the capture pair is a tcp endpoint the proxy
// binds and the listener connects to.
//
// Marks: proxy "forward" (a message passed through, detail: it), listener "captured".
#include "patterns/espresso.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace sculpin::patterns {

Task<> forward_forever_with_capture(Node& node, Sock frontend, Sock backend, Sock capture) {
    std::vector<PollEntry> items;
    items.push_back(PollEntry{frontend, node_poll::in, 0});
    items.push_back(PollEntry{backend, node_poll::in, 0});
    while (true) {
        co_await node.poll(items, -1);
        for (size_t from = 0; from < items.size(); ++from) {
            if (!(items[from].revents & node_poll::in)) continue;
            Received message = co_await node.recv(items[from].sock);
            if (!message.ok()) co_return;
            //  zmq_proxy copies to the capture socket before it forwards
            if (capture.valid()) {
                Message copy = message.msg;
                co_await node.send(capture, std::move(copy));
            }
            node.mark("forward", message.msg.to_display_string());
            co_await node.send(items[1 - from].sock, std::move(message.msg));
        }
    }
}

Task<> espresso_publisher(Node& node) {
    Sock publisher = node.socket(SocketType::pub);
    const std::string endpoint = node.params().get("bind", "tcp://*:6000");
    if (publisher.bind(endpoint) != 0) {
        node.log("cannot bind " + endpoint);
        co_return;
    }
    const int64_t interval_ms = node.params().get_int("interval_ms", 100);
    const int64_t count = node.params().get_int("count", -1);
    for (int64_t sent = 0; count < 0 || sent < count; ++sent) {
        //  A letter A-J, a dash, a random five-digit number
        char string[16];
        std::snprintf(string, sizeof string, "%c-%05d",
                      static_cast<char>('A' + node.rng().between(0, 9)),
                      static_cast<int>(node.rng().between(0, 99999)));
        if (co_await node.send(publisher, Message::text(string)) != 0) break;
        co_await node.sleep(interval_ms);
    }
}

Task<> espresso_subscriber(Node& node) {
    Sock subscriber = node.socket(SocketType::sub);
    subscriber.connect(node.params().get("connect", "tcp://proxy:6001"));
    subscriber.subscribe("A");
    subscriber.subscribe("B");
    int64_t count = 0;
    while (true) {
        Received msg = co_await node.recv(subscriber);
        if (!msg.ok()) break;
        ++count;
        node.log("Received " + msg.msg.to_display_string());
    }
    node.log(std::to_string(count) + " messages received");
}

Task<> espresso_proxy(Node& node) {
    //  XSUB faces the publisher: subscriptions go up through it, data comes down
    Sock subscriber = node.socket(SocketType::xsub);
    subscriber.connect(node.params().get("connect", "tcp://publisher:6000"));
    //  XPUB faces the subscribers
    Sock publisher = node.socket(SocketType::xpub);
    const std::string endpoint = node.params().get("bind", "tcp://*:6001");
    if (publisher.bind(endpoint) != 0) {
        node.log("cannot bind " + endpoint);
        co_return;
    }
    //  The capture end: the listener connects to it
    Sock listener = node.socket(SocketType::pair);
    const std::string capture = node.params().get("capture", "tcp://*:6002");
    if (listener.bind(capture) != 0) {
        node.log("cannot bind " + capture);
        co_return;
    }
    // Test only: a proxy started without its capture socket (zmq_proxy(f, b, NULL)), the
    // learner's "why does my listener print nothing?".
    if (node.params().get("broken", "") == "no_capture") listener = Sock();
    co_await forward_forever_with_capture(node, subscriber, publisher, listener);
}

Task<> espresso_listener(Node& node) {
    Sock pipe = node.socket(SocketType::pair);
    pipe.connect(node.params().get("connect", "tcp://proxy:6002"));
    //  Print everything that arrives on the pipe, frame by frame
    while (true) {
        Received msg = co_await node.recv(pipe);
        if (!msg.ok()) break;
        const std::string shown = msg.msg.to_display_string();
        node.log("captured " + shown);
        node.mark("captured", shown);
    }
}

}  // namespace sculpin::patterns
