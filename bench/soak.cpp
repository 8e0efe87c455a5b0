#include "bench/soak.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>
#include <vector>

#include "runtime/context.hpp"

namespace sculpin::bench {

namespace {

constexpr size_t kMessageBytes = 64;
constexpr double kTolerance = 0.05;
// A slow consumer: a 1 ms nap every this many messages (at most ~100 k msg/s), far
// slower than a producer at full rate.
constexpr long kMessagesPerNap = 100;

double rss_mib() {
    std::ifstream statm("/proc/self/statm");
    long pages_total = 0, pages_resident = 0;
    statm >> pages_total >> pages_resident;
    return static_cast<double>(pages_resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) /
           (1024.0 * 1024.0);
}

struct Counters {
    std::atomic<long> published{0};
    std::atomic<long> subscribed{0};
    std::atomic<long> pushed{0};
    std::atomic<long> pulled{0};
};

void set_int(SocketHandle* s, int option, int value) {
    s->set_option(option, &value, sizeof(value));
}

}  // namespace

int run_soak(double minutes) {
    const auto duration = std::chrono::duration<double>(minutes * 60.0);
    // Queues, buffers and the allocator's arenas reach their working size first.
    const double warm_up_s = std::max(2.0, minutes * 60.0 * 0.2);
    Context context;
    SocketHandle* pub = context.socket(SocketType::pub);
    SocketHandle* sub = context.socket(SocketType::sub);
    SocketHandle* push = context.socket(SocketType::push);
    SocketHandle* pull = context.socket(SocketType::pull);
    for (SocketHandle* s : {pub, sub, push, pull}) {
        set_int(s, option::linger, 0);
        set_int(s, option::rcvtimeo, 200);
        set_int(s, option::sndtimeo, 200);
    }
    sub->set_option(option::subscribe, "", 0);
    if (pub->bind("tcp://127.0.0.1:*") != 0 || pull->bind("tcp://127.0.0.1:*") != 0) {
        std::fprintf(stderr, "soak: bind failed\n");
        return 2;
    }
    sub->connect(pub->last_endpoint());
    push->connect(pull->last_endpoint());

    Counters counters;
    std::atomic<bool> stop{false};
    const std::vector<uint8_t> payload(kMessageBytes, 'x');
    std::vector<std::thread> threads;
    threads.emplace_back([&] {
        while (!stop.load(std::memory_order_relaxed)) {
            Message msg(Frame(payload.data(), payload.size()));
            if (pub->send(msg) == 0) counters.published.fetch_add(1, std::memory_order_relaxed);
        }
    });
    threads.emplace_back([&] {
        while (!stop.load(std::memory_order_relaxed)) {
            Message msg(Frame(payload.data(), payload.size()));
            if (push->send(msg) == 0) counters.pushed.fetch_add(1, std::memory_order_relaxed);
        }
    });
    auto slow_reader = [&](SocketHandle* s, std::atomic<long>& count) {
        Message msg;
        long since_nap = 0;
        while (!stop.load(std::memory_order_relaxed)) {
            if (s->recv(msg) != 0) continue;
            count.fetch_add(1, std::memory_order_relaxed);
            if (++since_nap == kMessagesPerNap) {
                since_nap = 0;
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
        }
    };
    threads.emplace_back([&] { slow_reader(sub, counters.subscribed); });
    threads.emplace_back([&] { slow_reader(pull, counters.pulled); });

    std::printf("soak: PUB -> slow SUB and PUSH -> slow PULL over tcp, %.1f min, warm-up %.0f s\n",
                minutes, warm_up_s);
    std::printf("%6s %10s %14s %14s %14s %14s\n", "t (s)", "RSS (MiB)", "published", "subscribed",
                "pushed", "pulled");
    const auto start = std::chrono::steady_clock::now();
    double baseline = 0, low = 0, high = 0;
    bool have_baseline = false;
    for (int second = 1;; ++second) {
        std::this_thread::sleep_until(start + std::chrono::seconds(second));
        const double rss = rss_mib();
        std::printf("%6d %10.2f %14ld %14ld %14ld %14ld\n", second, rss, counters.published.load(),
                    counters.subscribed.load(), counters.pushed.load(), counters.pulled.load());
        std::fflush(stdout);
        if (second >= warm_up_s) {
            if (!have_baseline) {
                baseline = low = high = rss;
                have_baseline = true;
            }
            low = std::min(low, rss);
            high = std::max(high, rss);
        }
        if (std::chrono::steady_clock::now() - start >= duration) break;
    }
    stop.store(true);
    for (auto& t : threads) t.join();
    for (SocketHandle* s : {pub, sub, push, pull}) s->close();

    if (!have_baseline) {
        std::printf("soak: too short to get past the warm-up (%.0f s)\n", warm_up_s);
        return 2;
    }
    const bool flat = low >= baseline * (1 - kTolerance) && high <= baseline * (1 + kTolerance);
    std::printf(
        "soak: RSS after warm-up %.2f MiB, then between %.2f and %.2f MiB (%+.1f%% / "
        "%+.1f%%): %s\n",
        baseline, low, high, (low / baseline - 1) * 100, (high / baseline - 1) * 100,
        flat ? "FLAT (within ±5%)" : "NOT FLAT");
    return flat ? 0 : 1;
}

}  // namespace sculpin::bench
