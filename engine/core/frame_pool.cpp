#include "core/frame_pool.hpp"

#include <atomic>
#include <cassert>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <type_traits>

#include "core/frame.hpp"

namespace sculpin::frame_pool {

namespace {

class Pool;

// A pooled buffer: the SharedBuffer every frame sees, then what the pool needs, then the
// bytes. SharedBuffer is the first member, so a SharedBuffer* converts back.
struct PooledBuffer {
    SharedBuffer shared;
    Pool* pool = nullptr;
    PooledBuffer* next_free = nullptr;  // while in a free list or the returned stack
    size_t size_class = 0;
};
static_assert(std::is_standard_layout_v<PooledBuffer>);

// The mark of a pooled SharedBuffer: its `hint` (unused by owned buffers) points here. A
// caller of zmq_msg_init_data cannot pass this address, so a wrapped buffer never has it.
const char kPooledTag = 0;
void* pooled_tag() {
    return const_cast<char*>(&kPooledTag);
}

size_t class_bytes(size_t size_class) {
    return kSmallestClassBytes << size_class;
}

size_t class_for(size_t size_bytes) {
    size_t size_class = 0;
    while (class_bytes(size_class) < size_bytes) ++size_class;
    assert(size_class < kClassCount);
    return size_class;
}

class Pool {
public:
    PooledBuffer* take(size_t size_class) {
        SizeClass& sizes = classes_[size_class];
        if (sizes.free_list == nullptr) collect(sizes, size_class);
        PooledBuffer* buffer = sizes.free_list;
        if (buffer != nullptr) {
            sizes.free_list = buffer->next_free;
            --sizes.free_count;
            buffer->next_free = nullptr;
            return buffer;
        }
        void* raw = std::malloc(sizeof(PooledBuffer) + class_bytes(size_class));
        if (raw == nullptr) throw std::bad_alloc();
        buffer = new (raw) PooledBuffer();
        buffer->shared.data = reinterpret_cast<uint8_t*>(buffer + 1);
        buffer->shared.hint = pooled_tag();
        buffer->pool = this;
        buffer->size_class = size_class;
        return buffer;
    }

    void give_back(PooledBuffer* buffer) noexcept {
        std::atomic<PooledBuffer*>& head = classes_[buffer->size_class].returned;
        PooledBuffer* top = head.load(std::memory_order_relaxed);
        do {
            buffer->next_free = top;
        } while (!head.compare_exchange_weak(top, buffer, std::memory_order_release,
                                             std::memory_order_relaxed));
    }

    size_t idle(size_t size_class) {
        collect(classes_[size_class], size_class);
        return classes_[size_class].free_count;
    }

    Pool* next_parked = nullptr;

private:
    struct SizeClass {
        PooledBuffer* free_list = nullptr;  // owner thread only
        size_t free_count = 0;              // owner thread only
        alignas(64) std::atomic<PooledBuffer*> returned{nullptr};
    };

    // Moves the returned stack into the free list, freeing what exceeds the cache bound.
    static void collect(SizeClass& sizes, size_t size_class) {
        PooledBuffer* returned = sizes.returned.exchange(nullptr, std::memory_order_acquire);
        const size_t limit = kCachedBytesPerClass / class_bytes(size_class);
        while (returned != nullptr) {
            PooledBuffer* next = returned->next_free;
            if (sizes.free_count < limit) {
                returned->next_free = sizes.free_list;
                sizes.free_list = returned;
                ++sizes.free_count;
            } else {
                returned->~PooledBuffer();
                std::free(returned);
            }
            returned = next;
        }
    }

    SizeClass classes_[kClassCount];
};

// Parked pools. Taken at a thread's first large frame and at its exit only, so a spin
// lock is enough (and keeps the core library free of a thread library).
std::atomic_flag g_parked_lock = ATOMIC_FLAG_INIT;
Pool* g_parked = nullptr;

struct SpinGuard {
    SpinGuard() {
        while (g_parked_lock.test_and_set(std::memory_order_acquire)) {
        }
    }
    ~SpinGuard() { g_parked_lock.clear(std::memory_order_release); }
    SpinGuard(const SpinGuard&) = delete;
    SpinGuard& operator=(const SpinGuard&) = delete;
};

Pool* adopt() {
    {
        SpinGuard guard;
        if (g_parked != nullptr) {
            Pool* pool = g_parked;
            g_parked = pool->next_parked;
            pool->next_parked = nullptr;
            return pool;
        }
    }
    return new Pool();
}

// The calling thread's pool, parked again when the thread exits.
struct ThreadSlot {
    Pool* pool = nullptr;
    ~ThreadSlot() {
        if (pool == nullptr) return;
        SpinGuard guard;
        pool->next_parked = g_parked;
        g_parked = pool;
        pool = nullptr;
    }
};
thread_local ThreadSlot t_slot;

}  // namespace

SharedBuffer* take(size_t size_bytes) {
    if (size_bytes > kLargestClassBytes) return nullptr;
    if (t_slot.pool == nullptr) t_slot.pool = adopt();
    PooledBuffer* buffer = t_slot.pool->take(class_for(size_bytes));
    buffer->shared.refs.store(1, std::memory_order_relaxed);
    buffer->shared.size_bytes = size_bytes;
    return &buffer->shared;
}

size_t idle_buffers(size_t size_bytes) {
    assert(size_bytes <= kLargestClassBytes);
    if (t_slot.pool == nullptr) t_slot.pool = adopt();
    return t_slot.pool->idle(class_for(size_bytes));
}

bool owns(const SharedBuffer* buffer) noexcept {
    return buffer->free_fn == nullptr && buffer->hint == pooled_tag();
}

void give_back(SharedBuffer* buffer) noexcept {
    assert(owns(buffer));
    auto* pooled = reinterpret_cast<PooledBuffer*>(buffer);
    pooled->pool->give_back(pooled);
}

}  // namespace sculpin::frame_pool
