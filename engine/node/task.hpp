// Task<T>: the coroutine type of node programs. Lazy (starts when awaited or started by a
// runtime), single continuation, symmetric transfer back to the awaiting coroutine.
//
// A node program is `Task<> program(Node& node)`. Destroying the top-level Task destroys
// every nested frame it is awaiting: that is how a crash makes a process vanish.
#pragma once

#include <cassert>
#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

namespace sculpin {

template <class T = void>
class Task;

namespace detail {

struct PromiseBase {
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
