// The utility calls libzmq exports besides sockets: Z85, CURVE keys, atomic
// counters, timers, stopwatches, sleep and threads.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <thread>

#include <sys/random.h>

#include "capi_objects.hpp"
#include "crypto/x25519.hpp"

using namespace sculpin::capi;

namespace {

int64_t now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Z85 (ZeroMQ RFC 32): 4 bytes <-> 5 characters of this alphabet, big-endian base 85.
constexpr char kZ85Alphabet[] =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

int z85_value(char c) {
    const char* at = std::strchr(kZ85Alphabet, c);
    return (c == '\0' || at == nullptr) ? -1 : static_cast<int>(at - kZ85Alphabet);
}

// Fills `out` from the kernel's entropy pool (getrandom(2)). false = errno says why.
bool fill_random(uint8_t* out, size_t size_bytes) {
    size_t filled = 0;
    for (int attempt = 0; filled < size_bytes && attempt < 100; ++attempt) {
        const ssize_t got = getrandom(out + filled, size_bytes - filled, 0);
        if (got < 0 && errno != EINTR) return false;
        if (got > 0) filled += static_cast<size_t>(got);
    }
    if (filled < size_bytes) errno = EAGAIN;
    return filled == size_bytes;
}

// zmq_timers_*: a set of repeating timers the caller drives with timeout()/execute().
struct Timers {
    struct Timer {
        int64_t interval_ms;
        int64_t due_ms;
        zmq_timer_fn* handler;
        void* arg;
    };
    std::map<int, Timer> timers;  // by id
    int next_id = 0;

    static int64_t now_ms() { return now_us() / 1000; }
};

struct Thread {
    std::thread thread;
};

}  // namespace

extern "C" {

char* zmq_z85_encode(char* dest, const uint8_t* data, size_t size) {
    if (dest == nullptr || data == nullptr || size % 4 != 0) {
        errno = EINVAL;
        return nullptr;
    }
    size_t out = 0;
    for (size_t i = 0; i < size; i += 4) {
        uint32_t value = (uint32_t{data[i]} << 24) | (uint32_t{data[i + 1]} << 16) |
                         (uint32_t{data[i + 2]} << 8) | uint32_t{data[i + 3]};
        char block[5];
        for (int k = 4; k >= 0; --k) {
            block[k] = kZ85Alphabet[value % 85];
            value /= 85;
        }
        std::memcpy(dest + out, block, 5);
        out += 5;
    }
    dest[out] = '\0';
    return dest;
}

uint8_t* zmq_z85_decode(uint8_t* dest, const char* string) {
    if (dest == nullptr || string == nullptr) {
        errno = EINVAL;
        return nullptr;
    }
    const size_t length = std::strlen(string);
    if (length % 5 != 0) {
        errno = EINVAL;
        return nullptr;
    }
    size_t out = 0;
    for (size_t i = 0; i < length; i += 5) {
        uint64_t value = 0;
        for (size_t k = 0; k < 5; ++k) {
            const int digit = z85_value(string[i + k]);
            if (digit < 0) {
                errno = EINVAL;
                return nullptr;
            }
            value = value * 85 + static_cast<uint64_t>(digit);
        }
        if (value > 0xFFFFFFFFull) {  // five characters can encode more than 32 bits
            errno = EINVAL;
            return nullptr;
        }
        dest[out++] = static_cast<uint8_t>(value >> 24);
        dest[out++] = static_cast<uint8_t>(value >> 16);
        dest[out++] = static_cast<uint8_t>(value >> 8);
        dest[out++] = static_cast<uint8_t>(value);
    }
    return dest;
}

int zmq_curve_keypair(char* z85_public_key, char* z85_secret_key) {
    if (z85_public_key == nullptr || z85_secret_key == nullptr) return fail(EINVAL);
    sculpin::crypto::X25519Key secret;
    if (!fill_random(secret.data(), secret.size())) return fail(errno);
    const sculpin::crypto::X25519Key public_key = sculpin::crypto::x25519_base(secret);
    zmq_z85_encode(z85_public_key, public_key.data(), public_key.size());
    zmq_z85_encode(z85_secret_key, secret.data(), secret.size());
    return 0;
}

int zmq_curve_public(char* z85_public_key, const char* z85_secret_key) {
    if (z85_public_key == nullptr || z85_secret_key == nullptr) return fail(EINVAL);
    sculpin::crypto::X25519Key secret;
    if (std::strlen(z85_secret_key) != 40 ||
        zmq_z85_decode(secret.data(), z85_secret_key) == nullptr)
        return fail(EINVAL);
    const sculpin::crypto::X25519Key public_key = sculpin::crypto::x25519_base(secret);
    zmq_z85_encode(z85_public_key, public_key.data(), public_key.size());
    return 0;
}

void* zmq_atomic_counter_new(void) {
    return guarded(static_cast<void*>(nullptr),
                   [] { return static_cast<void*>(new std::atomic<int>(0)); });
}

void zmq_atomic_counter_set(void* counter, int value) {
    static_cast<std::atomic<int>*>(counter)->store(value);
}

int zmq_atomic_counter_inc(void* counter) {
    return static_cast<std::atomic<int>*>(counter)->fetch_add(1);  // the old value
}

int zmq_atomic_counter_dec(void* counter) {
    // 1 while the counter stays above zero, 0 once it reaches it (libzmq's contract).
    return static_cast<std::atomic<int>*>(counter)->fetch_sub(1) - 1 > 0 ? 1 : 0;
}

int zmq_atomic_counter_value(void* counter) {
    return static_cast<std::atomic<int>*>(counter)->load();
}

void zmq_atomic_counter_destroy(void** counter_p) {
    if (counter_p == nullptr) return;
    delete static_cast<std::atomic<int>*>(*counter_p);
    *counter_p = nullptr;
}

void* zmq_timers_new(void) {
    return guarded(static_cast<void*>(nullptr), [] { return static_cast<void*>(new Timers()); });
}

int zmq_timers_destroy(void** timers_p) {
    if (timers_p == nullptr || *timers_p == nullptr) return fail(EFAULT);
    delete static_cast<Timers*>(*timers_p);
    *timers_p = nullptr;
    return 0;
}

int zmq_timers_add(void* t, size_t interval, zmq_timer_fn handler, void* arg) {
    if (t == nullptr) return fail(EFAULT);
    if (handler == nullptr) return fail(EFAULT);
    return guarded(-1, [&] {
        auto* timers = static_cast<Timers*>(t);
        const int id = ++timers->next_id;
        const auto interval_ms = static_cast<int64_t>(interval);
        timers->timers[id] = {interval_ms, Timers::now_ms() + interval_ms, handler, arg};
        return id;
    });
}

int zmq_timers_cancel(void* t, int timer_id) {
    if (t == nullptr) return fail(EFAULT);
    auto* timers = static_cast<Timers*>(t);
    return timers->timers.erase(timer_id) == 1 ? 0 : fail(EINVAL);
}

int zmq_timers_set_interval(void* t, int timer_id, size_t interval) {
    if (t == nullptr) return fail(EFAULT);
    auto* timers = static_cast<Timers*>(t);
    auto it = timers->timers.find(timer_id);
    if (it == timers->timers.end()) return fail(EINVAL);
    it->second.interval_ms = static_cast<int64_t>(interval);
    it->second.due_ms = Timers::now_ms() + it->second.interval_ms;
    return 0;
}

int zmq_timers_reset(void* t, int timer_id) {
    if (t == nullptr) return fail(EFAULT);
    auto* timers = static_cast<Timers*>(t);
    auto it = timers->timers.find(timer_id);
    if (it == timers->timers.end()) return fail(EINVAL);
    it->second.due_ms = Timers::now_ms() + it->second.interval_ms;
    return 0;
}

long zmq_timers_timeout(void* t) {
    if (t == nullptr) return fail(EFAULT);
    auto* timers = static_cast<Timers*>(t);
    if (timers->timers.empty()) return -1;
    int64_t first_due = INT64_MAX;
    for (const auto& [id, timer] : timers->timers) first_due = std::min(first_due, timer.due_ms);
    return static_cast<long>(std::max<int64_t>(0, first_due - Timers::now_ms()));
}

int zmq_timers_execute(void* t) {
    if (t == nullptr) return fail(EFAULT);
    auto* timers = static_cast<Timers*>(t);
    const int64_t now = Timers::now_ms();
    // Collect first: a handler may cancel or add timers.
    std::vector<int> due;
    for (const auto& [id, timer] : timers->timers)
        if (timer.due_ms <= now) due.push_back(id);
    for (int id : due) {
        auto it = timers->timers.find(id);
        if (it == timers->timers.end()) continue;
        it->second.due_ms = now + it->second.interval_ms;
        zmq_timer_fn* handler = it->second.handler;
        void* arg = it->second.arg;
        handler(id, arg);
    }
    return 0;
}

void* zmq_stopwatch_start(void) {
    return guarded(static_cast<void*>(nullptr),
                   [] { return static_cast<void*>(new int64_t(now_us())); });
}

unsigned long zmq_stopwatch_intermediate(void* watch) {
    return static_cast<unsigned long>(now_us() - *static_cast<int64_t*>(watch));
}

unsigned long zmq_stopwatch_stop(void* watch) {
    const unsigned long elapsed_us = zmq_stopwatch_intermediate(watch);
    delete static_cast<int64_t*>(watch);
    return elapsed_us;
}

void zmq_sleep(int seconds) {
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
}

void* zmq_threadstart(zmq_thread_fn* func, void* arg) {
    return guarded(static_cast<void*>(nullptr), [&] {
        auto* thread = new Thread();
        thread->thread = std::thread([func, arg] { func(arg); });
        return static_cast<void*>(thread);
    });
}

void zmq_threadclose(void* t) {
    auto* thread = static_cast<Thread*>(t);
    if (thread == nullptr) return;
    if (thread->thread.joinable()) thread->thread.join();
    delete thread;
}

}  // extern "C"
