// Recycles the heap buffers of frames larger than the inline capacity.
//
// A large frame is usually allocated on one thread (the sender's) and freed on another
// (the receiver's, or the I/O thread after encoding). With glibc malloc, such a free goes
// back to the allocating thread's arena, under its lock, while the allocating thread
// mallocs from the same arena. A pool belongs to one thread at a time: it hands out
// buffers from its own free lists without a lock; any thread gives a buffer back by
// pushing it on its pool's "returned" stack (one compare-and-swap), and the owner takes
// the whole stack at once (one exchange) when its free list runs dry. Push-only CAS plus
// take-all exchange has no ABA problem.
//
// Pools are never destroyed (a buffer in flight may be given back at any time): when its
// thread exits, a pool is parked and the next thread that needs one adopts it, buffers
// and all. So there are at most as many pools as threads that allocated at the same time,
// and each caches at most kCachedBytesPerClass per size class.
//
// Memory only: which buffer a frame gets never changes what the engine does, so the
// simulator's traces are unaffected.
#pragma once

#include <cstddef>

namespace sculpin {

struct SharedBuffer;

namespace frame_pool {

constexpr size_t kSmallestClassBytes = 128;
constexpr size_t kClassCount = 7;  // 128 B .. 8 KiB, powers of two
constexpr size_t kLargestClassBytes = kSmallestClassBytes << (kClassCount - 1);
constexpr size_t kCachedBytesPerClass = 2 * 1024 * 1024;

// A buffer for `size_bytes` bytes (refs 1, size_bytes set, data after the header) from
// the calling thread's pool, or nullptr above kLargestClassBytes (the caller mallocs).
SharedBuffer* take(size_t size_bytes);
// Did `buffer` come from take()?
bool owns(const SharedBuffer* buffer) noexcept;
// Any thread: a pooled buffer whose last reference went away goes back to its pool.
void give_back(SharedBuffer* buffer) noexcept;
// For tests: how many buffers of the size class of `size_bytes` the calling thread's
// pool holds ready, after taking back those that other threads returned.
size_t idle_buffers(size_t size_bytes);

}  // namespace frame_pool
}  // namespace sculpin
