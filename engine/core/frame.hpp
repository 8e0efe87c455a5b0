// A Frame is one part of a ZeroMQ message: a byte string.
//
// Small frames (up to kInlineCapacity bytes) live inside the Frame itself, so the
// common small message costs no heap allocation. Larger frames live in a ref-counted
// SharedBuffer: copying such a Frame (PUB fan-out, a capture socket) bumps a counter
// instead of copying bytes.
#pragma once

#include <atomic>
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
    void release() noexcept;
};

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

    Frame(const Frame& other) noexcept;
    Frame(Frame&& other) noexcept;
    Frame& operator=(const Frame& other) noexcept;
    Frame& operator=(Frame&& other) noexcept;
    ~Frame() { reset(); }

    const uint8_t* data() const noexcept { return shared_ ? ext_.ptr : inline_; }
    // Writable bytes. A shared buffer held by several frames is copied first.
    uint8_t* mutable_data();
    size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    bool is_shared() const noexcept { return shared_; }
    std::string_view view() const noexcept {
        return {reinterpret_cast<const char*>(data()), size_};
    }
    std::string str() const { return std::string(view()); }

    // Drops the bytes, leaving an empty frame.
    void reset() noexcept;

    friend bool operator==(const Frame& a, const Frame& b) noexcept {
        return a.size_ == b.size_ &&
               (a.size_ == 0 || std::memcmp(a.data(), b.data(), a.size_) == 0);
    }

private:
    size_t size_;
    struct External {
        SharedBuffer* buffer;
        uint8_t* ptr;
    };
    union {
        uint8_t inline_[kInlineCapacity];
        External ext_;
    };
    bool shared_;
};

}  // namespace sculpin
