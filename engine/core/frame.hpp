// A Frame is one part of a ZeroMQ message: a byte string.
//
// Small frames (up to kInlineCapacity bytes) live inside the Frame itself, so the
// common small message costs no heap allocation. Larger frames live in a ref-counted
// SharedBuffer: copying such a Frame (PUB fan-out, a capture socket) bumps a counter
// instead of copying bytes.
#pragma once

#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace sculpin {

// Heap storage for a large frame. Either owns bytes allocated right after the header,
// or wraps caller-owned bytes released through free_fn (zmq_msg_init_data).
struct SharedBuffer {
    std::atomic<uint32_t> refs{1};
    void (*free_fn)(void* data, void* hint) = nullptr;
    void* hint = nullptr;
    uint8_t* data = nullptr;
    size_t size_bytes = 0;

    static SharedBuffer* allocate(size_t size_bytes);
    static SharedBuffer* wrap(void* data, size_t size_bytes, void (*free_fn)(void*, void*),
                              void* hint);
    void retain() noexcept { refs.fetch_add(1, std::memory_order_relaxed); }
    void release() noexcept {
        // A count of 1 seen by a holder is final: nobody else holds a reference to take
        // another one from, so the last holder skips the locked read-modify-write.
        if (refs.load(std::memory_order_acquire) == 1 ||
            refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
            destroy();
    }

private:
    void destroy() noexcept;  // the last reference went away
};

// A Frame's copy/move copies its whole storage, including the bytes past size() that
// were never written. That is defined (a trivially copyable union is copied as its object
// representation), but g++ flags it once the copy is inlined into a caller.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

class Frame {
public:
    // 64: the common small message (a 64-byte payload, an identity, a short topic) stays
    // allocation-free from the sender's send() to the receiver's recv(). A heap frame
    // costs an allocation on one thread and a free on another, which is where glibc's
    // arena lock turned out to be contended in the socket benchmarks.
    static constexpr size_t kInlineCapacity = 64;

    Frame() noexcept : size_(0), shared_(false) {}
    Frame(const void* data, size_t size_bytes);
    explicit Frame(std::string_view text) : Frame(text.data(), text.size()) {}
    // An uninitialised frame of the given size, to be filled through mutable_data().
    static Frame with_size(size_t size_bytes);
    // Zero-copy: takes ownership of caller memory, released with free_fn(data, hint).
    static Frame adopt(void* data, size_t size_bytes, void (*free_fn)(void*, void*), void* hint);
    // Zero-copy: `size_bytes` bytes at `data` inside `buffer`, which gains a reference.
    // The decoder hands out frames that live in the receive buffer they arrived in.
    static Frame share(SharedBuffer* buffer, const uint8_t* data, size_t size_bytes);

    // Copies and moves take the whole representation, a fixed 80 bytes (a few vector
    // moves, no size-dependent memcpy call), then fix up the shared case: a frame is
    // moved around ~70 times per delivery, so these stay inline and branch once.
    Frame(const Frame& other) noexcept
        : storage_(other.storage_), size_(other.size_), shared_(other.shared_) {
        if (shared_) storage_.ext.buffer->retain();
    }
    Frame(Frame&& other) noexcept
        : storage_(other.storage_), size_(other.size_), shared_(other.shared_) {
        other.size_ = 0;
        other.shared_ = false;
    }
    Frame& operator=(const Frame& other) noexcept {
        if (other.shared_) other.storage_.ext.buffer->retain();  // first: other may be us
        if (shared_) storage_.ext.buffer->release();
        storage_ = other.storage_;
        size_ = other.size_;
        shared_ = other.shared_;
        return *this;
    }
    Frame& operator=(Frame&& other) noexcept {
        if (this != &other) {
            if (shared_) storage_.ext.buffer->release();
            storage_ = other.storage_;
            size_ = other.size_;
            shared_ = other.shared_;
            other.size_ = 0;
            other.shared_ = false;
        }
        return *this;
    }
    ~Frame() {
        if (shared_) storage_.ext.buffer->release();
    }

    const uint8_t* data() const noexcept { return shared_ ? storage_.ext.ptr : storage_.bytes; }
    // Writable bytes. A shared buffer held by several frames is copied first.
    uint8_t* mutable_data();
    size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    bool is_shared() const noexcept { return shared_; }
    std::string_view view() const noexcept {
        return {reinterpret_cast<const char*>(data()), size_};
    }
    std::string str() const { return std::string(view()); }

    // The C API keeps a shared frame in a zmq_msg_t as (buffer, data, size): this hands
    // its one reference over without a retain/release pair. Only for a shared frame;
    // the frame is left empty.
    SharedBuffer* release_buffer() noexcept {
        assert(shared_);
        shared_ = false;
        size_ = 0;
        return storage_.ext.buffer;
    }

    // Drops the bytes, leaving an empty frame.
    void reset() noexcept {
        if (shared_) {
            storage_.ext.buffer->release();
            shared_ = false;
        }
        size_ = 0;
    }

    friend bool operator==(const Frame& a, const Frame& b) noexcept {
        return a.size_ == b.size_ &&
               (a.size_ == 0 || std::memcmp(a.data(), b.data(), a.size_) == 0);
    }

private:
    struct External {
        SharedBuffer* buffer;
        uint8_t* ptr;
    };
    // Trivially copyable, so copying it copies all 64 bytes whatever their use.
    union Storage {
        uint8_t bytes[kInlineCapacity];
        External ext;
    };

    Storage storage_;
    size_t size_;
    bool shared_;
};

#pragma GCC diagnostic pop

}  // namespace sculpin
