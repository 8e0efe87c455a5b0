// Chapter 2, "Transport Bridging": the weather proxy (wuproxy). It sits between two
// networks: an XSUB connects to the weather server on the internal one, an XPUB binds on
// the external one, and a proxy loop joins them. Updates flow down (XSUB -> XPUB);
// subscriptions flow up (XPUB -> XSUB), so the server filters for the far subscribers as
// if they were its own, and the proxy carries only what somebody asked for.
//
// The book calls zmq_proxy(frontend, backend, NULL); here it is the same forwarding loop
// as msgqueue's (forward_forever): an XPUB hands its application each new subscription
// as a message, and an XSUB sends such a message upstream as a subscription.
//
// Test-only switch (`broken`, never set by a scenario file): "no_upstream" forwards only
// updates, never subscriptions, the mistake of LEARNERS #14: the server never hears of
// the far subscribers and drops everything as filtered.
#include "patterns/weather_proxy.hpp"

#include <string>
#include <vector>

#include "patterns/request_reply_broker.hpp"

namespace sculpin::patterns {

namespace {

// Updates only: what a proxy that forgets the subscriptions does.
Task<> forward_down_only(Node& node, Sock frontend, Sock backend) {
    while (true) {
        Received update = co_await node.recv(frontend);
        if (!update.ok()) co_return;
        co_await node.send(backend, std::move(update.msg));
    }
}

}  // namespace

Task<> wuproxy(Node& node) {
    //  This is where the weather server sits
    Sock frontend = node.socket(SocketType::xsub);
    frontend.connect(node.params().get("frontend", "tcp://server:5556"));

    //  This is our public endpoint for subscribers
    Sock backend = node.socket(SocketType::xpub);
    const std::string endpoint = node.params().get("backend", "tcp://*:8100");
    if (backend.bind(endpoint) != 0) {
        node.log("cannot bind " + endpoint);
        co_return;
    }

    //  Run the proxy until the user interrupts us
    if (node.params().get("broken", "") == "no_upstream") {
        co_await forward_down_only(node, frontend, backend);
    } else {
        co_await forward_forever(node, frontend, backend);
    }
}

}  // namespace sculpin::patterns
