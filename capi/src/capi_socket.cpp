// Sockets: creation, options, endpoints, and frame-at-a-time send/recv over the
// engine's whole-message send/recv.
#include <sys/uio.h>

#include <cstdlib>
#include <cstring>

#include "capi_objects.hpp"

using namespace sculpin;
using namespace sculpin::capi;

namespace sculpin::capi {

CapiSocket* as_socket(void* s) {
    auto* socket = static_cast<CapiSocket*>(s);
    if (socket == nullptr || socket->tag != kSocketTag) {
        errno = ENOTSOCK;
        return nullptr;
    }
    return socket;
}

namespace {

constexpr size_t kCurveKeyZ85Chars = 40;  // Z85 text of a 32-byte CURVE key

bool is_curve_key_option(int option) {
    return option == ZMQ_CURVE_PUBLICKEY || option == ZMQ_CURVE_SECRETKEY ||
           option == ZMQ_CURVE_SERVERKEY;
}

// A copy of `msg` without its last frame (the engine's Message only grows at the back).
Message without_last_frame(Message& msg) {
    Message rest;
    for (size_t i = 0; i + 1 < msg.size(); ++i) rest.push_back(std::move(msg[i]));
    return rest;
}

// "127.0.0.1:5555" -> "127.0.0.1"; "[::1]:5555" -> "::1"; anything else -> "".
std::string ip_of(const std::string& address) {
    const size_t colon = address.rfind(':');
    if (colon == std::string::npos || address.rfind("inproc", 0) == 0 ||
        address.find('/') != std::string::npos)
        return {};
    std::string host = address.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    return host;
}

void update_properties(CapiSocket& socket) {
    const PipeEnd* from = socket.handle->socket().last_received_from();
    if (from == nullptr) return;
    // One set of properties per connection: made again only when the pipe, or the
    // connection under a pipe that outlives reconnects, changes.
    const int source_fd = from->connection_fd();
    if (socket.inbound_properties != nullptr && socket.properties_pipe_id == from->id() &&
        socket.inbound_properties->source_fd == source_fd)
        return;
    auto* properties = new MessageProperties();
    properties->source_fd = source_fd;
    properties->socket_type = std::string(zmtp_name(from->peer_info.socket_type));
    properties->identity = from->peer_info.routing_id;
    properties->peer_address = ip_of(from->peer_info.address);
    properties->handshake = from->peer_properties;
    if (socket.inbound_properties != nullptr) socket.inbound_properties->release();
    socket.inbound_properties = properties;
    socket.properties_pipe_id = from->id();
}

}  // namespace

int send_frame(CapiSocket& socket, Frame frame, int flags) {
    if (socket.outbound.empty() && (flags & ZMQ_SNDMORE) != 0) {
        // The engine takes whole messages; let it refuse a doomed one at its first frame.
        if (const int rc = socket.handle->check_first_frame(frame, flags & ZMQ_DONTWAIT)) return rc;
    }
    socket.outbound.push_back(std::move(frame));
    // STREAM's messages are [routing id][bytes]: libzmq ignores ZMQ_SNDMORE on the bytes.
    const bool stream_complete =
        socket.outbound.size() == 2 && socket.handle->socket().type() == SocketType::stream;
    if ((flags & ZMQ_SNDMORE) != 0 && !stream_complete) return 0;
    const int rc = socket.handle->send(socket.outbound, flags & ZMQ_DONTWAIT);
    if (rc == 0) {
        socket.outbound.clear();
        return 0;
    }
    // Not sent: the caller still owns the last frame (and retries with it), so keep only
    // the frames it handed over earlier.
    socket.outbound = without_last_frame(socket.outbound);
    return rc;
}

int recv_frame(CapiSocket& socket, Frame* out, MessageProperties** properties, int flags) {
    if (!socket.has_inbound_frames()) {
        Message msg;
        const int rc = socket.handle->recv(msg, flags & ZMQ_DONTWAIT);
        if (rc != 0) return rc;
        socket.inbound = std::move(msg);
        socket.inbound_next = 0;
        update_properties(socket);
    }
    *out = std::move(socket.inbound[socket.inbound_next++]);
    socket.rcvmore = socket.has_inbound_frames();
    if (!socket.rcvmore) {
        socket.inbound.clear();
        socket.inbound_next = 0;
    }
    if (properties != nullptr) {
        *properties = socket.inbound_properties;
        if (*properties != nullptr) (*properties)->retain();
    }
    return 0;
}

}  // namespace sculpin::capi

namespace {

int endpoint_call(void* s, const char* address, int (SocketHandle::*call)(const std::string&)) {
    CapiSocket* socket = as_socket(s);
    if (socket == nullptr) return -1;
    if (address == nullptr) return fail(EINVAL);
    return guarded(-1, [&] {
        const int rc = (socket->handle->*call)(address);
        return rc == 0 ? 0 : fail(rc);
    });
}

template <class T>
int put_value(void* value, size_t* size, T v) {
    if (value == nullptr || size == nullptr || *size < sizeof(T)) return fail(EINVAL);
    std::memset(value, 0, *size);  // a wider buffer reads as the same number (libzmq does so)
    std::memcpy(value, &v, sizeof(T));
    *size = sizeof(T);
    return 0;
}

}  // namespace

extern "C" {

void* zmq_socket(void* c, int type) {
    CapiContext* context = as_context(c);
    if (context == nullptr) return nullptr;
    return guarded(static_cast<void*>(nullptr), [&]() -> void* {
        if (type < ZMQ_PAIR || type > ZMQ_STREAM) {
            errno = EINVAL;
            return nullptr;
        }
        bool blocky = true;
        bool ipv6 = false;
        {
            std::lock_guard lock(context->mutex);
            if (context->open_sockets >= context->max_sockets) {
                errno = EMFILE;
                return nullptr;
            }
            ++context->open_sockets;
            blocky = context->blocky;
            ipv6 = context->ipv6;
        }
        SocketHandle* handle = nullptr;
        int error = ETERM;  // Context::socket gives null once the context is shut down
        try {
            handle = context->context->socket(static_cast<SocketType>(type));
        } catch (const std::invalid_argument&) {
            error = EINVAL;  // a type the engine does not have
        }
        if (handle == nullptr) {
            errno = error;
            std::lock_guard lock(context->mutex);
            --context->open_sockets;
            return nullptr;
        }
        if (!blocky) {
            const int zero = 0;
            handle->set_option(ZMQ_LINGER, &zero, sizeof zero);
        }
        if (ipv6) {
            const int one = 1;
            handle->set_option(ZMQ_IPV6, &one, sizeof one);
        }
        auto* socket = new CapiSocket();
        socket->owner = context;
        socket->handle = handle;
        return socket;
    });
}

int zmq_close(void* s) {
    CapiSocket* socket = as_socket(s);
    if (socket == nullptr) return -1;
    return guarded(-1, [&] {
        socket->handle->close();
        stop_monitor_after_close(*socket);
        {
            std::lock_guard lock(socket->owner->mutex);
            --socket->owner->open_sockets;
        }
        if (socket->inbound_properties != nullptr) socket->inbound_properties->release();
        socket->tag = kDeadTag;
        delete socket;
        return 0;
    });
}

int zmq_setsockopt(void* s, int option, const void* value, size_t size) {
    CapiSocket* socket = as_socket(s);
    if (socket == nullptr) return -1;
    return guarded(-1, [&] {
        if (value == nullptr && size != 0) return fail(EFAULT);
        uint8_t decoded_key[kCurveKeyBytes];
        if (is_curve_key_option(option) &&
            (size == kCurveKeyZ85Chars || size == kCurveKeyZ85Chars + 1)) {
            // The key as 40 Z85 characters (with or without the terminating NUL): the engine
            // takes the 32 bytes they stand for.
            char text[kCurveKeyZ85Chars + 1] = {};
            std::memcpy(text, value, kCurveKeyZ85Chars);
            if (zmq_z85_decode(decoded_key, text) == nullptr) return fail(EINVAL);
            value = decoded_key;
            size = kCurveKeyBytes;
        }
        const int rc = socket->handle->set_option(option, value, size);
        return rc == 0 ? 0 : fail(rc);
    });
}

int zmq_getsockopt(void* s, int option, void* value, size_t* size) {
    CapiSocket* socket = as_socket(s);
    if (socket == nullptr) return -1;
    return guarded(-1, [&] {
        switch (option) {
            case ZMQ_RCVMORE:
                return put_value<int>(value, size, socket->rcvmore ? 1 : 0);
            case ZMQ_THREAD_SAFE:
                return put_value<int>(value, size, 0);
            case ZMQ_EVENTS: {
                int events = 0;
                size_t events_size = sizeof events;
                const int rc = socket->handle->get_option(ZMQ_EVENTS, &events, &events_size);
                if (rc != 0) return fail(rc);
                if (socket->has_inbound_frames()) events |= ZMQ_POLLIN;
                return put_value<int>(value, size, events);
            }
            case ZMQ_CURVE_PUBLICKEY:
            case ZMQ_CURVE_SECRETKEY:
            case ZMQ_CURVE_SERVERKEY:
                if (size != nullptr && value != nullptr && *size == kCurveKeyZ85Chars + 1) {
                    // A buffer for the Z85 text and its NUL gets the key as text.
                    uint8_t key[kCurveKeyBytes];
                    size_t key_size = sizeof key;
                    const int rc = socket->handle->get_option(option, key, &key_size);
                    if (rc != 0) return fail(rc);
                    zmq_z85_encode(static_cast<char*>(value), key, sizeof key);
                    return 0;
                }
                [[fallthrough]];
            default: {
                if (size == nullptr) return fail(EFAULT);
                const int rc = socket->handle->get_option(option, value, size);
                return rc == 0 ? 0 : fail(rc);
            }
        }
    });
}

int zmq_bind(void* s, const char* address) {
    return endpoint_call(s, address, &SocketHandle::bind);
}

int zmq_connect(void* s, const char* address) {
    return endpoint_call(s, address, &SocketHandle::connect);
}

int zmq_unbind(void* s, const char* address) {
    return endpoint_call(s, address, &SocketHandle::unbind);
}

int zmq_disconnect(void* s, const char* address) {
    return endpoint_call(s, address, &SocketHandle::disconnect);
}

int zmq_send(void* s, const void* buffer, size_t size, int flags) {
    CapiSocket* socket = as_socket(s);
    if (socket == nullptr) return -1;
    if (buffer == nullptr && size != 0) return fail(EFAULT);
    return guarded(-1, [&] {
        const int rc = send_frame(*socket, Frame(buffer, size), flags);
        return rc == 0 ? static_cast<int>(size) : fail(rc);
    });
}

int zmq_send_const(void* s, const void* buffer, size_t size, int flags) {
    CapiSocket* socket = as_socket(s);
    if (socket == nullptr) return -1;
    if (buffer == nullptr && size != 0) return fail(EFAULT);
    return guarded(-1, [&] {
        // Constant data: referenced, never freed.
        Frame frame = Frame::adopt(const_cast<void*>(buffer), size, nullptr, nullptr);
        const int rc = send_frame(*socket, std::move(frame), flags);
        return rc == 0 ? static_cast<int>(size) : fail(rc);
    });
}

int zmq_recv(void* s, void* buffer, size_t size, int flags) {
    CapiSocket* socket = as_socket(s);
    if (socket == nullptr) return -1;
    if (buffer == nullptr && size != 0) return fail(EFAULT);
    return guarded(-1, [&] {
        Frame frame;
        const int rc = recv_frame(*socket, &frame, nullptr, flags);
        if (rc != 0) return fail(rc);
        // Truncates to the buffer; returns the frame's full size, as libzmq does.
        const size_t copied = std::min(size, frame.size());
        if (copied > 0) std::memcpy(buffer, frame.data(), copied);
        return static_cast<int>(frame.size());
    });
}

int zmq_sendiov(void* s, struct iovec* iov, size_t count, int flags) {
    CapiSocket* socket = as_socket(s);
    if (socket == nullptr) return -1;
    if (count == 0 || iov == nullptr) return fail(EINVAL);
    return guarded(-1, [&] {
        // Every buffer but the last is a MORE frame; the result is the last one's size.
        for (size_t i = 0; i < count; ++i) {
            const int frame_flags = i + 1 < count ? (flags | ZMQ_SNDMORE) : (flags & ~ZMQ_SNDMORE);
            const int rc = send_frame(*socket, Frame(iov[i].iov_base, iov[i].iov_len), frame_flags);
            if (rc != 0) return fail(rc);
        }
        return static_cast<int>(iov[count - 1].iov_len);
    });
}

int zmq_recviov(void* s, struct iovec* iov, size_t* count, int flags) {
    CapiSocket* socket = as_socket(s);
    if (socket == nullptr) return -1;
    if (count == nullptr || *count == 0 || iov == nullptr) return fail(EINVAL);
    return guarded(-1, [&] {
        // Each frame lands in a malloc()ed buffer the caller frees, as libzmq documents;
        // the result is the number of frames.
        size_t received = 0;
        bool more = true;
        while (received < *count && more) {
            Frame frame;
            const int rc = recv_frame(*socket, &frame, nullptr, flags);
            if (rc != 0) {
                *count = received;
                return fail(rc);
            }
            void* copy = std::malloc(frame.size() > 0 ? frame.size() : 1);
            if (copy == nullptr) return fail(ENOMEM);
            if (frame.size() > 0) std::memcpy(copy, frame.data(), frame.size());
            iov[received].iov_base = copy;
            iov[received].iov_len = frame.size();
            ++received;
            more = socket->rcvmore;
        }
        *count = received;
        return static_cast<int>(received);
    });
}

}  // extern "C"
