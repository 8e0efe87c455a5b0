#include "runtime/signaler.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <stdexcept>

namespace sculpin {

Signaler::Signaler() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (fd_ < 0) throw std::runtime_error("eventfd failed");
}

Signaler::~Signaler() {
    ::close(fd_);
}

void Signaler::signal() {
    if (pending_.exchange(true, std::memory_order_acq_rel)) return;
    const uint64_t one = 1;
    while (::write(fd_, &one, sizeof(one)) < 0 && errno == EINTR) {
    }
}

bool Signaler::reset() {
    if (!pending_.load(std::memory_order_acquire)) return false;
    uint64_t value = 0;
    while (::read(fd_, &value, sizeof(value)) < 0 && errno == EINTR) {
    }
    // Cleared after draining: a signal() racing with us either sees the flag still set
    // (its item is processed by our caller, who drains the mailbox after reset) or sees
    // it cleared and writes the fd again.
    pending_.store(false, std::memory_order_release);
    return true;
}

bool Signaler::wait(int timeout_ms) {
    if (pending_.load(std::memory_order_acquire)) return true;
    pollfd pfd{fd_, POLLIN, 0};
    int rc;
    do {
        rc = ::poll(&pfd, 1, timeout_ms);
    } while (rc < 0 && errno == EINTR);
    return rc > 0 || pending_.load(std::memory_order_acquire);
}

}  // namespace sculpin
