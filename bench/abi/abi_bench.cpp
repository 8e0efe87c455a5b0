// sculpin-abi-bench: the socket workloads of bench/socket_cases.cpp written against the C
// API only (capi/include/zmq.h) and linked with -lzmq, so that the SAME binary can run on
// Debian's libzmq.so.5 and, with LD_LIBRARY_PATH=<build>/compat, on Sculpin's. It knows
// nothing of Sculpin: the dynamic loader decides which library it measures.
//
//   sculpin-abi-bench --list            one line per case: name <TAB> unit <TAB>
//                                       higher|lower <TAB> full workload size
//   sculpin-abi-bench CASE COUNT        runs CASE once with COUNT messages (round trips)
//
// A run prints machine-readable lines on stdout:
//   library <path of the libzmq.so mapped into this process, from /proc/self/maps>
//   version <zmq_version()>
//   result <figure in the case's unit>
// and exits 0; on any failure it prints "error <what>" and exits 1. The caller
// (sculpin-bench --abi) checks the library line against the one it meant to load.
#include <zmq.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// As in bench/socket_cases.cpp: a lost message fails the case instead of hanging it.
constexpr int kReceiveTimeoutMs = 20000;

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what + ": " + zmq_strerror(zmq_errno()));
}

// The path of the libzmq shared object this process has mapped: the proof of which
// library the figures belong to.
std::string mapped_libzmq() {
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        const size_t slash = line.find('/');
        if (slash == std::string::npos) continue;
        const std::string path = line.substr(slash);
        const size_t base = path.rfind('/');
        if (path.compare(base + 1, 9, "libzmq.so") == 0) return path;
    }
    return "";
}

// One context per round, closed sockets and a terminated context at the end.
class Context {
public:
    Context() : handle(zmq_ctx_new()) {
        if (handle == nullptr) fail("zmq_ctx_new");
    }
    ~Context() { zmq_ctx_term(handle); }
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    void* socket(int type) {
        void* s = zmq_socket(handle, type);
        if (s == nullptr) fail("zmq_socket");
        set_int(s, ZMQ_LINGER, 0);
        set_int(s, ZMQ_RCVTIMEO, kReceiveTimeoutMs);
        return s;
    }

    void* handle;

    static void set_int(void* s, int option, int value) {
        if (zmq_setsockopt(s, option, &value, sizeof(value)) != 0) fail("zmq_setsockopt");
    }
};

struct ScopedMsg {
    zmq_msg_t msg;
    ScopedMsg() { zmq_msg_init(&msg); }
    ~ScopedMsg() { zmq_msg_close(&msg); }
    ScopedMsg(const ScopedMsg&) = delete;
    ScopedMsg& operator=(const ScopedMsg&) = delete;
};

std::string bind(void* s, const std::string& endpoint) {
    if (zmq_bind(s, endpoint.c_str()) != 0) fail("zmq_bind " + endpoint);
    char buffer[256];
    size_t size = sizeof(buffer);
    if (zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, buffer, &size) != 0) fail("ZMQ_LAST_ENDPOINT");
    return buffer;
}

void connect(void* s, const std::string& endpoint) {
    if (zmq_connect(s, endpoint.c_str()) != 0) fail("zmq_connect " + endpoint);
}

void send(void* s, const uint8_t* data, size_t size_bytes) {
    if (zmq_send(s, data, size_bytes, 0) < 0) fail("zmq_send");
}

// Receives one whole message into zmq_msg_t (no copy); returns the size of its last
// part, or -1 on EAGAIN when `dontwait`.
long recv(void* s, bool dontwait = false) {
    ScopedMsg received;
    while (true) {
        if (zmq_msg_recv(&received.msg, s, dontwait ? ZMQ_DONTWAIT : 0) < 0) {
            if (zmq_errno() == EAGAIN && dontwait) return -1;
            fail("zmq_msg_recv");
        }
        if (!zmq_msg_more(&received.msg)) return static_cast<long>(zmq_msg_size(&received.msg));
    }
}

// Every part goes back as it came (REP, ROUTER echo), zero-copy.
void echo(void* s) {
    ScopedMsg part;
    while (true) {
        if (zmq_msg_recv(&part.msg, s, 0) < 0) fail("echo zmq_msg_recv");
        const bool more = zmq_msg_more(&part.msg);
        if (zmq_msg_send(&part.msg, s, more ? ZMQ_SNDMORE : 0) < 0) fail("echo zmq_msg_send");
        if (!more) return;
    }
}

std::string endpoint_for(const std::string& transport, const char* tag) {
    if (transport == "tcp") return "tcp://127.0.0.1:*";
    return "inproc://abi-bench-" + std::string(tag);
}

// --- workloads: the same as bench/socket_cases.cpp, case for case ---------------------

double push_pull_throughput(const std::string& transport, size_t size_bytes, long count) {
    Context context;
    void* pull = context.socket(ZMQ_PULL);
    void* push = context.socket(ZMQ_PUSH);
    connect(push, bind(pull, endpoint_for(transport, "push")));
    std::vector<uint8_t> payload(size_bytes, 'x');
    send(push, payload.data(), payload.size());  // warm-up: the connection is up
    recv(pull);

    const auto start = Clock::now();
    std::thread sender([&] {
        for (long i = 0; i < count; ++i) send(push, payload.data(), payload.size());
    });
    long bytes = 0;
    for (long i = 0; i < count; ++i) bytes += recv(pull);
    const double elapsed = seconds_since(start);
    sender.join();
    if (bytes != count * static_cast<long>(size_bytes)) fail("push-pull: wrong sizes");
    zmq_close(push);
    zmq_close(pull);
    return static_cast<double>(count) / elapsed;
}

double req_rep_latency(const std::string& transport, size_t size_bytes, long round_trips) {
    Context context;
    void* rep = context.socket(ZMQ_REP);
    void* req = context.socket(ZMQ_REQ);
    connect(req, bind(rep, endpoint_for(transport, "req")));
    std::vector<uint8_t> payload(size_bytes, 'x');
    std::thread server([&] {
        for (long i = 0; i < round_trips + 1; ++i) echo(rep);
    });
    send(req, payload.data(), payload.size());  // warm-up
    recv(req);

    const auto start = Clock::now();
    for (long i = 0; i < round_trips; ++i) {
        send(req, payload.data(), payload.size());
        if (recv(req) != static_cast<long>(size_bytes)) fail("req-rep: wrong size");
    }
    const double elapsed = seconds_since(start);
    server.join();
    zmq_close(req);
    zmq_close(rep);
    return elapsed / static_cast<double>(round_trips) / 2.0 * 1e6;
}

double pub_fan_out(int subscribers, size_t size_bytes, long count) {
    Context context;
    void* pub = context.socket(ZMQ_PUB);
    const std::string endpoint = bind(pub, endpoint_for("tcp", "pub"));
    std::vector<void*> subs;
    for (int i = 0; i < subscribers; ++i) {
        void* sub = context.socket(ZMQ_SUB);
        if (zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0) != 0) fail("ZMQ_SUBSCRIBE");
        connect(sub, endpoint);
        subs.push_back(sub);
    }
    // Warm-up: 1-byte markers until every subscriber has seen one, then drain.
    const uint8_t marker = 'm';
    std::vector<bool> joined(subs.size(), false);
    size_t joined_count = 0;
    const auto warm_start = Clock::now();
    while (joined_count < subs.size()) {
        if (seconds_since(warm_start) > kReceiveTimeoutMs / 1000.0) fail("pub: slow joiners");
        send(pub, &marker, 1);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        for (size_t i = 0; i < subs.size(); ++i) {
            while (recv(subs[i], true) >= 0) {
                if (!joined[i]) ++joined_count;
                joined[i] = true;
            }
        }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (void* sub : subs)
        while (recv(sub, true) >= 0) {
        }

    std::vector<uint8_t> payload(size_bytes, 'x');
    std::atomic<int> finished{0};
    std::vector<long> delivered(subs.size(), 0);
    std::vector<std::thread> readers;
    const auto start = Clock::now();
    for (size_t i = 0; i < subs.size(); ++i) {
        readers.emplace_back([&, i] {
            while (recv(subs[i]) != 1) ++delivered[i];
            finished.fetch_add(1);
        });
    }
    for (long i = 0; i < count; ++i) send(pub, payload.data(), payload.size());
    // The end is a run of markers: a single one could be dropped at the HWM.
    const auto end_start = Clock::now();
    while (finished.load() < static_cast<int>(subs.size())) {
        if (seconds_since(end_start) > kReceiveTimeoutMs / 1000.0) fail("pub: no end marker");
        send(pub, &marker, 1);
        std::this_thread::yield();
    }
    const double elapsed = seconds_since(start);
    for (auto& reader : readers) reader.join();
    long total = 0;
    for (long d : delivered) total += d;
    for (void* sub : subs) zmq_close(sub);
    zmq_close(pub);
    return static_cast<double>(total) / elapsed;
}

double router_dealer_round_trips(const std::string& transport, size_t size_bytes, long count,
                                 int in_flight) {
    Context context;
    void* router = context.socket(ZMQ_ROUTER);
    void* dealer = context.socket(ZMQ_DEALER);
    connect(dealer, bind(router, endpoint_for(transport, "router")));
    std::vector<uint8_t> payload(size_bytes, 'x');
    std::thread server([&] {
        for (long i = 0; i < count + 1; ++i) echo(router);
    });
    send(dealer, payload.data(), payload.size());  // warm-up
    recv(dealer);

    const auto start = Clock::now();
    long sent = 0;
    for (; sent < in_flight && sent < count; ++sent) send(dealer, payload.data(), payload.size());
    for (long received = 0; received < count; ++received) {
        if (recv(dealer) != static_cast<long>(size_bytes)) fail("router: wrong size");
        if (sent < count) {
            send(dealer, payload.data(), payload.size());
            ++sent;
        }
    }
    const double elapsed = seconds_since(start);
    server.join();
    zmq_close(dealer);
    zmq_close(router);
    return static_cast<double>(count) / elapsed;
}

struct AbiCase {
    const char* name;  // also the command-line name
    const char* unit;
    bool higher_is_better;
    long full_count;  // messages or round trips of a full run (as socket_cases.cpp)
    double (*run)(long count);
};

// The list is the one of bench/socket_cases.cpp, in the same order and with the same
// full sizes.
const AbiCase kCases[] = {
    {"push-pull tcp 64 B", "msg/s", true, 2'000'000,
     [](long n) { return push_pull_throughput("tcp", 64, n); }},
    {"push-pull tcp 1 KiB", "msg/s", true, 500'000,
     [](long n) { return push_pull_throughput("tcp", 1024, n); }},
    {"push-pull inproc 64 B", "msg/s", true, 2'000'000,
     [](long n) { return push_pull_throughput("inproc", 64, n); }},
    {"push-pull inproc 1 KiB", "msg/s", true, 500'000,
     [](long n) { return push_pull_throughput("inproc", 1024, n); }},
    {"req-rep tcp 64 B latency", "us one-way", false, 50'000,
     [](long n) { return req_rep_latency("tcp", 64, n); }},
    {"req-rep inproc 64 B latency", "us one-way", false, 50'000,
     [](long n) { return req_rep_latency("inproc", 64, n); }},
    {"pub -> 10 sub tcp 64 B", "deliveries/s", true, 200'000,
     [](long n) { return pub_fan_out(10, 64, n); }},
    {"router-dealer tcp 64 B, 100 in flight", "round trips/s", true, 500'000,
     [](long n) { return router_dealer_round_trips("tcp", 64, n, 100); }},
    {"router-dealer inproc 64 B, 100 in flight", "round trips/s", true, 500'000,
     [](long n) { return router_dealer_round_trips("inproc", 64, n, 100); }},
};

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && std::strcmp(argv[1], "--list") == 0) {
        for (const AbiCase& c : kCases)
            std::printf("%s\t%s\t%s\t%ld\n", c.name, c.unit,
                        c.higher_is_better ? "higher" : "lower", c.full_count);
        return 0;
    }
    if (argc != 3) {
        std::fprintf(stderr, "usage: sculpin-abi-bench --list | CASE COUNT\n");
        return 2;
    }
    const long count = std::atol(argv[2]);
    for (const AbiCase& c : kCases) {
        if (std::strcmp(c.name, argv[1]) != 0) continue;
        if (count <= 0) {
            std::fprintf(stderr, "COUNT must be positive\n");
            return 2;
        }
        int major = 0, minor = 0, patch = 0;
        zmq_version(&major, &minor, &patch);
        std::printf("library %s\nversion %d.%d.%d\n", mapped_libzmq().c_str(), major, minor, patch);
        std::fflush(stdout);
        try {
            std::printf("result %.6g\n", c.run(count));
        } catch (const std::exception& e) {
            std::printf("error %s\n", e.what());
            return 1;
        }
        return 0;
    }
    std::fprintf(stderr, "unknown case: %s (see --list)\n", argv[1]);
    return 2;
}
