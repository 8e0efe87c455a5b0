// zmq_msg_t: the bytes (small ones inside the 64 bytes, larger or shared ones as a reference
// on an engine SharedBuffer), plus the MORE flag and the properties of the peer it came from.
#include <strings.h>
#include <cstring>

#include "capi_objects.hpp"

using namespace sculpin;
using namespace sculpin::capi;

namespace {

void construct_empty(zmq_msg_t* msg) noexcept {
    MsgLayout* m = new (msg) MsgLayout;
    m->small_size_bytes = 0;
    m->shared_form = 0;
    m->properties_and_flags = 0;
}

// Takes over one reference on `buffer`.
void construct_shared(zmq_msg_t* msg, SharedBuffer* buffer, uint8_t* data,
                      size_t size_bytes) noexcept {
    MsgLayout* m = new (msg) MsgLayout;
    m->shared = {buffer, data, size_bytes};
    m->small_size_bytes = 0;
    m->shared_form = 1;
    m->properties_and_flags = 0;
}

// May throw (std::bad_alloc) only before anything in msg changed.
void construct(zmq_msg_t* msg, Frame&& frame) {
    const size_t size = frame.size();
    if (frame.is_shared()) {
        uint8_t* data = const_cast<uint8_t*>(frame.data());
        construct_shared(msg, frame.release_buffer(), data, size);
    } else if (size > MsgLayout::kSmallCapacity) {
        // An inline frame too large for the small form: its bytes go to a (pooled) buffer.
        SharedBuffer* buffer = SharedBuffer::allocate(size);
        std::memcpy(buffer->data, frame.data(), size);
        construct_shared(msg, buffer, buffer->data, size);
    } else {
        construct_empty(msg);
        MsgLayout* m = layout(msg);
        if (size > 0) std::memcpy(m->small, frame.data(), size);
        m->small_size_bytes = static_cast<uint32_t>(size);
    }
}

void destroy(zmq_msg_t* msg) noexcept {
    MsgLayout* m = layout(msg);
    if (MessageProperties* properties = m->properties()) properties->release();
    if (m->shared_form) m->shared.buffer->release();
    m->~MsgLayout();
}

}  // namespace

extern "C" {

int zmq_msg_init(zmq_msg_t* msg) {
    if (msg == nullptr) return fail(EFAULT);
    construct_empty(msg);
    return 0;
}

int zmq_msg_init_size(zmq_msg_t* msg, size_t size) {
    if (msg == nullptr) return fail(EFAULT);
    return guarded(-1, [&] {
        if (size <= MsgLayout::kSmallCapacity) {
            construct_empty(msg);
            layout(msg)->small_size_bytes = static_cast<uint32_t>(size);
        } else {
            SharedBuffer* buffer = SharedBuffer::allocate(size);
            construct_shared(msg, buffer, buffer->data, size);
        }
        return 0;
    });
}

int zmq_msg_init_data(zmq_msg_t* msg, void* data, size_t size, zmq_free_fn* ffn, void* hint) {
    if (msg == nullptr) return fail(EFAULT);
    if (data == nullptr && size != 0) return fail(EFAULT);
    return guarded(-1, [&] {
        if (size == 0) {
            // Nothing to share: an empty message; the buffer goes back at once.
            construct_empty(msg);
            if (ffn != nullptr) ffn(data, hint);
            return 0;
        }
        // Without ffn the data is constant and outlives the message (libzmq's rule).
        construct(msg, Frame::adopt(data, size, ffn, hint));
        return 0;
    });
}

int zmq_msg_close(zmq_msg_t* msg) {
    if (msg == nullptr) return fail(EFAULT);
    destroy(msg);
    // A closed message stays a valid empty one, so a second close is harmless.
    construct_empty(msg);
    return 0;
}

int zmq_msg_move(zmq_msg_t* dest, zmq_msg_t* src) {
    if (dest == nullptr || src == nullptr) return fail(EFAULT);
    if (dest == src) return 0;
    destroy(dest);
    // Both forms are plain bytes or one owning pointer: relocate, then leave src empty.
    std::memcpy(static_cast<void*>(dest), static_cast<const void*>(src), sizeof(zmq_msg_t));
    construct_empty(src);
    return 0;
}

int zmq_msg_copy(zmq_msg_t* dest, zmq_msg_t* src) {
    if (dest == nullptr || src == nullptr) return fail(EFAULT);
    if (dest == src) return 0;
    return guarded(-1, [&] {
        const MsgLayout* from = layout(src);
        Frame copy = from->to_frame();  // a shared buffer is referenced, not copied
        if (MessageProperties* properties = from->properties()) properties->retain();
        destroy(dest);
        construct(dest, std::move(copy));
        layout(dest)->properties_and_flags = from->properties_and_flags;
        return 0;
    });
}

void* zmq_msg_data(zmq_msg_t* msg) {
    if (msg == nullptr) {
        errno = EFAULT;
        return nullptr;
    }
    // Shared bytes (received, copied, caller-owned) are handed out as they are (zero
    // copy), as libzmq does; writers own the consequences, as with libzmq.
    return static_cast<void*>(layout(msg)->data());
}

size_t zmq_msg_size(const zmq_msg_t* msg) {
    if (msg == nullptr) return 0;
    return layout(msg)->size();
}

int zmq_msg_more(const zmq_msg_t* msg) {
    if (msg == nullptr) return 0;
    return layout(msg)->more() ? 1 : 0;
}

int zmq_msg_get(const zmq_msg_t* msg, int property) {
    if (msg == nullptr) return fail(EFAULT);
    switch (property) {
        case ZMQ_MORE:
            return layout(msg)->more() ? 1 : 0;
        case ZMQ_SRCFD: {
            // The fd of the connection the message came in on (when it was received);
            // -1 for inproc, and for messages the application made itself.
            const MessageProperties* properties = layout(msg)->properties();
            return properties != nullptr ? properties->source_fd : -1;
        }
        case ZMQ_SHARED:
            return layout(msg)->is_shared() ? 1 : 0;
        default:
            return fail(EINVAL);
    }
}

int zmq_msg_set(zmq_msg_t* msg, int, int) {
    if (msg == nullptr) return fail(EFAULT);
    // No property is settable in libzmq 4.3's stable API.
    return fail(EINVAL);
}

const char* zmq_msg_gets(const zmq_msg_t* msg, const char* property) {
    if (msg == nullptr || property == nullptr) {
        errno = EINVAL;
        return nullptr;
    }
    const MessageProperties* properties = layout(msg)->properties();
    if (properties != nullptr) {
        if (std::strcmp(property, "Socket-Type") == 0) return properties->socket_type.c_str();
        if (std::strcmp(property, "Identity") == 0 || std::strcmp(property, "Routing-Id") == 0)
            return properties->identity.c_str();
        if (std::strcmp(property, "Peer-Address") == 0 && !properties->peer_address.empty())
            return properties->peer_address.c_str();
        const auto it = properties->handshake.find(property);
        if (it != properties->handshake.end()) return it->second.c_str();
    }
    errno = EINVAL;
    return nullptr;
}

int zmq_msg_send(zmq_msg_t* msg, void* s, int flags) {
    CapiSocket* socket = as_socket(s);
    if (socket == nullptr) return -1;
    if (msg == nullptr) return fail(EFAULT);
    return guarded(-1, [&] {
        MsgLayout* m = layout(msg);
        const size_t size = m->size();
        Frame frame = m->to_send_frame();  // msg is emptied only on success
        const int rc = send_frame(*socket, std::move(frame), flags);
        if (rc != 0) return fail(rc);
        destroy(msg);
        construct_empty(msg);
        return static_cast<int>(size);
    });
}

int zmq_msg_recv(zmq_msg_t* msg, void* s, int flags) {
    CapiSocket* socket = as_socket(s);
    if (socket == nullptr) return -1;
    if (msg == nullptr) return fail(EFAULT);
    return guarded(-1, [&] {
        Frame frame;
        MessageProperties* properties = nullptr;
        const int rc = recv_frame(*socket, &frame, &properties, flags);
        if (rc != 0) return fail(rc);
        const size_t size = frame.size();
        // Built aside first: construct() may throw, and msg must then stay as it was.
        zmq_msg_t received;
        construct(&received, std::move(frame));
        destroy(msg);
        std::memcpy(static_cast<void*>(msg), static_cast<const void*>(&received), sizeof received);
        layout(msg)->set(properties, socket->rcvmore);
        return static_cast<int>(size);
    });
}

int zmq_sendmsg(void* s, zmq_msg_t* msg, int flags) {
    return zmq_msg_send(msg, s, flags);
}

int zmq_recvmsg(void* s, zmq_msg_t* msg, int flags) {
    return zmq_msg_recv(msg, s, flags);
}

}  // extern "C"
