// The byte pipe under a ZMTP session: a kernel socket in the real runtime, a simulated
// TCP connection in the simulator. StreamSession is written against this, so the same
// session code (batching, backpressure, stalls) runs in both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/zmtp_connection.hpp"

namespace sculpin {

struct IoResult {
    size_t bytes = 0;
    int error = 0;  // 0, EAGAIN (try later), or why the stream failed
    bool would_block() const noexcept { return error == EAGAIN; }
    // A read of zero bytes without error: the peer closed its side.
    bool end_of_stream() const noexcept { return bytes == 0 && error == 0; }
};

class ByteStream {
public:
    virtual ~ByteStream() = default;
    virtual IoResult read(std::span<uint8_t> into) = 0;
    virtual IoResult write(const wire::OutputSlice* slices, size_t count) = 0;

    // The simulator follows every message across the wire: the sender's session reports
    // each message it encodes (with the encoded bytes not yet written, its own last byte
    // included, so the stream knows where on the wire the message ends), the receiver's
    // asks for the id of each one it decodes. Kernel sockets carry bytes only.
    virtual void message_encoded(uint64_t trace_id, size_t unwritten_bytes) {
        (void)trace_id;
        (void)unwritten_bytes;
    }
    virtual uint64_t message_decoded() { return 0; }
    // Does a read that returned less than asked mean the stream is drained until its next
    // readiness edge? True for a kernel socket under edge-triggered epoll (saves the read
    // that would only say EAGAIN); a stream that is not sure says false.
    virtual bool short_read_drains() const { return false; }
};

// A connected, non-blocking stream socket. Owns (and closes) the fd.
class FdStream final : public ByteStream {
public:
    explicit FdStream(int fd) : fd_(fd) {}
    ~FdStream() override;
    FdStream(const FdStream&) = delete;
    FdStream& operator=(const FdStream&) = delete;

    IoResult read(std::span<uint8_t> into) override;
    IoResult write(const wire::OutputSlice* slices, size_t count) override;
    bool short_read_drains() const override { return true; }
    int fd() const noexcept { return fd_; }

private:
    int fd_;
};

}  // namespace sculpin
