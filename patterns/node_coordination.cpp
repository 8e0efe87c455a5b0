// Chapter 2, "Node Coordination": the synchronized publisher and subscriber (syncpub,
// syncsub). The cure for the slow joiner: the publisher does not start until every
// subscriber has said, over a REQ-REP side channel, that it is connected and
// subscribed. Then nothing is lost, because the publisher's HWM is raised above the
// number of updates it sends (1,100,000 for 1,000,000).
//
// Test-only switch (`broken`, never set by a scenario file): syncpub "no_sync" starts
// publishing at once, without waiting for the subscribers: the slow joiner is back.
#include "patterns/node_coordination.hpp"

#include <string>

namespace sculpin::patterns {

Task<> syncpub(Node& node) {
    //  Socket to talk to clients
    Sock publisher = node.socket(SocketType::pub);
    publisher.set(option::sndhwm, static_cast<int>(node.params().get_int("sndhwm", 1100000)));
    const std::string endpoint = node.params().get("bind", "tcp://*:5561");
    if (publisher.bind(endpoint) != 0) {
        node.log("cannot bind " + endpoint);
        co_return;
    }

    //  Socket to receive signals
    Sock syncservice = node.socket(SocketType::rep);
    const std::string sync_endpoint = node.params().get("sync_bind", "tcp://*:5562");
    if (syncservice.bind(sync_endpoint) != 0) {
        node.log("cannot bind " + sync_endpoint);
        co_return;
    }

    //  Get synchronization from subscribers
    node.log("Waiting for subscribers");
    const int64_t expected =
        node.params().get("broken", "") == "no_sync" ? 0 : node.params().get_int("subscribers", 10);
    for (int64_t subscribers = 0; subscribers < expected; ++subscribers) {
        //  - wait for synchronization request
        Received request = co_await node.recv(syncservice);
        if (!request.ok()) co_return;
        //  - send synchronization reply
        co_await node.send(syncservice, Message::text(""));
    }
    node.mark("sync", "every subscriber is ready");

    //  Now broadcast exactly 1M updates followed by END
    node.log("Broadcasting messages");
    const int64_t updates = node.params().get_int("updates", 1000000);
    for (int64_t update_nbr = 0; update_nbr < updates; ++update_nbr)
        co_await node.send(publisher, Message::text("Rhubarb"));

    co_await node.send(publisher, Message::text("END"));
}

Task<> syncsub(Node& node) {
    //  First, connect our subscriber socket
    Sock subscriber = node.socket(SocketType::sub);
    subscriber.connect(node.params().get("connect", "tcp://publisher:5561"));
    subscriber.subscribe("");

    //  0MQ is so fast, we need to wait a while...
    //  (the SUBSCRIBE must reach the publisher before we tell it to start: the sync
    //  request travels on another connection, which could otherwise overtake it)
    co_await node.sleep(node.params().get_int("sleep_ms", 1000));

    //  Second, synchronize with publisher
    Sock syncclient = node.socket(SocketType::req);
    syncclient.connect(node.params().get("sync_connect", "tcp://publisher:5562"));

    //  - send a synchronization request
    co_await node.send(syncclient, Message::text(""));

    //  - wait for synchronization reply
    Received reply = co_await node.recv(syncclient);
    if (!reply.ok()) co_return;

    //  Third, get our updates and report how many we got
    int64_t update_nbr = 0;
    while (true) {
        Received update = co_await node.recv(subscriber);
        if (!update.ok()) co_return;
        if (update.msg.front().view() == "END") break;
        ++update_nbr;
    }
    node.log("Received " + std::to_string(update_nbr) + " updates");
}

}  // namespace sculpin::patterns
