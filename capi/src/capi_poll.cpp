// zmq_poll over sockets and file descriptors, the proxies, and socket monitors.
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "capi_objects.hpp"
#include "runtime/poller.hpp"
#include "runtime/proxy.hpp"

using namespace sculpin;
using namespace sculpin::capi;

namespace sculpin::capi {

namespace {

// libzmq's monitor message: frame 1 = event number (16 bits) and value (32 bits) in host
// byte order, frame 2 = the endpoint.
Message monitor_message(int event, int value, const std::string& endpoint) {
    uint8_t head[6];
    const uint16_t event16 = static_cast<uint16_t>(event);
    const uint32_t value32 = static_cast<uint32_t>(value);
    std::memcpy(head, &event16, sizeof event16);
    std::memcpy(head + 2, &value32, sizeof value32);
    Message msg;
    msg.push_back(Frame(head, sizeof head));
    msg.push_back(Frame(endpoint));
    return msg;
}

}  // namespace

void stop_monitor(CapiSocket& socket) {
    if (socket.monitor == nullptr) return;
    // After set_monitor returns no callback runs any more (it holds the same lock), so
    // the monitor PAIR belongs to this thread again.
    socket.handle->set_monitor(nullptr, 0);
    if ((socket.monitor_events & ZMQ_EVENT_MONITOR_STOPPED) != 0) {
        Message stopped = monitor_message(ZMQ_EVENT_MONITOR_STOPPED, 0, "");
        socket.monitor->send(stopped, ZMQ_DONTWAIT);
    }
    socket.monitor->close();
    socket.monitor = nullptr;
    socket.monitor_events = 0;
    std::lock_guard lock(socket.owner->mutex);
    --socket.owner->open_sockets;
}

void stop_monitor_after_close(CapiSocket& socket) {
    if (socket.monitor == nullptr) return;
    // The I/O thread reports the closing (CLOSED, DISCONNECTED) while it takes the socket
    // down; the monitor stops after those, as libzmq's does, by queueing behind them.
    {
        std::lock_guard lock(socket.owner->mutex);
        --socket.owner->open_sockets;
    }
    SocketHandle* monitored = socket.handle;
    SocketHandle* monitor = socket.monitor;
    const bool announce = (socket.monitor_events & ZMQ_EVENT_MONITOR_STOPPED) != 0;
    socket.monitor = nullptr;
    socket.monitor_events = 0;
    socket.owner->context->io().post([monitored, monitor, announce] {
        monitored->set_monitor(nullptr, 0);
        if (announce) {
            Message stopped = monitor_message(ZMQ_EVENT_MONITOR_STOPPED, 0, "");
            monitor->send(stopped, ZMQ_DONTWAIT);
        }
        monitor->close();
    });
}

}  // namespace sculpin::capi

extern "C" {

int zmq_socket_monitor(void* s, const char* address, int events) {
    CapiSocket* socket = as_socket(s);
    if (socket == nullptr) return -1;
    return guarded(-1, [&] {
        stop_monitor(*socket);
        if (address == nullptr) return 0;
        if (std::strncmp(address, "inproc://", 9) != 0) return fail(EPROTONOSUPPORT);
        {
            std::lock_guard lock(socket->owner->mutex);
            ++socket->owner->open_sockets;
        }
        SocketHandle* monitor = socket->owner->context->socket(SocketType::pair);
        if (monitor == nullptr) {
            std::lock_guard lock(socket->owner->mutex);
            --socket->owner->open_sockets;
            return fail(ETERM);
        }
        const int zero = 0;
        monitor->set_option(ZMQ_LINGER, &zero, sizeof zero);
        if (const int rc = monitor->bind(address); rc != 0) {
            monitor->close();
            std::lock_guard lock(socket->owner->mutex);
            --socket->owner->open_sockets;
            return fail(rc);
        }
        socket->monitor = monitor;
        socket->monitor_events = events;
        // Runs on the I/O thread, which is then the monitor PAIR's only user.
        socket->handle->set_monitor(
            [monitor](const MonitorEvent& event) {
                Message msg = monitor_message(event.event, event.value, event.endpoint);
                monitor->send(msg, ZMQ_DONTWAIT);
            },
            events);
        return 0;
    });
}

int zmq_poll(zmq_pollitem_t* items, int count, long timeout_ms) {
    if (count < 0) return fail(EINVAL);
    if (count == 0) {
        if (timeout_ms == 0) return 0;
        if (timeout_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(timeout_ms));
        return 0;
    }
    if (items == nullptr) return fail(EFAULT);
    return guarded(-1, [&] {
        std::vector<PollItem> engine_items(static_cast<size_t>(count));
        // Frames already taken from the engine (rest of a multipart message) are ready
        // without asking it.
        bool already_ready = false;
        for (int i = 0; i < count; ++i) {
            PollItem& item = engine_items[static_cast<size_t>(i)];
            item.events = items[i].events;
            if (items[i].socket != nullptr) {
                CapiSocket* socket = as_socket(items[i].socket);
                if (socket == nullptr) return -1;
                item.socket = socket->handle;
                if ((items[i].events & ZMQ_POLLIN) && socket->has_inbound_frames())
                    already_ready = true;
            } else {
                item.fd = items[i].fd;
            }
        }
        const long wait_ms = already_ready ? 0 : timeout_ms;
        const int limit_ms = wait_ms > INT32_MAX ? INT32_MAX : static_cast<int>(wait_ms);
        if (sculpin::poll(engine_items.data(), count, wait_ms < 0 ? -1 : limit_ms) < 0) return -1;
        int ready = 0;
        for (int i = 0; i < count; ++i) {
            items[i].revents = engine_items[static_cast<size_t>(i)].revents;
            if (items[i].socket != nullptr && (items[i].events & ZMQ_POLLIN) &&
                static_cast<CapiSocket*>(items[i].socket)->has_inbound_frames())
                items[i].revents |= ZMQ_POLLIN;
            if (items[i].revents != 0) ++ready;
        }
        return ready;
    });
}

int zmq_proxy_steerable(void* frontend, void* backend, void* capture, void* control) {
    CapiSocket* front = as_socket(frontend);
    CapiSocket* back = as_socket(backend);
    if (front == nullptr || back == nullptr) return -1;
    CapiSocket* capture_socket = nullptr;
    CapiSocket* control_socket = nullptr;
    if (capture != nullptr && (capture_socket = as_socket(capture)) == nullptr) return -1;
    if (control != nullptr && (control_socket = as_socket(control)) == nullptr) return -1;
    return guarded(-1, [&] {
        const int rc = sculpin::proxy(front->handle, back->handle,
                                      capture_socket ? capture_socket->handle : nullptr,
                                      control_socket ? control_socket->handle : nullptr);
        return rc == 0 ? 0 : fail(rc);
    });
}

int zmq_proxy(void* frontend, void* backend, void* capture) {
    return zmq_proxy_steerable(frontend, backend, capture, nullptr);
}

int zmq_device(int, void* frontend, void* backend) {
    return zmq_proxy(frontend, backend, nullptr);
}

}  // extern "C"
