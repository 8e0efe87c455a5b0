// The book's programs, written once against Node, on real threads over real tcp.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "patterns/hello_world.hpp"
#include "runtime/real_node.hpp"

namespace sculpin {
namespace {

// A loopback port that was free a moment ago. Probed with a plain BSD socket, closed at
// once: closing a Sculpin socket releases its listener later, on the I/O thread.
std::string free_loopback_endpoint() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t length = sizeof(addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
    ::close(fd);
    return "tcp://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
}

TEST(RealNode, HelloWorldProgramsTalkOverRealTcp) {
    Context context;
    std::mutex mutex;
    std::vector<std::string> lines;
    auto log = [&](const std::string& node, int64_t, std::string_view line) {
        std::lock_guard lock(mutex);
        lines.push_back(node + ": " + std::string(line));
    };
    const std::string endpoint = free_loopback_endpoint();

    Params server_params;
    server_params.set("bind", endpoint);
    server_params.set("work_ms", "10");
    server_params.set("replies", "3");
    Params client_params;
    client_params.set("connect", endpoint);
    client_params.set("requests", "3");

    std::mutex done_mutex;
    std::condition_variable done_cv;
    int finished = 0;
    auto finish = [&] {
        std::lock_guard lock(done_mutex);
        ++finished;
        done_cv.notify_all();
    };
    std::thread server([&] {
        RealNode node(context, "server", 1, log);
        Node handle(node, server_params);
        EXPECT_EQ(RealNode::run(patterns::hwserver(handle)), nullptr);
        finish();
    });
    std::thread client([&] {
        RealNode node(context, "client", 2, log);
        Node handle(node, client_params);
        EXPECT_EQ(RealNode::run(patterns::hwclient(handle)), nullptr);
        finish();
    });
    {
        // A watchdog: if the programs are stuck, shut the context down so that every
        // blocked call returns (ETERM) and the test fails instead of hanging.
        std::unique_lock lock(done_mutex);
        const bool done =
            done_cv.wait_for(lock, std::chrono::seconds(20), [&] { return finished == 2; });
        EXPECT_TRUE(done) << "the programs did not finish within 20 s";
        if (!done) context.shutdown();
    }
    client.join();
    server.join();
    int worlds = 0;
    for (const auto& line : lines)
        if (line.rfind("client: Received World", 0) == 0) ++worlds;
    EXPECT_EQ(worlds, 3);
}

}  // namespace
}  // namespace sculpin
