// Socket monitor event numbers, as libzmq numbers them (ZMQ_EVENT_*).
#pragma once

namespace sculpin::monitor_event {
constexpr int connected = 0x0001;
constexpr int connect_delayed = 0x0002;
constexpr int connect_retried = 0x0004;
constexpr int listening = 0x0008;
constexpr int bind_failed = 0x0010;
constexpr int accepted = 0x0020;
constexpr int accept_failed = 0x0040;
constexpr int closed = 0x0080;
constexpr int close_failed = 0x0100;
constexpr int disconnected = 0x0200;
constexpr int monitor_stopped = 0x0400;
constexpr int handshake_failed_no_detail = 0x0800;
constexpr int handshake_succeeded = 0x1000;
constexpr int handshake_failed_protocol = 0x2000;
constexpr int handshake_failed_auth = 0x4000;
constexpr int all = 0xFFFF;

const char* name(int event);
}  // namespace sculpin::monitor_event
