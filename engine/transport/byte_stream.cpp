#include "transport/byte_stream.hpp"

#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

#include "transport/net.hpp"

namespace sculpin {

namespace {
constexpr size_t kMaxIovecs = 64;
}

FdStream::~FdStream() {
    net::close_fd(fd_);
}

IoResult FdStream::read(std::span<uint8_t> into) {
    while (true) {
        const ssize_t n = ::read(fd_, into.data(), into.size());
        if (n >= 0) return {static_cast<size_t>(n), 0};
        if (errno == EINTR) continue;
        return {0, errno == EWOULDBLOCK ? EAGAIN : errno};
    }
}

IoResult FdStream::write(const wire::OutputSlice* slices, size_t count) {
    iovec vectors[kMaxIovecs];
    count = count < kMaxIovecs ? count : kMaxIovecs;
    for (size_t i = 0; i < count; ++i) {
        vectors[i].iov_base = const_cast<uint8_t*>(slices[i].data);
        vectors[i].iov_len = slices[i].size_bytes;
    }
    msghdr header{};
    header.msg_iov = vectors;
    header.msg_iovlen = count;
    while (true) {
        // MSG_NOSIGNAL: a peer that went away is an EPIPE to handle, not a SIGPIPE that
        // kills the process (a library, as libzmq.so.5, must not rely on the program
        // ignoring SIGPIPE).
        ssize_t n = ::sendmsg(fd_, &header, MSG_NOSIGNAL);
        if (n < 0 && errno == ENOTSOCK) n = ::writev(fd_, vectors, static_cast<int>(count));
        if (n >= 0) return {static_cast<size_t>(n), 0};
        if (errno == EINTR) continue;
        return {0, errno == EWOULDBLOCK ? EAGAIN : errno};
    }
}

}  // namespace sculpin
