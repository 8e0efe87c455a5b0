// Chapter 1, "Ask and Ye Shall Receive": the hello-world server and client (hwserver,
// hwclient). REQ and REP in strict lockstep: the client sends "Hello", the server works
// for a second and answers "World".
//
// Test-only switch (`broken`, never set by a scenario file): hwclient "send_twice" sends a
// second "Hello" without reading the reply. REQ refuses (EFSM, LEARNERS #2): the client
// reports the error and gives up.
#include "patterns/hello_world.hpp"

#include <string>

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
    const bool send_twice = node.params().get("broken", "") == "send_twice";
    for (int64_t n = 0; n < requests; ++n) {
        node.log("Sending Hello " + std::to_string(n));
        co_await node.send(requester, Message::text("Hello"));
        if (send_twice) {
            const int rc = co_await node.send(requester, Message::text("Hello"));
            if (rc != 0) {
                node.log("E: second send refused: " +
                         std::string(rc == kEfsm ? "EFSM" : "error " + std::to_string(rc)));
                co_return;
            }
        }
        Received reply = co_await node.recv(requester);
        if (!reply.ok()) co_return;
        node.log("Received " + reply.msg.to_display_string() + " " + std::to_string(n));
    }
}

}  // namespace sculpin::patterns
