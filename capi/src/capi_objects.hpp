// What the opaque pointers of the C API point to, and the layout inside a zmq_msg_t.
// Translation only: every socket decision is the engine's (runtime/SocketHandle); this
// layer turns frame-at-a-time calls into whole Messages and engine errors into errno.
#pragma once

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <string>

#include "runtime/context.hpp"
#include "runtime/socket_handle.hpp"
#include "zmq.h"

namespace sculpin::capi {

// Tags that tell a live object from a stray pointer (ENOTSOCK / EFAULT).
constexpr uint32_t kContextTag = 0x5C0C7E47;
constexpr uint32_t kSocketTag = 0x5C050C4E;
constexpr uint32_t kDeadTag = 0xDEADBEEF;

struct CapiContext {
    uint32_t tag = kContextTag;
    std::unique_ptr<Context> context = std::make_unique<Context>();
    std::mutex mutex;  // guards the settings and the socket count below
    int io_threads = ZMQ_IO_THREADS_DFLT;
    int max_sockets = ZMQ_MAX_SOCKETS_DFLT;
    int thread_priority = ZMQ_THREAD_PRIORITY_DFLT;
    int thread_sched_policy = ZMQ_THREAD_SCHED_POLICY_DFLT;
    int max_msgsz = INT32_MAX;
    int thread_name_prefix = 0;  // kept for ctx_get; the I/O thread keeps its own name
    bool ipv6 = false;
    bool blocky = true;  // false: new sockets get LINGER 0
    int open_sockets = 0;
};

// The properties zmq_msg_gets reports: those of the peer a message came from. Shared by
// every frame received from one pipe, reference counted by hand so that a pointer to it
// fits in a zmq_msg_t.
struct MessageProperties {
    std::atomic<uint32_t> refs{1};
    std::string socket_type;   // "Socket-Type": the peer's type, as it announced it
    std::string identity;      // "Identity": the peer's routing id
    std::string peer_address;  // "Peer-Address": the peer's IP address (tcp only)
    int source_fd = -1;        // ZMQ_SRCFD: the connection's fd; -1 for inproc
    // Everything else the handshake said: READY metadata, "User-Id", ZAP metadata.
    std::map<std::string, std::string> handshake;

    void retain() noexcept { refs.fetch_add(1, std::memory_order_relaxed); }
    void release() noexcept {
        if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
    }
};

struct CapiSocket {
    uint32_t tag = kSocketTag;
    CapiContext* owner = nullptr;
    SocketHandle* handle = nullptr;

    // The message being received frame by frame (ZMQ_RCVMORE).
    Message inbound;
    size_t inbound_next = 0;
    bool rcvmore = false;
    MessageProperties* inbound_properties = nullptr;
    // Properties of the last pipe we received from, reused while it stays the same.
    uint64_t properties_pipe_id = 0;

    // The message being sent frame by frame (ZMQ_SNDMORE): handed to the engine whole.
    Message outbound;

    // zmq_socket_monitor: the PAIR socket that publishes this socket's events.
    SocketHandle* monitor = nullptr;
    int monitor_events = 0;

    bool has_inbound_frames() const noexcept { return inbound_next < inbound.size(); }
};

// A zmq_msg_t has two forms. A message of up to kSmallCapacity bytes lives in the zmq_msg_t
// itself, with no allocation (libzmq keeps its "very small messages" the same way). A larger
// one, or one whose bytes are shared (zero-copy, caller-owned), holds one reference on an
// engine SharedBuffer, kept as the three words of a shared Frame (buffer, data, size): a
// frame received shared (from a receive buffer, a pooled buffer, zmq_msg_init_data) moves
// in and out of the zmq_msg_t without an allocation. (A whole Frame, 80 bytes with its
// inline storage, does not fit beside the properties pointer.)
// Both forms are trivially relocatable (bytes, or one counted pointer), so zmq_msg_move
// is a memcpy.
struct MsgLayout {
    static constexpr size_t kSmallCapacity = 48;
    struct SharedBytes {
        SharedBuffer* buffer;  // one reference, held by this zmq_msg_t
        uint8_t* data;         // inside buffer
        size_t size_bytes;
    };
    union {
        uint8_t small[kSmallCapacity];
        SharedBytes shared;
    };
    uint32_t small_size_bytes;
    uint32_t shared_form;  // 0: small, 1: shared
    uintptr_t properties_and_flags;

    static constexpr uintptr_t kMoreBit = 1;
    MessageProperties* properties() const noexcept {
        return reinterpret_cast<MessageProperties*>(properties_and_flags & ~uintptr_t{7});
    }
    bool more() const noexcept { return (properties_and_flags & kMoreBit) != 0; }
    void set(MessageProperties* properties, bool more) noexcept {
        properties_and_flags = reinterpret_cast<uintptr_t>(properties) | (more ? kMoreBit : 0);
    }

    size_t size() const noexcept { return shared_form ? shared.size_bytes : small_size_bytes; }
    bool is_shared() const noexcept { return shared_form != 0; }
    uint8_t* data() noexcept { return shared_form ? shared.data : small; }
    // The bytes as a Frame for sending or copying: a shared buffer is referenced, not copied.
    Frame to_frame() const {
        return shared_form ? Frame::share(shared.buffer, shared.data, shared.size_bytes)
                           : Frame(small, small_size_bytes);
    }
    // The bytes as a Frame to send. Sculpin's own buffer small enough for a Frame's inline
    // storage is copied into it instead: the message then crosses to the receiving thread
    // by value, and the buffer goes back to this thread's pool when the zmq_msg_t is
    // emptied, instead of being freed across threads per message (router-dealer over
    // inproc through the C API: forwarding 64-byte messages). The caller's zero-copy
    // bytes (zmq_msg_init_data, a free function) are always referenced, never copied.
    Frame to_send_frame() const {
        if (shared_form && shared.size_bytes <= Frame::kInlineCapacity &&
            shared.buffer->free_fn == nullptr)
            return Frame(shared.data, shared.size_bytes);
        return to_frame();
    }
};
static_assert(sizeof(MsgLayout) <= sizeof(zmq_msg_t), "the layout must fit in a zmq_msg_t");
static_assert(alignof(MsgLayout) <= alignof(zmq_msg_t));
static_assert(alignof(MessageProperties) >= 8, "low pointer bits carry flags");

inline MsgLayout* layout(zmq_msg_t* msg) {
    return std::launder(reinterpret_cast<MsgLayout*>(msg));
}
inline const MsgLayout* layout(const zmq_msg_t* msg) {
    return std::launder(reinterpret_cast<const MsgLayout*>(msg));
}

// errno for the C caller; returns -1 so call sites can `return fail(EINVAL);`.
inline int fail(int error_number) {
    errno = error_number;
    return -1;
}

CapiSocket* as_socket(void* s);    // null (errno ENOTSOCK) unless a live socket
CapiContext* as_context(void* c);  // null (errno EFAULT) unless a live context

// Frame-level send/recv shared by zmq_send, zmq_msg_send, zmq_sendiov, ...
// 0 or an errno value.
int send_frame(CapiSocket& socket, Frame frame, int flags);
int recv_frame(CapiSocket& socket, Frame* out, MessageProperties** properties, int flags);

// Stops the monitor of `socket` (if any), announcing MONITOR_STOPPED.
void stop_monitor(CapiSocket& socket);
// The same for a socket being closed: the monitor stops after the close's own events.
void stop_monitor_after_close(CapiSocket& socket);

// Runs `body` and turns any C++ exception into errno: nothing escapes to a C caller.
template <class Body, class Result>
Result guarded(Result on_exception, Body body) noexcept {
    try {
        return body();
    } catch (const std::bad_alloc&) {
        errno = ENOMEM;
    } catch (...) {
        errno = EINVAL;
    }
    return on_exception;
}

}  // namespace sculpin::capi
