// The `sculpin sock` contract, checked against libzmq peers.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <zmq.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

struct CliRun {
    int exit_code = -1;
    std::string out;  // stdout and stderr, merged
};

std::string sculpin_binary() {
    const char* path = std::getenv("SCULPIN_BINARY");
    return path != nullptr ? path : "sculpin";
}

CliRun run_sock(const std::string& args) {
    const std::string command = sculpin_binary() + " sock " + args + " 2>&1";
    CliRun run;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return run;
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) run.out.append(buffer, n);
    const int status = ::pclose(pipe);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

// A libzmq socket on an ephemeral port, closed with its context.
struct ZmqSide {
    explicit ZmqSide(int type) : ctx(zmq_ctx_new()), socket(zmq_socket(ctx, type)) {
        const int linger = 0, timeout = 10000;
        zmq_setsockopt(socket, ZMQ_LINGER, &linger, sizeof(linger));
        zmq_setsockopt(socket, ZMQ_RCVTIMEO, &timeout, sizeof(timeout));
        zmq_setsockopt(socket, ZMQ_SNDTIMEO, &timeout, sizeof(timeout));
    }
    ~ZmqSide() {
        zmq_close(socket);
        zmq_ctx_term(ctx);
    }
    std::string bind_any() {
        zmq_bind(socket, "tcp://127.0.0.1:*");
        char endpoint[256];
        size_t size = sizeof(endpoint);
        zmq_getsockopt(socket, ZMQ_LAST_ENDPOINT, endpoint, &size);
        return endpoint;
    }
    std::string recv_joined() {
        std::string joined;
        int more = 1;
        while (more) {
            zmq_msg_t msg;
            zmq_msg_init(&msg);
            if (zmq_msg_recv(&msg, socket, 0) < 0) return "<timeout>";
            if (!joined.empty() || zmq_msg_more(&msg) || true) {
                if (!joined.empty()) joined += '|';
                joined.append(static_cast<char*>(zmq_msg_data(&msg)), zmq_msg_size(&msg));
            }
            more = zmq_msg_more(&msg);
            zmq_msg_close(&msg);
        }
        return joined;
    }
    void* ctx;
    void* socket;
};

// A port that is free right now (bound by libzmq, then released).
std::string free_tcp_endpoint() {
    ZmqSide probe(ZMQ_PULL);
    std::string endpoint = probe.bind_any();
    return endpoint;
}

TEST(SockCli, ReqSendsEachMessageAndPrintsEachReply) {
    ZmqSide rep(ZMQ_REP);
    const std::string ep = rep.bind_any();
    std::thread server([&] {
        // Echo every request back frame by frame, so "a|b" returns as two frames.
        for (int i = 0; i < 2; ++i) {
            std::vector<std::string> frames;
            int more = 1;
            while (more) {
                zmq_msg_t msg;
                zmq_msg_init(&msg);
                if (zmq_msg_recv(&msg, rep.socket, 0) < 0) return;
                frames.emplace_back(static_cast<char*>(zmq_msg_data(&msg)), zmq_msg_size(&msg));
                more = zmq_msg_more(&msg);
                zmq_msg_close(&msg);
            }
            for (size_t f = 0; f < frames.size(); ++f)
                zmq_send(rep.socket, frames[f].data(), frames[f].size(),
                         f + 1 < frames.size() ? ZMQ_SNDMORE : 0);
        }
    });
    CliRun run = run_sock("req --connect " + ep + " --send Hello --send 'a|b' --timeout 5000");
    server.join();
    EXPECT_EQ(run.exit_code, 0) << run.out;
    EXPECT_EQ(run.out, "Hello\na|b\n");
}

TEST(SockCli, AFrameContainingTheSeparatorIsPrintedAsHex) {
    ZmqSide rep(ZMQ_REP);
    const std::string ep = rep.bind_any();
    std::thread server([&] {
        rep.recv_joined();
        zmq_send(rep.socket, "x|y", 3, 0);  // one frame that contains '|'
    });
    CliRun run = run_sock("req --connect " + ep + " --send q --timeout 5000");
    server.join();
    EXPECT_EQ(run.exit_code, 0) << run.out;
    EXPECT_EQ(run.out, "0x787c79\n");
}

TEST(SockCli, RepEchoesToALibzmqClientAndStopsAfterCount) {
    const std::string ep = free_tcp_endpoint();
    CliRun run;
    std::thread cli(
        [&] { run = run_sock("rep --bind " + ep + " --echo --count 2 --timeout 10000"); });
    ZmqSide req(ZMQ_REQ);
    zmq_connect(req.socket, ep.c_str());
    zmq_send(req.socket, "one", 3, 0);
    EXPECT_EQ(req.recv_joined(), "one");
    zmq_send(req.socket, "two", 3, 0);
    EXPECT_EQ(req.recv_joined(), "two");
    cli.join();
    EXPECT_EQ(run.exit_code, 0) << run.out;
}

TEST(SockCli, PullPrintsReceivedMessagesWithFramesJoinedAndBinaryAsHex) {
    const std::string ep = free_tcp_endpoint();
    CliRun run;
    std::thread cli([&] { run = run_sock("pull --bind " + ep + " --recv 2 --timeout 10000"); });
    ZmqSide push(ZMQ_PUSH);
    zmq_connect(push.socket, ep.c_str());
    zmq_send(push.socket, "key", 3, ZMQ_SNDMORE);
    zmq_send(push.socket, "value", 5, 0);
    const unsigned char binary[] = {0x00, 0xff, 0x10};
    zmq_send(push.socket, binary, sizeof(binary), 0);
    cli.join();
    EXPECT_EQ(run.exit_code, 0) << run.out;
    EXPECT_EQ(run.out, "key|value\n0x00ff10\n");
}

TEST(SockCli, PushDeliversToALibzmqPull) {
    ZmqSide pull(ZMQ_PULL);
    const std::string ep = pull.bind_any();
    CliRun run = run_sock("push --connect " + ep + " --send 'task|1' --send 'task|2'");
    EXPECT_EQ(run.exit_code, 0) << run.out;
    EXPECT_EQ(pull.recv_joined(), "task|1");
    EXPECT_EQ(pull.recv_joined(), "task|2");
}

TEST(SockCli, SubscriberGetsOnlyItsPrefixFromALibzmqPublisher) {
    ZmqSide pub(ZMQ_PUB);
    const std::string ep = pub.bind_any();
    CliRun run;
    std::atomic<bool> done{false};
    std::thread cli([&] {
        run = run_sock("sub --connect " + ep + " --subscribe 10001 --recv 2 --timeout 10000");
        done = true;
    });
    while (!done) {
        zmq_send(pub.socket, "99999 cold", 10, 0);
        zmq_send(pub.socket, "10001 warm", 10, 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    cli.join();
    EXPECT_EQ(run.exit_code, 0) << run.out;
    EXPECT_EQ(run.out, "10001 warm\n10001 warm\n");
}

TEST(SockCli, RouterEchoReturnsTheMessageToThePeerItCameFrom) {
    const std::string ep = free_tcp_endpoint();
    CliRun run;
    std::thread cli(
        [&] { run = run_sock("router --bind " + ep + " --echo --count 1 --timeout 10000"); });
    ZmqSide dealer(ZMQ_DEALER);
    zmq_setsockopt(dealer.socket, ZMQ_ROUTING_ID, "me", 2);
    zmq_connect(dealer.socket, ep.c_str());
    zmq_send(dealer.socket, "echo", 4, ZMQ_SNDMORE);
    zmq_send(dealer.socket, "this", 4, 0);
    EXPECT_EQ(dealer.recv_joined(), "echo|this");
    cli.join();
    EXPECT_EQ(run.exit_code, 0) << run.out;
}

TEST(SockCli, DealerAnnouncesItsIdentityToALibzmqRouter) {
    ZmqSide router(ZMQ_ROUTER);
    const std::string ep = router.bind_any();
    CliRun run = run_sock("dealer --connect " + ep + " --identity worker-7 --send hi");
    EXPECT_EQ(run.exit_code, 0) << run.out;
    EXPECT_EQ(router.recv_joined(), "worker-7|hi");
}

TEST(SockCli, AReceiveThatWaitsTooLongExitsWithCode3) {
    CliRun run = run_sock("pull --bind tcp://127.0.0.1:* --recv 1 --timeout 200");
    EXPECT_EQ(run.exit_code, 3) << run.out;
    EXPECT_NE(run.out.find("timeout"), std::string::npos) << run.out;
}

TEST(SockCli, BadArgumentsExitWithCode2AndUsage) {
    CliRun unknown_type = run_sock("blender --bind tcp://127.0.0.1:5555");
    EXPECT_EQ(unknown_type.exit_code, 2);
    EXPECT_NE(unknown_type.out.find("Usage"), std::string::npos) << unknown_type.out;

    CliRun no_endpoint = run_sock("push --send x");
    EXPECT_EQ(no_endpoint.exit_code, 2);
    EXPECT_NE(no_endpoint.out.find("--bind or --connect"), std::string::npos) << no_endpoint.out;

    CliRun bad_endpoint = run_sock("push --connect udp://x:1 --send x");
    EXPECT_EQ(bad_endpoint.exit_code, 2);
    EXPECT_NE(bad_endpoint.out.find("unknown transport"), std::string::npos) << bad_endpoint.out;

    CliRun cannot_send = run_sock("sub --connect tcp://127.0.0.1:1 --send x");
    EXPECT_EQ(cannot_send.exit_code, 2);
}

}  // namespace
