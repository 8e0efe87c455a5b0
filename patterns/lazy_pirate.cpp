// Chapter 4, "Client-Side Reliability (Lazy Pirate Pattern)": the Lazy Pirate client and
// server (lpclient, lpserver).
//
// The client cannot trust a blocking recv: if the server dies, a REQ socket waits for ever,
// and it refuses a second send before the reply. So it polls with REQUEST_TIMEOUT, and when
// nothing comes it closes the confused socket (LINGER 0, so the unsent request goes with
// it), opens a new one, connects and sends the same request again. After REQUEST_RETRIES
// tries it gives up. A reply must carry the request's sequence number; anything else is
// reported as malformed and not taken.
//
// The server echoes each request after a second of work. After a few cycles it simulates a
// crash (it just stops) or a CPU overload (2 s more), each with a chance of one in three,
// drawn from the node's seeded Rng so that every run replays exactly.
//
// Marks for the trace (narration and the checker in lazy_pirate_checker.hpp):
//   client: "reply: N" (reply N taken), "retry: K of R" (about to send try K),
//           "abandon" (gave up on the current request);
//   server: "crash", "overload".
#include "patterns/lazy_pirate.hpp"

#include <algorithm>
#include <string>

namespace sculpin::patterns {

namespace {

std::string text_of(const Message& msg) {
    return msg.size() == 1 ? msg.front().str() : msg.to_display_string();
}

}  // namespace

Task<> lazy_pirate_client(Node& node) {
    const Params& params = node.params();
    // "connect" as every client has it (`sculpin node ... --connect`); "server" is accepted too.
    const std::string endpoint =
        params.has("server") ? params.get("server") : params.get("connect", "tcp://server:5555");
    const int request_timeout_ms = static_cast<int>(params.get_int("request_timeout_ms", 2500));
    const int64_t request_retries = std::max<int64_t>(1, params.get_int("request_retries", 3));
    const int64_t requests = params.get_int("requests", -1);  // -1: for ever, as the book
    // Test-only switches that break the client on purpose, to show the checker catching it.
    const std::string broken = params.get("broken", "");
    const bool no_reopen = broken == "no_reopen";
    const int64_t retries = broken == "off_by_one" ? request_retries + 1 : request_retries;

    node.log("I: connecting to server...");
    Sock client = node.socket(SocketType::req);
    // LINGER 0, as the book's sockets have it: a request still queued when the socket is
    // closed (on a retry, or on abandoning) is thrown away rather than holding the
    // process open until an absent server appears.
    client.set(option::linger, 0);
    client.connect(endpoint);

    int64_t retries_left = retries;
    for (int64_t sequence = 1; requests < 0 || sequence <= requests; ++sequence) {
        // We send a request, then we work to get a reply.
        const std::string request = std::to_string(sequence);
        int rc = co_await node.send(client, Message::text(request));
        if (rc != 0) node.log("E: cannot send request: " + std::string(error_text(rc)));
        int64_t try_number = 1;
        bool expect_reply = true;
        while (expect_reply) {
            // Poll the socket for a reply, with a timeout.
            if (co_await node.poll_in(client, request_timeout_ms)) {
                // We got a reply from the server: it must match the sequence.
                Received reply = co_await node.recv(client, 0);
                if (!reply.ok()) {
                    // Interrupted (the context is shutting down), as the book's !reply.
                    node.log("E: cannot receive: " + std::string(error_text(reply.error)));
                    client.close();
                    co_return;
                }
                const std::string text = text_of(reply.msg);
                if (text == request) {
                    node.log("I: server replied OK (" + text + ")");
                    node.mark("reply", request);
                    retries_left = retries;
                    expect_reply = false;
                } else {
                    node.log("E: malformed reply from server: " + text);
                }
            } else if (--retries_left == 0) {
                node.log("E: server seems to be offline, abandoning");
                node.mark("abandon");
                client.close();
                co_return;
            } else {
                ++try_number;
                node.log("W: no response from server, retrying...");
                node.mark("retry",
                          std::to_string(try_number) + " of " + std::to_string(request_retries));
                if (!no_reopen) {
                    // The old socket is confused: close it and open a new one.
                    client.close();
                    node.log("I: reconnecting to server...");
                    client = node.socket(SocketType::req);
                    client.set(option::linger, 0);
                    client.connect(endpoint);
                }
                // Send the request again, on the new socket.
                rc = co_await node.send(client, Message::text(request));
                if (rc != 0) node.log("E: cannot resend request: " + std::string(error_text(rc)));
            }
        }
    }
    client.close();
}

Task<> lazy_pirate_server(Node& node) {
    const Params& params = node.params();
    const std::string endpoint = params.get("bind", "tcp://*:5555");
    const int64_t cycles_before_trouble = params.get_int("cycles_before_trouble", 3);
    const bool trouble = params.get_int("trouble", 1) != 0;
    const int64_t work_ms = params.get_int("work_ms", 1000);
    const int64_t overload_ms = params.get_int("overload_ms", 2000);

    Sock server = node.socket(SocketType::rep);
    if (server.bind(endpoint) != 0) {
        node.log("E: cannot bind " + endpoint);
        co_return;
    }
    for (int64_t cycles = 1;; ++cycles) {
        Received request = co_await node.recv(server);
        if (!request.ok()) break;
        const std::string text = text_of(request.msg);

        // Simulate various problems, after a few cycles.
        if (trouble && cycles > cycles_before_trouble && node.rng().below(3) == 0) {
            node.log("I: simulating a crash");
            node.mark("crash");
            break;
        } else if (trouble && cycles > cycles_before_trouble && node.rng().below(3) == 0) {
            node.log("I: simulating CPU overload");
            node.mark("overload");
            co_await node.sleep(overload_ms);
        }
        node.log("I: normal request (" + text + ")");
        co_await node.sleep(work_ms);  // do some heavy work
        // A new message with the same text, as the book's s_send(server, request).
        co_await node.send(server, Message::text(text));
    }
    server.close();
}

}  // namespace sculpin::patterns
