#include "transport/stream_session.hpp"

#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "transport/net.hpp"

namespace sculpin {

namespace {
// Rounds of read/decode/encode/write per call before yielding to other sessions.
constexpr int kRoundsPerPump = 16;
constexpr size_t kMaxIovecs = 64;
}  // namespace

StreamSession::StreamSession(int fd, wire::ZmtpConfig config, std::string peer_address,
                             SessionOwner& owner, uint64_t id)
    : fd_(fd),
      id_(id),
      codec_(std::move(config)),
      peer_address_(std::move(peer_address)),
      owner_(owner) {}

StreamSession::~StreamSession() {
    net::close_fd(fd_);
}

void StreamSession::start(int64_t now_ms) {
    codec_.start(now_ms);
}

StreamSession::Status StreamSession::on_readable(int64_t now_ms, std::span<uint8_t> scratch) {
    fd_readable_ = true;
    return pump(now_ms, scratch);
}

StreamSession::Status StreamSession::on_writable(int64_t now_ms, std::span<uint8_t> scratch) {
    fd_writable_ = true;
    return pump(now_ms, scratch);
}

StreamSession::Status StreamSession::on_timer(int64_t now_ms, std::span<uint8_t> scratch) {
    if (closed_) return Status::closed;
    if (!codec_.on_timer(now_ms)) {
        flush_output();  // an ERROR command may be queued; best effort
        return close_with(codec_.error());
    }
    return pump(now_ms, scratch);
}

StreamSession::Status StreamSession::close_with(std::string reason) {
    if (!closed_) {
        closed_ = true;
        reason_ = std::move(reason);
    }
    return Status::closed;
}

bool StreamSession::flush_output() {
    wire::OutputSlice slices[kMaxIovecs];
    const size_t count = codec_.output_slices(slices, kMaxIovecs);
    if (count == 0) return true;
    iovec vectors[kMaxIovecs];
    for (size_t i = 0; i < count; ++i) {
        vectors[i].iov_base = const_cast<uint8_t*>(slices[i].data);
        vectors[i].iov_len = slices[i].size_bytes;
    }
    const ssize_t written = ::writev(fd_, vectors, static_cast<int>(count));
    if (written >= 0) {
        codec_.consume_output(static_cast<size_t>(written));
        return true;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
        fd_writable_ = false;
        return true;
    }
    if (errno == EINTR) return true;
    reason_ = std::string("write: ") + std::strerror(errno);
    return false;
}

StreamSession::Status StreamSession::pump(int64_t now_ms, std::span<uint8_t> scratch) {
    if (closed_) return Status::closed;
    for (int round = 0; round < kRoundsPerPump; ++round) {
        bool progress = false;

        // 1. Decoded messages into the pipe, until it is full.
        if (codec_.ready()) {
            if (!pipe_) {
                std::string refusal;
                pipe_ = owner_.session_ready(*this, codec_.peer(), &refusal);
                if (!pipe_) return close_with(refusal.empty() ? "refused" : refusal);
                progress = true;
            }
            while (true) {
                if (!has_stalled_) {
                    if (!codec_.pop_message(stalled_)) break;
                    has_stalled_ = true;
                }
                if (!pipe_->write(stalled_)) break;  // at RCVHWM: the pipe wakes us
                has_stalled_ = false;
                progress = true;
            }
        }

        // 2. More bytes from the kernel, only when nothing decoded is waiting: that is
        //    what makes a full pipe push back through TCP.
        if (fd_readable_ && !peer_eof_ && !has_stalled_ && codec_.pending_messages() == 0) {
            const ssize_t n = ::read(fd_, scratch.data(), scratch.size());
            if (n > 0) {
                if (!codec_.feed(scratch.first(static_cast<size_t>(n)), now_ms)) {
                    // Deliver what was decoded before the violation, then go.
                    if (codec_.ready() && pipe_) {
                        Message msg;
                        while (codec_.pop_message(msg))
                            if (!pipe_->write(msg)) break;
                    }
                    flush_output();
                    return close_with(codec_.error());
                }
                progress = true;
            } else if (n == 0) {
                peer_eof_ = true;
                progress = true;
            } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
                fd_readable_ = false;
            } else if (errno != EINTR) {
                return close_with(std::string("read: ") + std::strerror(errno));
            }
        }

        // 3. Messages from the socket into the encoder, one batch at a time.
        if (codec_.ready() && pipe_) {
            Message msg;
            while (codec_.output_size_bytes() < kBatchBytes && pipe_->read(msg)) {
                codec_.send_message(msg);
                progress = true;
            }
        }

        // 4. Encoded bytes to the kernel.
        if (fd_writable_ && codec_.output_size_bytes() > 0) {
            const size_t before = codec_.output_size_bytes();
            if (!flush_output()) return close_with(reason_);
            if (codec_.output_size_bytes() != before) progress = true;
        }

        if (peer_eof_ && !has_stalled_ && codec_.pending_messages() == 0)
            return close_with("connection closed by peer");
        if (pipe_ && pipe_->peer_closed() && !pipe_->readable() && codec_.output_size_bytes() == 0)
            return close_with("socket closed");
        if (!progress) return Status::idle;
    }
    return Status::busy;
}

}  // namespace sculpin
