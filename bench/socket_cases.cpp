// The socket benchmarks: each workload is written once, as a template over a small
// driver, and run on Sculpin's real runtime and on libzmq with the same socket types,
// the same options (defaults: HWM 1000 both ways) and the same message sizes.
//
// Each function runs one round: it builds a context and its sockets, lets the
// connections come up (a warm-up exchange, not timed), times the workload, and tears
// everything down. Receivers have a receive timeout, so a lost message fails the case
// instead of hanging the benchmark.
#include <zmq.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_case.hpp"
#include "runtime/context.hpp"

namespace sculpin::bench {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Long enough for a slow CI machine, short enough that a lost message fails the case.
constexpr int kReceiveTimeoutMs = 20000;

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what);
}

// --- drivers: the same small vocabulary over both libraries ---------------------------
// A driver's calls may come from several threads at once (one per socket), so received
// messages live on the caller's stack, not in the driver.

class SculpinDriver {
public:
    using Socket = SocketHandle*;
    static constexpr const char* kName = "sculpin";

    Socket socket(SocketType type) {
        Socket s = context_.socket(type);
        if (s == nullptr) fail("sculpin: no socket");
        set_int(s, option::linger, 0);
        return s;
    }
    void set_int(Socket s, int option, int value) {
        if (s->set_option(option, &value, sizeof(value)) != 0) fail("sculpin: set_option");
    }
    void subscribe_all(Socket s) {
        if (s->set_option(option::subscribe, "", 0) != 0) fail("sculpin: subscribe");
    }
    std::string bind(Socket s, const std::string& endpoint) {
        if (s->bind(endpoint) != 0) fail("sculpin: bind " + endpoint + ": " + s->last_error());
        return s->last_endpoint();
    }
    void connect(Socket s, const std::string& endpoint) {
        if (s->connect(endpoint) != 0) fail("sculpin: connect " + endpoint);
    }
    // One frame of `size_bytes` bytes.
    void send(Socket s, const uint8_t* data, size_t size_bytes) {
        Message msg(Frame(data, size_bytes));
        if (s->send(msg) != 0) fail("sculpin: send");
    }
    // Receives one message; returns the size of its last frame, or -1 on EAGAIN when
    // `dontwait` (a timeout otherwise fails the case).
    long recv(Socket s, bool dontwait = false) {
        Message received;
        const int rc = s->recv(received, dontwait ? send_flag::dontwait : 0);
        if (rc == EAGAIN && dontwait) return -1;
        if (rc != 0) fail("sculpin: recv " + std::to_string(rc));
        return static_cast<long>(received.back().size());
    }
    // Receives one message and sends it straight back (REP, ROUTER echo).
    void echo(Socket s) {
        Message received;
        if (s->recv(received) != 0) fail("sculpin: echo recv");
        if (s->send(received) != 0) fail("sculpin: echo send");
    }
    void close(Socket s) { s->close(); }

private:
    Context context_;
};

class ZmqDriver {
public:
    using Socket = void*;
    static constexpr const char* kName = "libzmq";

    ZmqDriver() : context_(zmq_ctx_new()) {}
    ~ZmqDriver() { zmq_ctx_term(context_); }
    ZmqDriver(const ZmqDriver&) = delete;
    ZmqDriver& operator=(const ZmqDriver&) = delete;

    Socket socket(SocketType type) {
        Socket s = zmq_socket(context_, static_cast<int>(type));
        if (s == nullptr) fail("libzmq: no socket");
        set_int(s, ZMQ_LINGER, 0);
        return s;
    }
    void set_int(Socket s, int option, int value) {
        if (zmq_setsockopt(s, option, &value, sizeof(value)) != 0) fail("libzmq: setsockopt");
    }
    void subscribe_all(Socket s) {
        if (zmq_setsockopt(s, ZMQ_SUBSCRIBE, "", 0) != 0) fail("libzmq: subscribe");
    }
    std::string bind(Socket s, const std::string& endpoint) {
        if (zmq_bind(s, endpoint.c_str()) != 0) fail("libzmq: bind " + endpoint);
        char buffer[256];
        size_t size = sizeof(buffer);
        if (zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, buffer, &size) != 0) fail("libzmq: endpoint");
        return buffer;
    }
    void connect(Socket s, const std::string& endpoint) {
        if (zmq_connect(s, endpoint.c_str()) != 0) fail("libzmq: connect " + endpoint);
    }
    void send(Socket s, const uint8_t* data, size_t size_bytes) {
        if (zmq_send(s, data, size_bytes, 0) < 0) fail("libzmq: send");
    }
    long recv(Socket s, bool dontwait = false) {
        ScopedMsg received;
        while (true) {
            if (zmq_msg_recv(&received.msg, s, dontwait ? ZMQ_DONTWAIT : 0) < 0) {
                if (zmq_errno() == EAGAIN && dontwait) return -1;
                fail(std::string("libzmq: recv ") + zmq_strerror(zmq_errno()));
            }
            if (!zmq_msg_more(&received.msg)) return static_cast<long>(zmq_msg_size(&received.msg));
        }
    }
    // Every part goes back as it came, zero-copy (zmq_msg_send takes the message over).
    void echo(Socket s) {
        ScopedMsg part;
        while (true) {
            if (zmq_msg_recv(&part.msg, s, 0) < 0) fail("libzmq: echo recv");
            const bool more = zmq_msg_more(&part.msg);
            if (zmq_msg_send(&part.msg, s, more ? ZMQ_SNDMORE : 0) < 0) fail("libzmq: echo send");
            if (!more) return;
        }
    }
    void close(Socket s) { zmq_close(s); }

private:
    struct ScopedMsg {
        zmq_msg_t msg;
        ScopedMsg() { zmq_msg_init(&msg); }
        ~ScopedMsg() { zmq_msg_close(&msg); }
    };
    void* context_;
};

std::string endpoint_for(const std::string& transport, const char* tag) {
    if (transport == "tcp") return "tcp://127.0.0.1:*";
    static std::atomic<int> counter{0};
    return "inproc://bench-" + std::string(tag) + "-" + std::to_string(counter.fetch_add(1));
}

// --- workloads ------------------------------------------------------------------------

// PUSH -> PULL, one sender thread, the receiver on this thread. Messages per second.
template <class Driver>
double push_pull_throughput(const std::string& transport, size_t size_bytes, long count) {
    Driver driver;
    auto pull = driver.socket(SocketType::pull);
    auto push = driver.socket(SocketType::push);
    driver.set_int(pull, option::rcvtimeo, kReceiveTimeoutMs);
    driver.connect(push, driver.bind(pull, endpoint_for(transport, "push")));
    std::vector<uint8_t> payload(size_bytes, 'x');
    driver.send(push, payload.data(), payload.size());  // warm-up: the connection is up
    driver.recv(pull);

    const auto start = Clock::now();
    std::thread sender([&] {
        for (long i = 0; i < count; ++i) driver.send(push, payload.data(), payload.size());
    });
    long bytes = 0;
    for (long i = 0; i < count; ++i) bytes += driver.recv(pull);
    const double elapsed = seconds_since(start);
    sender.join();
    if (bytes != count * static_cast<long>(size_bytes)) fail("push-pull: wrong sizes");
    driver.close(push);
    driver.close(pull);
    return static_cast<double>(count) / elapsed;
}

// REQ <-> REP lock-step round trips. One-way latency in microseconds (half a round trip).
template <class Driver>
double req_rep_latency(const std::string& transport, size_t size_bytes, long round_trips) {
    Driver driver;
    auto rep = driver.socket(SocketType::rep);
    auto req = driver.socket(SocketType::req);
    driver.set_int(rep, option::rcvtimeo, kReceiveTimeoutMs);
    driver.set_int(req, option::rcvtimeo, kReceiveTimeoutMs);
    driver.connect(req, driver.bind(rep, endpoint_for(transport, "req")));
    std::vector<uint8_t> payload(size_bytes, 'x');
    std::thread server([&] {
        for (long i = 0; i < round_trips + 1; ++i) driver.echo(rep);
    });
    driver.send(req, payload.data(), payload.size());  // warm-up
    driver.recv(req);

    const auto start = Clock::now();
    for (long i = 0; i < round_trips; ++i) {
        driver.send(req, payload.data(), payload.size());
        if (driver.recv(req) != static_cast<long>(size_bytes)) fail("req-rep: wrong size");
    }
    const double elapsed = seconds_since(start);
    server.join();
    driver.close(req);
    driver.close(rep);
    return elapsed / static_cast<double>(round_trips) / 2.0 * 1e6;
}

// One PUB, `subscribers` SUBs over tcp, each on its own thread. Deliveries per second
// summed over the subscribers. HWMs are the defaults, so a subscriber that falls behind
// loses messages as it would in production; only what arrives counts. The end is a run of
// 1-byte markers (a single one could be dropped at the HWM).
template <class Driver>
double pub_fan_out(int subscribers, size_t size_bytes, long count) {
    Driver driver;
    auto pub = driver.socket(SocketType::pub);
    const std::string endpoint = driver.bind(pub, endpoint_for("tcp", "pub"));
    std::vector<typename Driver::Socket> subs;
    for (int i = 0; i < subscribers; ++i) {
        auto sub = driver.socket(SocketType::sub);
        driver.set_int(sub, option::rcvtimeo, kReceiveTimeoutMs);
        driver.subscribe_all(sub);
        driver.connect(sub, endpoint);
        subs.push_back(sub);
    }
    // Warm-up: publish 1-byte messages until every subscriber has seen one (its
    // subscription has reached the publisher), then let them drain.
    const uint8_t marker = 'm';
    std::vector<bool> joined(subs.size(), false);
    size_t joined_count = 0;
    const auto warm_start = Clock::now();
    while (joined_count < subs.size()) {
        if (seconds_since(warm_start) > kReceiveTimeoutMs / 1000.0) fail("pub: slow joiners");
        driver.send(pub, &marker, 1);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        for (size_t i = 0; i < subs.size(); ++i) {
            while (driver.recv(subs[i], true) >= 0) {
                if (!joined[i]) ++joined_count;
                joined[i] = true;
            }
        }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (auto sub : subs)
        while (driver.recv(sub, true) >= 0) {
        }

    std::vector<uint8_t> payload(size_bytes, 'x');
    std::atomic<int> finished{0};
    std::vector<long> delivered(subs.size(), 0);
    std::vector<std::thread> readers;
    const auto start = Clock::now();
    for (size_t i = 0; i < subs.size(); ++i) {
        readers.emplace_back([&, i] {
            while (driver.recv(subs[i]) != 1) ++delivered[i];
            finished.fetch_add(1);
        });
    }
    for (long i = 0; i < count; ++i) driver.send(pub, payload.data(), payload.size());
    const auto end_start = Clock::now();
    while (finished.load() < static_cast<int>(subs.size())) {
        if (seconds_since(end_start) > kReceiveTimeoutMs / 1000.0) fail("pub: no end marker");
        driver.send(pub, &marker, 1);
        std::this_thread::yield();
    }
    const double elapsed = seconds_since(start);
    for (auto& reader : readers) reader.join();
    long total = 0;
    for (long d : delivered) total += d;
    for (auto sub : subs) driver.close(sub);
    driver.close(pub);
    return static_cast<double>(total) / elapsed;
}

// DEALER client with `in_flight` requests outstanding against a ROUTER echo server on
// another thread. Round trips per second.
template <class Driver>
double router_dealer_round_trips(const std::string& transport, size_t size_bytes, long count,
                                 int in_flight) {
    Driver driver;
    auto router = driver.socket(SocketType::router);
    auto dealer = driver.socket(SocketType::dealer);
    driver.set_int(router, option::rcvtimeo, kReceiveTimeoutMs);
    driver.set_int(dealer, option::rcvtimeo, kReceiveTimeoutMs);
    driver.connect(dealer, driver.bind(router, endpoint_for(transport, "router")));
    std::vector<uint8_t> payload(size_bytes, 'x');
    std::thread server([&] {
        for (long i = 0; i < count + 1; ++i) driver.echo(router);
    });
    driver.send(dealer, payload.data(), payload.size());  // warm-up
    driver.recv(dealer);

    const auto start = Clock::now();
    long sent = 0;
    for (; sent < in_flight && sent < count; ++sent)
        driver.send(dealer, payload.data(), payload.size());
    for (long received = 0; received < count; ++received) {
        if (driver.recv(dealer) != static_cast<long>(size_bytes)) fail("router: wrong size");
        if (sent < count) {
            driver.send(dealer, payload.data(), payload.size());
            ++sent;
        }
    }
    const double elapsed = seconds_since(start);
    server.join();
    driver.close(dealer);
    driver.close(router);
    return static_cast<double>(count) / elapsed;
}

std::string libzmq_name() {
    int major = 0, minor = 0, patch = 0;
    zmq_version(&major, &minor, &patch);
    return "libzmq " + std::to_string(major) + "." + std::to_string(minor) + "." +
           std::to_string(patch);
}

// Workload sizes: the full run, --quick (a tenth), --smoke (just enough to run).
long scaled(const RunOptions& options, long full) {
    if (options.smoke) return std::max<long>(full / 1000, 200);
    if (options.quick) return full / 10;
    return full;
}

}  // namespace

std::vector<CaseSpec> socket_cases(const RunOptions& options) {
    std::vector<CaseSpec> cases;
    const std::string reference = libzmq_name();
    auto add = [&](std::string name, std::string unit, bool higher_is_better, auto workload) {
        CaseSpec spec;
        spec.group = "sockets";
        spec.name = std::move(name);
        spec.unit = std::move(unit);
        spec.higher_is_better = higher_is_better;
        spec.reference_name = reference;
        spec.run_sculpin = [workload] { return workload(static_cast<SculpinDriver*>(nullptr)); };
        spec.run_reference = [workload] { return workload(static_cast<ZmqDriver*>(nullptr)); };
        cases.push_back(std::move(spec));
    };

    for (const char* transport : {"tcp", "inproc"}) {
        for (size_t size : {size_t{64}, size_t{1024}}) {
            const long count = scaled(options, size == 64 ? 2'000'000 : 500'000);
            const std::string t = transport;
            add("push-pull " + t + " " + (size == 64 ? "64 B" : "1 KiB"), "msg/s", true,
                [t, size, count](auto* tag) {
                    using Driver = std::remove_pointer_t<decltype(tag)>;
                    return push_pull_throughput<Driver>(t, size, count);
                });
        }
    }
    for (const char* transport : {"tcp", "inproc"}) {
        const long round_trips = scaled(options, 50'000);
        const std::string t = transport;
        add("req-rep " + t + " 64 B latency", "us one-way", false, [t, round_trips](auto* tag) {
            using Driver = std::remove_pointer_t<decltype(tag)>;
            return req_rep_latency<Driver>(t, 64, round_trips);
        });
    }
    {
        const long count = scaled(options, 200'000);
        add("pub -> 10 sub tcp 64 B", "deliveries/s", true, [count](auto* tag) {
            using Driver = std::remove_pointer_t<decltype(tag)>;
            return pub_fan_out<Driver>(10, 64, count);
        });
    }
    for (const char* transport : {"tcp", "inproc"}) {
        const long count = scaled(options, 500'000);
        const std::string t = transport;
        add("router-dealer " + t + " 64 B, 100 in flight", "round trips/s", true,
            [t, count](auto* tag) {
                using Driver = std::remove_pointer_t<decltype(tag)>;
                return router_dealer_round_trips<Driver>(t, 64, count, 100);
            });
    }
    return cases;
}

}  // namespace sculpin::bench
