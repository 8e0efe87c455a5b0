// Lazy Pirate (chapter 4) on the real runtime, in real time, over real tcp: Sculpin's
// lazy_pirate_client and lazy_pirate_server against each other and against libzmq peers
// written the way the book's lpserver and lpclient are.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zmq.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "patterns/lazy_pirate.hpp"
#include "runtime/real_node.hpp"

namespace sculpin {
namespace {

struct LogLine {
    std::string node;
    int64_t time_ms;
    std::string text;
};

class Logs {
public:
    RealNode::LogFn fn() {
        return [this](const std::string& node, int64_t time_ms, std::string_view line) {
            std::lock_guard lock(mutex_);
            lines_.push_back({node, time_ms, std::string(line)});
        };
    }
    std::vector<LogLine> of(const std::string& node, const std::string& prefix) {
        std::lock_guard lock(mutex_);
        std::vector<LogLine> out;
        for (const auto& line : lines_)
            if (line.node == node && line.text.rfind(prefix, 0) == 0) out.push_back(line);
        return out;
    }
    std::string dump() {
        std::lock_guard lock(mutex_);
        std::string text;
        for (const auto& line : lines_)
            text += line.node + " " + std::to_string(line.time_ms) + " ms: " + line.text + "\n";
        return text;
    }

private:
    std::mutex mutex_;
    std::vector<LogLine> lines_;
};

// A loopback endpoint nobody listens on (a moment ago, something did). The probe is a plain
// BSD socket, closed synchronously: a ZeroMQ socket closes its listener later, on its I/O
// thread, so binding its port again at once can fail with EADDRINUSE.
std::string free_endpoint() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_GE(fd, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    socklen_t size = sizeof(address);
    EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size), 0);
    ::close(fd);
    return "tcp://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
}

void run_program(Context& context, const std::string& name, uint64_t seed, Logs& logs,
                 Params params, Task<> (*program)(Node&)) {
    RealNode node(context, name, seed, logs.fn());
    Node handle(node, std::move(params));
    EXPECT_EQ(RealNode::run(program(handle)), nullptr);
}

TEST(LazyPirateReal, ClientAndServerProgramsOverRealTcp) {
    Context context;
    Logs logs;
    const std::string endpoint = free_endpoint();
    Params server_params;
    server_params.set("bind", endpoint);
    server_params.set("trouble", "0");
    server_params.set("work_ms", "10");
    Params client_params;
    client_params.set("connect", endpoint);
    client_params.set("requests", "5");
    client_params.set("request_timeout_ms", "1000");

    std::thread server([&] {
        run_program(context, "server", 1, logs, server_params, patterns::lazy_pirate_server);
    });
    std::thread client([&] {
        run_program(context, "client", 2, logs, client_params, patterns::lazy_pirate_client);
    });
    client.join();
    // The server loops for ever, as the book's: terminating the context ends its recv.
    context.shutdown();
    server.join();
    const auto ok = logs.of("client", "I: server replied OK");
    ASSERT_EQ(ok.size(), 5u) << logs.dump();
    EXPECT_EQ(ok.back().text, "I: server replied OK (5)");
    EXPECT_EQ(logs.of("server", "I: normal request").size(), 5u) << logs.dump();
}

TEST(LazyPirateReal, ClientAbandonsAfterThreeTriesWhenNobodyListens) {
    Context context;
    Logs logs;
    Params params;
    params.set("connect", free_endpoint());
    params.set("request_timeout_ms", "100");
    run_program(context, "client", 1, logs, params, patterns::lazy_pirate_client);
    EXPECT_EQ(logs.of("client", "W: no response from server, retrying").size(), 2u) << logs.dump();
    const auto abandon = logs.of("client", "E: server seems to be offline, abandoning");
    ASSERT_EQ(abandon.size(), 1u) << logs.dump();
    EXPECT_GE(abandon[0].time_ms, 300);
    EXPECT_LT(abandon[0].time_ms, 3000);
}

// The book's lpserver on libzmq, with one "CPU overload" on request 2 that outlasts the
// client's timeout: the client must reopen its socket and resend to be answered. The
// overload (600 ms) ends 200 ms after the client's timeout (400 ms) and 200 ms before the
// resend's timeout, so the timing has a margin both ways.
TEST(LazyPirateInterop, SculpinClientAgainstLibzmqRepServer) {
    void* zctx = zmq_ctx_new();
    void* rep = zmq_socket(zctx, ZMQ_REP);
    const int linger = 0;
    zmq_setsockopt(rep, ZMQ_LINGER, &linger, sizeof(linger));
    const int rcvtimeo = 50;
    zmq_setsockopt(rep, ZMQ_RCVTIMEO, &rcvtimeo, sizeof(rcvtimeo));
    ASSERT_EQ(zmq_bind(rep, "tcp://127.0.0.1:*"), 0);
    char endpoint[256];
    size_t size = sizeof(endpoint);
    zmq_getsockopt(rep, ZMQ_LAST_ENDPOINT, endpoint, &size);

    std::atomic<bool> done{false};
    std::vector<std::string> received;
    std::thread server([&] {
        bool overloaded = false;
        while (!done) {
            char buffer[64];
            const int n = zmq_recv(rep, buffer, sizeof(buffer), 0);
            if (n < 0) continue;  // EAGAIN: look at `done` again
            const std::string request(buffer, static_cast<size_t>(n));
            received.push_back(request);
            if (request == "2" && !overloaded) {
                overloaded = true;
                std::this_thread::sleep_for(std::chrono::milliseconds(600));
            }
            zmq_send(rep, request.data(), request.size(), 0);
        }
    });

    Context context;
    Logs logs;
    Params params;
    params.set("connect", endpoint);
    params.set("requests", "4");
    params.set("request_timeout_ms", "400");
    run_program(context, "client", 1, logs, params, patterns::lazy_pirate_client);
    done = true;
    server.join();
    zmq_close(rep);
    zmq_ctx_term(zctx);

    const auto ok = logs.of("client", "I: server replied OK");
    ASSERT_EQ(ok.size(), 4u) << logs.dump();
    for (size_t i = 0; i < ok.size(); ++i)
        EXPECT_EQ(ok[i].text, "I: server replied OK (" + std::to_string(i + 1) + ")");
    EXPECT_EQ(logs.of("client", "W: no response from server, retrying").size(), 1u) << logs.dump();
    EXPECT_TRUE(logs.of("client", "E: malformed").empty()) << logs.dump();
    // The server saw request 2 twice: the first try and the resend on the new socket.
    EXPECT_EQ(received, (std::vector<std::string>{"1", "2", "2", "3", "4"}));
}

// The book's lpclient on libzmq (poll with a timeout, close and reopen, resend) against
// Sculpin's lazy_pirate_server.
TEST(LazyPirateInterop, LibzmqClientAgainstSculpinServer) {
    Context context;
    Logs logs;
    const std::string endpoint = free_endpoint();
    Params server_params;
    server_params.set("bind", endpoint);
    server_params.set("trouble", "0");
    server_params.set("work_ms", "10");
    std::thread server([&] {
        run_program(context, "server", 1, logs, server_params, patterns::lazy_pirate_server);
    });

    void* zctx = zmq_ctx_new();
    auto open_client = [&] {
        void* req = zmq_socket(zctx, ZMQ_REQ);
        const int linger = 0;
        zmq_setsockopt(req, ZMQ_LINGER, &linger, sizeof(linger));
        EXPECT_EQ(zmq_connect(req, endpoint.c_str()), 0);
        return req;
    };
    void* client = open_client();
    std::vector<std::string> replies;
    bool abandoned = false;
    for (int sequence = 1; sequence <= 3 && !abandoned; ++sequence) {
        const std::string request = std::to_string(sequence);
        int retries_left = 3;
        zmq_send(client, request.data(), request.size(), 0);
        while (true) {
            zmq_pollitem_t items[] = {{client, 0, ZMQ_POLLIN, 0}};
            zmq_poll(items, 1, 1000);
            if (items[0].revents & ZMQ_POLLIN) {
                char buffer[64];
                const int n = zmq_recv(client, buffer, sizeof(buffer), 0);
                replies.emplace_back(buffer, static_cast<size_t>(n > 0 ? n : 0));
                break;
            }
            if (--retries_left == 0) {
                abandoned = true;  // "server seems to be offline"
                break;
            }
            zmq_close(client);
            client = open_client();
            zmq_send(client, request.data(), request.size(), 0);
        }
    }
    zmq_close(client);
    zmq_ctx_term(zctx);
    context.shutdown();
    server.join();
    EXPECT_FALSE(abandoned) << logs.dump();
    EXPECT_EQ(replies, (std::vector<std::string>{"1", "2", "3"}));
    EXPECT_EQ(logs.of("server", "I: normal request").size(), 3u) << logs.dump();
}

}  // namespace
}  // namespace sculpin
