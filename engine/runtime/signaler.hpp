// A wake-up flag that a thread can sleep on: an eventfd, written only on the
// false -> true transition of an atomic flag, so a burst of notifications costs one
// syscall. The fd is also what zmq_poll and ZMQ_FD hand to select()/poll() users.
#pragma once

#include <atomic>

namespace sculpin {

class Signaler {
public:
    Signaler();
    ~Signaler();
    Signaler(const Signaler&) = delete;
    Signaler& operator=(const Signaler&) = delete;

    // Any thread.
    void signal();
    // Owner thread: consume a pending signal (returns whether there was one).
    bool reset();
    // Owner thread: sleep until signalled or timeout (-1 = forever). true = signalled.
    bool wait(int timeout_ms);
    int fd() const noexcept { return fd_; }

private:
    int fd_;
    std::atomic<bool> pending_{false};
};

}  // namespace sculpin
