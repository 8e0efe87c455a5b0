// Chapter 5, "Last Value Caching": the book's pathopub.c, lvcache.c and pathosub.c, each
// on its own node.
//
// The publisher ("pathological": a thousand topics, hardly any traffic) sends every topic
// once, [topic, "Save Roger"], then one update a second to a random topic,
// [topic, "Off with his head!"]. A subscriber that joins later would wait, on average,
// several minutes for its topic's next update: a PUB has no memory.
//
// The last value cache sits between them: a SUB that takes everything from the publisher
// and remembers the last message of every topic, and an XPUB facing the subscribers. An
// XPUB hands its application each subscription ("\x01" + topic); when one arrives the
// cache sends the topic's last value straight away, so a new subscriber gets it at once.
// XPUB passes a topic up only on its first subscriber unless XPUB_VERBOSE is set, so the
// cache sets it: otherwise a second subscriber to a topic would get nothing. The cached
// value goes out on the XPUB to every subscriber of that topic, so the ones already there
// see it again: the cache cannot address one subscriber.
//
// Marks: publisher "update" (topic), cache "cached" (topic resent), subscriber
// "subscribed" (topic) and "first value" (how long after subscribing).
#include "patterns/last_value_cache.hpp"

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace sculpin::patterns {

namespace {

std::string topic_name(int64_t topic_nbr) {
    char topic[16];
    std::snprintf(topic, sizeof topic, "%03d", static_cast<int>(topic_nbr));
    return topic;
}

Message topic_message(const std::string& topic, std::string_view value) {
    Message msg;
    msg.push_back(Frame(topic));
    msg.push_back(Frame(value));
    return msg;
}

}  // namespace

Task<> pathopub(Node& node) {
    Sock publisher = node.socket(SocketType::pub);
    //  The book connects to the cache when given its address, and binds otherwise; this
    //  one may do both, so that a subscriber can also listen without the cache.
    if (node.params().has("connect")) publisher.connect(node.params().get("connect"));
    if (node.params().has("bind") && publisher.bind(node.params().get("bind")) != 0) {
        node.log("cannot bind " + node.params().get("bind"));
        co_return;
    }
    const int64_t topics = node.params().get_int("topics", 1000);
    const int64_t interval_ms = node.params().get_int("interval_ms", 1000);
    const int64_t updates = node.params().get_int("updates", -1);

    //  Ensure subscriber connection has time to complete
    co_await node.sleep(node.params().get_int("wait_ms", 1000));

    //  Send out all topic messages
    for (int64_t topic_nbr = 0; topic_nbr < topics; ++topic_nbr)
        co_await node.send(publisher, topic_message(topic_name(topic_nbr), "Save Roger"));
    node.log("Sent all " + std::to_string(topics) + " topics");

    //  Send one random update per interval
    for (int64_t update = 0; updates < 0 || update < updates; ++update) {
        co_await node.sleep(interval_ms);
        const std::string topic = topic_name(node.rng().between(0, topics - 1));
        node.mark("update", topic);
        co_await node.send(publisher, topic_message(topic, "Off with his head!"));
    }
}

Task<> lvcache(Node& node) {
    Sock frontend = node.socket(SocketType::sub);
    const std::string frontend_endpoint = node.params().get("frontend", "tcp://*:5557");
    Sock backend = node.socket(SocketType::xpub);
    const std::string backend_endpoint = node.params().get("backend", "tcp://*:5558");
    if (frontend.bind(frontend_endpoint) != 0 || backend.bind(backend_endpoint) != 0) {
        node.log("cannot bind");
        co_return;
    }
    const std::string broken = node.params().get("broken", "");
    // Test only: "not_verbose" forgets XPUB_VERBOSE; "no_cache" forwards updates but
    // never answers a subscription from the cache.
    if (broken != "not_verbose") backend.set(option::xpub_verbose, 1);

    //  Subscribe to every single topic from publisher
    frontend.subscribe("");

    //  Store last instance of each topic in a cache
    std::map<std::string, Message> cache;

    //  We route topic updates from frontend to backend, and we handle subscriptions by
    //  sending whatever we cached, if anything
    std::vector<PollEntry> items;
    items.push_back(PollEntry{frontend, node_poll::in, 0});
    items.push_back(PollEntry{backend, node_poll::in, 0});
    while (true) {
        co_await node.poll(items, 1000);

        //  When we get a new message from the frontend, we save it
        if (items[0].revents & node_poll::in) {
            Received in = co_await node.recv(frontend);
            if (!in.ok()) break;
            if (in.msg.size() != 2) {
                node.log("E: malformed update: " + in.msg.to_display_string());
            } else {
                cache[in.msg[0].str()] = in.msg;
                co_await node.send(backend, std::move(in.msg));
            }
        }
        //  When we get a new subscription, we pull data from the cache
        if (items[1].revents & node_poll::in) {
            Received in = co_await node.recv(backend);
            if (!in.ok()) break;
            //  Event is one byte 0=unsub or 1=sub, followed by topic
            const std::string_view event = in.msg.front().view();
            if (event.empty() || event[0] != 1) continue;
            const std::string topic(event.substr(1));
            if (broken == "no_cache") continue;
            auto cached = cache.find(topic);
            if (cached == cache.end()) continue;
            node.log("Sending cached topic " + topic);
            node.mark("cached", topic);
            Message copy = cached->second;
            co_await node.send(backend, std::move(copy));
        }
    }
}

Task<> pathosub(Node& node) {
    Sock subscriber = node.socket(SocketType::sub);
    subscriber.connect(node.params().get("connect", "tcp://lvc:5558"));
    const std::string topic =
        node.params().has("topic")
            ? node.params().get("topic")
            : topic_name(node.rng().between(0, node.params().get_int("topics", 1000) - 1));
    subscriber.subscribe(topic);
    node.log("Subscribed to topic " + topic);
    node.mark("subscribed", topic);
    const int64_t subscribed_ms = node.now_ms();
    bool first = true;
    while (true) {
        Received msg = co_await node.recv(subscriber);
        if (!msg.ok()) break;
        if (msg.msg.size() != 2) {
            node.log("E: malformed update: " + msg.msg.to_display_string());
            continue;
        }
        node.log(msg.msg[0].str() + " " + msg.msg[1].str());
        if (first) {
            node.mark("first value", std::to_string(node.now_ms() - subscribed_ms) + " ms");
            first = false;
        }
    }
}

}  // namespace sculpin::patterns
