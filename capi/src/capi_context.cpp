// Contexts, errors, the version and capabilities.
#include <cstring>

#include "capi_objects.hpp"
#include "core/errors.hpp"

using namespace sculpin;
using namespace sculpin::capi;

namespace sculpin::capi {

CapiContext* as_context(void* c) {
    auto* context = static_cast<CapiContext*>(c);
    if (context == nullptr || context->tag != kContextTag) {
        errno = EFAULT;
        return nullptr;
    }
    return context;
}

}  // namespace sculpin::capi

namespace {
// libzmq's own upper bound on sockets per context with epoll.
constexpr int kSocketLimit = 65535;
}  // namespace

extern "C" {

int zmq_errno(void) {
    return errno;
}

const char* zmq_strerror(int errnum) {
    return error_text(errnum);
}

void zmq_version(int* major, int* minor, int* patch) {
    if (major != nullptr) *major = ZMQ_VERSION_MAJOR;
    if (minor != nullptr) *minor = ZMQ_VERSION_MINOR;
    if (patch != nullptr) *patch = ZMQ_VERSION_PATCH;
}

int zmq_has(const char* capability) {
    if (capability == nullptr) return 0;
    // Transports and mechanisms the engine has (PLAIN is not a zmq_has name). No GSSAPI,
    // PGM, TIPC, NORM or WebSocket yet, and no draft API.
    return std::strcmp(capability, "ipc") == 0 || std::strcmp(capability, "curve") == 0 ? 1 : 0;
}

void* zmq_ctx_new(void) {
    return guarded<>(static_cast<void*>(nullptr),
                     [] { return static_cast<void*>(new CapiContext()); });
}

int zmq_ctx_term(void* c) {
    CapiContext* context = as_context(c);
    if (context == nullptr) return -1;
    return guarded(-1, [&] {
        // Blocks until every socket is closed, as libzmq does.
        context->context->term();
        context->tag = kDeadTag;
        delete context;
        return 0;
    });
}

int zmq_ctx_shutdown(void* c) {
    CapiContext* context = as_context(c);
    if (context == nullptr) return -1;
    return guarded(-1, [&] {
        context->context->shutdown();
        return 0;
    });
}

int zmq_ctx_set(void* c, int option, int value) {
    CapiContext* context = as_context(c);
    if (context == nullptr) return -1;
    std::lock_guard lock(context->mutex);
    switch (option) {
        case ZMQ_IO_THREADS:
            // One I/O thread serves every socket; the number is kept for ctx_get.
            if (value < 0) return fail(EINVAL);
            context->io_threads = value;
            return 0;
        case ZMQ_MAX_SOCKETS:
            if (value < 1 || value > kSocketLimit) return fail(EINVAL);
            context->max_sockets = value;
            return 0;
        case ZMQ_THREAD_PRIORITY:
            if (value < 0) return fail(EINVAL);
            context->thread_priority = value;
            return 0;
        case ZMQ_THREAD_SCHED_POLICY:
            if (value < 0) return fail(EINVAL);
            context->thread_sched_policy = value;
            return 0;
        case ZMQ_MAX_MSGSZ:
            if (value < 0) return fail(EINVAL);
            context->max_msgsz = value;
            return 0;
        case ZMQ_IPV6:
            context->ipv6 = value != 0;
            return 0;
        case ZMQ_BLOCKY:
            context->blocky = value != 0;
            return 0;
        case ZMQ_THREAD_NAME_PREFIX:
            context->thread_name_prefix = value;
            return 0;
        case ZMQ_THREAD_AFFINITY_CPU_ADD:
        case ZMQ_THREAD_AFFINITY_CPU_REMOVE:
            if (value < 0) return fail(EINVAL);
            return 0;
        default:
            return fail(EINVAL);
    }
}

int zmq_ctx_get(void* c, int option) {
    CapiContext* context = as_context(c);
    if (context == nullptr) return -1;
    std::lock_guard lock(context->mutex);
    switch (option) {
        case ZMQ_IO_THREADS:
            return context->io_threads;
        case ZMQ_MAX_SOCKETS:
            return context->max_sockets;
        case ZMQ_SOCKET_LIMIT:
            return kSocketLimit;
        case ZMQ_THREAD_SCHED_POLICY:
            return context->thread_sched_policy;
        case ZMQ_MAX_MSGSZ:
            return context->max_msgsz;
        case ZMQ_THREAD_NAME_PREFIX:
            return context->thread_name_prefix;
        case ZMQ_MSG_T_SIZE:
            return static_cast<int>(sizeof(zmq_msg_t));
        case ZMQ_IPV6:
            return context->ipv6 ? 1 : 0;
        case ZMQ_BLOCKY:
            return context->blocky ? 1 : 0;
        default:
            return fail(EINVAL);
    }
}

void* zmq_init(int io_threads) {
    if (io_threads < 0) {
        errno = EINVAL;
        return nullptr;
    }
    void* context = zmq_ctx_new();
    if (context != nullptr) zmq_ctx_set(context, ZMQ_IO_THREADS, io_threads);
    return context;
}

int zmq_term(void* context) {
    return zmq_ctx_term(context);
}

int zmq_ctx_destroy(void* context) {
    return zmq_ctx_term(context);
}

}  // extern "C"
