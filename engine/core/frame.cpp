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

void SharedBuffer::destroy() noexcept {
    if (free_fn != nullptr) free_fn(data, hint);
    if (frame_pool::owns(this)) {
        frame_pool::give_back(this);
        return;
    }
    this->~SharedBuffer();
    std::free(this);
}

Frame::Frame(const void* data, size_t size_bytes) : size_(0), shared_(false) {
    uint8_t* bytes = storage_.bytes;
    if (size_bytes > kInlineCapacity) {
        SharedBuffer* buffer = SharedBuffer::allocate(size_bytes);
        storage_.ext.buffer = buffer;
        storage_.ext.ptr = buffer->data;
        shared_ = true;
        bytes = buffer->data;
    }
    size_ = size_bytes;
    if (size_bytes > 0) std::memcpy(bytes, data, size_bytes);
}

Frame Frame::with_size(size_t size_bytes) {
    Frame frame;
    if (size_bytes > kInlineCapacity) {
        // Allocate first: if it throws, `frame` is still a valid empty frame.
        SharedBuffer* buffer = SharedBuffer::allocate(size_bytes);
        frame.storage_.ext.buffer = buffer;
        frame.storage_.ext.ptr = buffer->data;
        frame.shared_ = true;
    }
    frame.size_ = size_bytes;
    return frame;
}

Frame Frame::adopt(void* data, size_t size_bytes, void (*free_fn)(void*, void*), void* hint) {
    Frame frame;
    SharedBuffer* buffer = SharedBuffer::wrap(data, size_bytes, free_fn, hint);
    frame.storage_.ext.buffer = buffer;
    frame.storage_.ext.ptr = static_cast<uint8_t*>(data);
    frame.shared_ = true;
    frame.size_ = size_bytes;
    return frame;
}

Frame Frame::share(SharedBuffer* buffer, const uint8_t* data, size_t size_bytes) {
    assert(data >= buffer->data && data + size_bytes <= buffer->data + buffer->size_bytes);
    Frame frame;
    buffer->retain();
    frame.storage_.ext.buffer = buffer;
    frame.storage_.ext.ptr = const_cast<uint8_t*>(data);
    frame.shared_ = true;
    frame.size_ = size_bytes;
    return frame;
}

uint8_t* Frame::mutable_data() {
    if (!shared_) return storage_.bytes;
    if (storage_.ext.buffer->refs.load(std::memory_order_acquire) != 1) {
        Frame copy(storage_.ext.ptr, size_);
        *this = std::move(copy);
        // A shared copy of the same size is shared again; it is now exclusively ours.
    }
    return shared_ ? storage_.ext.ptr : storage_.bytes;
}

}  // namespace sculpin
