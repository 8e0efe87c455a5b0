#include "core/frame.hpp"

#include <cassert>
#include <cstdlib>
#include <new>

#include "core/frame_pool.hpp"

namespace sculpin {

SharedBuffer* SharedBuffer::allocate(size_t size_bytes) {
    // Frame-sized buffers are recycled per thread (core/frame_pool.hpp); the rest, like
    // a session's receive buffer, are malloc'd.
    if (SharedBuffer* pooled = frame_pool::take(size_bytes)) return pooled;
    void* raw = std::malloc(sizeof(SharedBuffer) + size_bytes);
    if (raw == nullptr) throw std::bad_alloc();
    auto* buffer = new (raw) SharedBuffer();
    buffer->data = reinterpret_cast<uint8_t*>(buffer + 1);
    buffer->size_bytes = size_bytes;
    return buffer;
}

SharedBuffer* SharedBuffer::wrap(void* data, size_t size_bytes, void (*free_fn)(void*, void*),
                                 void* hint) {
    void* raw = std::malloc(sizeof(SharedBuffer));
    if (raw == nullptr) throw std::bad_alloc();
    auto* buffer = new (raw) SharedBuffer();
    buffer->data = static_cast<uint8_t*>(data);
    buffer->size_bytes = size_bytes;
    buffer->free_fn = free_fn;
    buffer->hint = hint;
    return buffer;
}

void SharedBuffer::release() noexcept {
    if (refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    if (free_fn != nullptr) free_fn(data, hint);
    if (frame_pool::owns(this)) {
        frame_pool::give_back(this);
        return;
    }
    this->~SharedBuffer();
    std::free(this);
}

Frame::Frame(const void* data, size_t size_bytes) : Frame(with_size(size_bytes)) {
    if (size_bytes > 0) std::memcpy(mutable_data(), data, size_bytes);
}

Frame Frame::with_size(size_t size_bytes) {
    Frame frame;
    if (size_bytes > kInlineCapacity) {
        // Allocate first: if it throws, `frame` is still a valid empty frame.
        SharedBuffer* buffer = SharedBuffer::allocate(size_bytes);
        frame.ext_.buffer = buffer;
        frame.ext_.ptr = buffer->data;
        frame.shared_ = true;
    }
    frame.size_ = size_bytes;
    return frame;
}

Frame Frame::adopt(void* data, size_t size_bytes, void (*free_fn)(void*, void*), void* hint) {
    Frame frame;
    SharedBuffer* buffer = SharedBuffer::wrap(data, size_bytes, free_fn, hint);
    frame.ext_.buffer = buffer;
    frame.ext_.ptr = static_cast<uint8_t*>(data);
    frame.shared_ = true;
    frame.size_ = size_bytes;
    return frame;
}

Frame Frame::share(SharedBuffer* buffer, const uint8_t* data, size_t size_bytes) {
    assert(data >= buffer->data && data + size_bytes <= buffer->data + buffer->size_bytes);
    Frame frame;
    buffer->retain();
    frame.ext_.buffer = buffer;
    frame.ext_.ptr = const_cast<uint8_t*>(data);
    frame.shared_ = true;
    frame.size_ = size_bytes;
    return frame;
}

Frame::Frame(const Frame& other) noexcept : size_(other.size_), shared_(other.shared_) {
    if (shared_) {
        ext_ = other.ext_;
        ext_.buffer->retain();
    } else {
        std::memcpy(inline_, other.inline_, size_);
    }
}

Frame::Frame(Frame&& other) noexcept : size_(other.size_), shared_(other.shared_) {
    if (shared_) {
        ext_ = other.ext_;
        other.shared_ = false;
    } else {
        std::memcpy(inline_, other.inline_, size_);
    }
    other.size_ = 0;
}

Frame& Frame::operator=(const Frame& other) noexcept {
    if (this != &other) {
        Frame copy(other);
        *this = std::move(copy);
    }
    return *this;
}

Frame& Frame::operator=(Frame&& other) noexcept {
    if (this != &other) {
        reset();
        size_ = other.size_;
        shared_ = other.shared_;
        if (shared_) {
            ext_ = other.ext_;
            other.shared_ = false;
        } else {
            std::memcpy(inline_, other.inline_, size_);
        }
        other.size_ = 0;
    }
    return *this;
}

uint8_t* Frame::mutable_data() {
    if (!shared_) return inline_;
    if (ext_.buffer->refs.load(std::memory_order_acquire) != 1) {
        Frame copy(ext_.ptr, size_);
        *this = std::move(copy);
        // A shared copy of the same size is shared again; it is now exclusively ours.
    }
    return shared_ ? ext_.ptr : inline_;
}

void Frame::reset() noexcept {
    if (shared_) {
        ext_.buffer->release();
        shared_ = false;
    }
    size_ = 0;
}

}  // namespace sculpin
