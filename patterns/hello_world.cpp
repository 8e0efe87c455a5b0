// Chapter 1, "Ask and Ye Shall Receive": the hello-world server and client (hwserver,
// hwclient). REQ and REP in strict lockstep: the client sends "Hello", the server works
// for a second and answers "World".
#include "patterns/hello_world.hpp"

namespace sculpin::patterns {

Task<> hwserver(Node& node) {
    Sock responder = node.socket(SocketType::rep);
    const std::string endpoint = node.params().get("bind", "tcp://*:5555");
    if (responder.bind(endpoint) != 0) {
        node.log("cannot bind " + endpoint);
        co_return;
    }
    const int64_t work_ms = node.params().get_int("work_ms", 1000);
    const int64_t replies = node.params().get_int("replies", -1);
    for (int64_t served = 0; replies < 0 || served < replies; ++served) {
        Received request = co_await node.recv(responder);
        if (!request.ok()) co_return;
        node.log("Received " + request.msg.to_display_string());
        co_await node.sleep(work_ms);  // "do some work"
        co_await node.send(responder, Message::text("World"));
    }
}

Task<> hwclient(Node& node) {
    Sock requester = node.socket(SocketType::req);
    requester.connect(node.params().get("connect", "tcp://server:5555"));
    const int64_t requests = node.params().get_int("requests", 10);
    for (int64_t n = 0; n < requests; ++n) {
        node.log("Sending Hello " + std::to_string(n));
        co_await node.send(requester, Message::text("Hello"));
        Received reply = co_await node.recv(requester);
        if (!reply.ok()) co_return;
        node.log("Received " + reply.msg.to_display_string() + " " + std::to_string(n));
    }
}

}  // namespace sculpin::patterns
