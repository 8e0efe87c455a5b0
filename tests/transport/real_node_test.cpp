// The book's programs, written once against Node, on real threads over real tcp.
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "patterns/hello_world.hpp"
#include "runtime/real_node.hpp"

namespace sculpin {
namespace {

TEST(RealNode, HelloWorldProgramsTalkOverRealTcp) {
    Context context;
    std::mutex mutex;
    std::vector<std::string> lines;
    auto log = [&](const std::string& node, int64_t, std::string_view line) {
        std::lock_guard lock(mutex);
        lines.push_back(node + ": " + std::string(line));
    };
    // Find a free port first, so both programs can be given a concrete endpoint.
    SocketHandle* probe = context.socket(SocketType::pull);
    ASSERT_EQ(probe->bind("tcp://127.0.0.1:*"), 0);
    const std::string endpoint = probe->last_endpoint();
    probe->close();

    Params server_params;
    server_params.set("bind", endpoint);
    server_params.set("work_ms", "10");
    server_params.set("replies", "3");
    Params client_params;
    client_params.set("connect", endpoint);
    client_params.set("requests", "3");

    std::thread server([&] {
        RealNode node(context, "server", 1, log);
        Node handle(node, server_params);
        EXPECT_EQ(RealNode::run(patterns::hwserver(handle)), nullptr);
    });
    std::thread client([&] {
        RealNode node(context, "client", 2, log);
        Node handle(node, client_params);
        EXPECT_EQ(RealNode::run(patterns::hwclient(handle)), nullptr);
    });
    client.join();
    server.join();
    int worlds = 0;
    for (const auto& line : lines)
        if (line.rfind("client: Received World", 0) == 0) ++worlds;
    EXPECT_EQ(worlds, 3);
}

}  // namespace
}  // namespace sculpin
