// Chapter 2, "Pub-Sub Message Envelopes": the publisher puts the key in a frame of its own
// ([key, contents]), and the subscriber's prefix filter is matched against that first
// frame only (psenvpub, psenvsub). Keys "A" and "B" go out once a second; the subscriber
// subscribes to "B" and never sees an "A" message: the publisher drops those as filtered.
//
// Test-only switch (`broken`, never set by a scenario file): psenvsub "subscribe_contents"
// subscribes to the text of the contents frame instead of the key. The filter never looks
// past the first frame, so nothing ever matches (LEARNERS #5).
#include "patterns/pubsub_envelopes.hpp"

#include <string>
#include <string_view>

namespace sculpin::patterns {

namespace {

// [key, contents]: a two-frame message (built outside the coroutine: see node.hpp).
Message keyed(std::string_view key, std::string_view contents) {
    Message message;
    message.push_back(Frame(key));
    message.push_back(Frame(contents));
    return message;
}

}  // namespace

Task<> psenvpub(Node& node) {
    //  Prepare our publisher
    Sock publisher = node.socket(SocketType::pub);
    const std::string endpoint = node.params().get("bind", "tcp://*:5563");
    if (publisher.bind(endpoint) != 0) {
        node.log("cannot bind " + endpoint);
        co_return;
    }
    const int64_t interval_ms = node.params().get_int("interval_ms", 1000);
    const int64_t rounds = node.params().get_int("rounds", -1);
    for (int64_t round = 0; rounds < 0 || round < rounds; ++round) {
        //  Write two messages, each with an envelope and content
        co_await node.send(publisher, keyed("A", "We don't want to see this"));
        co_await node.send(publisher, keyed("B", "We would like to see this"));
        co_await node.sleep(interval_ms);
    }
}

Task<> psenvsub(Node& node) {
    //  Prepare our subscriber
    Sock subscriber = node.socket(SocketType::sub);
    subscriber.connect(node.params().get("connect", "tcp://publisher:5563"));
    const bool subscribe_contents = node.params().get("broken", "") == "subscribe_contents";
    subscriber.subscribe(subscribe_contents ? "We would like" : node.params().get("key", "B"));

    while (true) {
        //  Read envelope with address, then the contents (one multipart message here)
        Received update = co_await node.recv(subscriber);
        if (!update.ok()) co_return;
        if (update.msg.size() != 2) {
            node.log("E: expected [key, contents], got " + update.msg.to_display_string());
            continue;
        }
        node.log("[" + update.msg[0].str() + "] " + update.msg[1].str());
    }
}

}  // namespace sculpin::patterns
