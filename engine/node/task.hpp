// Task<T>: the coroutine type of node programs. Lazy (starts when awaited or started by a
// runtime), single continuation, symmetric transfer back to the awaiting coroutine.
//
// A node program is `Task<> program(Node& node)`. Destroying the top-level Task destroys
// every nested frame it is awaiting: that is how a crash makes a process vanish.
#pragma once

#include <cassert>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <new>
#include <optional>
#include <utility>

namespace sculpin {

template <class T = void>
class Task;

namespace detail {

// Coroutine frames from a per-thread free list per size class. A program makes a frame for
// every Node::send/recv/poll call, about one per message, and malloc/free of each showed in
// the simulator's profile. Lists are per thread because frames are made and destroyed on
// the thread that runs the program (a frame freed on another thread simply joins that
// thread's list: the blocks all come from operator new). Each list is bounded; a thread's
// lists are returned to the heap when it exits. Under AddressSanitizer frames are plain
// heap blocks, so that a use after free is still caught.
namespace frame_pool {

constexpr size_t kGranuleBytes = 64;
constexpr size_t kClasses = 32;  // frames up to 2 KiB
constexpr uint32_t kMaxFreePerClass = 64;

inline size_t class_of(size_t size_bytes) noexcept {
    return size_bytes == 0 ? 0 : (size_bytes - 1) / kGranuleBytes;
}

// Trivially destructible, so it can still be read after `thread_lists` is destroyed:
// frames destroyed later in the thread's exit go straight to the heap.
inline thread_local bool closed = false;

struct Block {
    Block* next;
};

struct Lists {
    Block* head[kClasses] = {};
    uint32_t count[kClasses] = {};
    ~Lists() {
        closed = true;
        for (size_t c = 0; c < kClasses; ++c) {
            while (Block* block = head[c]) {
                head[c] = block->next;
                ::operator delete(block, (c + 1) * kGranuleBytes);
            }
        }
    }
};

inline thread_local Lists thread_lists;

inline void* allocate(size_t size_bytes) {
#if !defined(__SANITIZE_ADDRESS__)
    const size_t size_class = class_of(size_bytes);
    if (size_class < kClasses && !closed) {
        Lists& lists = thread_lists;
        if (Block* block = lists.head[size_class]) {
            lists.head[size_class] = block->next;
            --lists.count[size_class];
            return block;
        }
        return ::operator new((size_class + 1) * kGranuleBytes);
    }
#endif
    return ::operator new(size_bytes);
}

inline void release(void* frame, size_t size_bytes) noexcept {
#if !defined(__SANITIZE_ADDRESS__)
    const size_t size_class = class_of(size_bytes);
    if (size_class < kClasses) {
        if (!closed) {
            Lists& lists = thread_lists;
            if (lists.count[size_class] < kMaxFreePerClass) {
                lists.head[size_class] = ::new (frame) Block{lists.head[size_class]};
                ++lists.count[size_class];
                return;
            }
        }
        ::operator delete(frame, (size_class + 1) * kGranuleBytes);
        return;
    }
#endif
    ::operator delete(frame, size_bytes);
}

}  // namespace frame_pool

struct PromiseBase {
    static void* operator new(size_t size_bytes) { return frame_pool::allocate(size_bytes); }
    static void operator delete(void* frame, size_t size_bytes) noexcept {
        frame_pool::release(frame, size_bytes);
    }

    std::coroutine_handle<> continuation;
    std::exception_ptr error;
    // True while the awaiting coroutine runs this one from inside its await_suspend. A
    // child that finishes then simply stops, and the parent carries on without having
    // suspended: the stack does not grow with every synchronous co_await (g++ -O0 does
    // not turn symmetric transfer into a tail call).
    bool run_inline = false;

    std::suspend_always initial_suspend() noexcept { return {}; }
    struct FinalAwaiter {
        bool await_ready() noexcept { return false; }
        template <class P>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<P> self) noexcept {
            if (self.promise().run_inline) return std::noop_coroutine();
            auto next = self.promise().continuation;
            return next ? next : std::noop_coroutine();
        }
        void await_resume() noexcept {}
    };
    FinalAwaiter final_suspend() noexcept { return {}; }
    void unhandled_exception() noexcept { error = std::current_exception(); }
};

template <class T>
struct Promise : PromiseBase {
    std::optional<T> value;
    Task<T> get_return_object() noexcept;
    template <class U>
    void return_value(U&& v) {
        value.emplace(std::forward<U>(v));
    }
};

template <>
struct Promise<void> : PromiseBase {
    Task<void> get_return_object() noexcept;
    void return_void() noexcept {}
};

}  // namespace detail

template <class T>
class [[nodiscard]] Task {
public:
    using promise_type = detail::Promise<T>;
    using Handle = std::coroutine_handle<promise_type>;

    Task() noexcept = default;
    explicit Task(Handle handle) noexcept : handle_(handle) {}
    Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    Task& operator=(Task&& other) noexcept {
        if (this != &other) {
            reset();
            handle_ = std::exchange(other.handle_, {});
        }
        return *this;
    }
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;
    ~Task() { reset(); }

    void reset() noexcept {
        if (handle_) handle_.destroy();
        handle_ = {};
    }
    bool valid() const noexcept { return static_cast<bool>(handle_); }
    bool done() const noexcept { return !handle_ || handle_.done(); }
    // Top-level use by a runtime: run until the first suspension.
    void start() {
        assert(handle_ && !handle_.done());
        handle_.resume();
    }
    // The exception the program ended with, if any.
    std::exception_ptr error() const noexcept {
        return handle_ ? handle_.promise().error : nullptr;
    }

    // Awaiting a Task runs it and returns its result.
    bool await_ready() const noexcept { return !handle_ || handle_.done(); }
    bool await_suspend(std::coroutine_handle<> caller) noexcept {
        auto& promise = handle_.promise();
        promise.continuation = caller;
        promise.run_inline = true;
        handle_.resume();  // until the child first suspends, or finishes
        promise.run_inline = false;
        // Finished already: the caller continues at once. Otherwise the child resumes the
        // caller from its final suspend, later.
        return !handle_.done();
    }
    T await_resume() {
        if (handle_.promise().error) std::rethrow_exception(handle_.promise().error);
        if constexpr (!std::is_void_v<T>) return std::move(*handle_.promise().value);
    }

private:
    Handle handle_;
};

namespace detail {
template <class T>
Task<T> Promise<T>::get_return_object() noexcept {
    return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}
inline Task<void> Promise<void>::get_return_object() noexcept {
    return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}
}  // namespace detail

}  // namespace sculpin
