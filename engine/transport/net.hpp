// Thin, error-reporting wrappers over the BSD socket calls the stream transports need
// (tcp and ipc). Every function returns -1 / false and fills `error` with what failed.
#pragma once

#include <string>

#include "transport/endpoint.hpp"

namespace sculpin::net {

// What a socket's options ask of each of its tcp sockets (ignored for ipc).
struct TcpSettings {
    int tos = 0;         // ZMQ_TOS: IP_TOS, or IPV6_TCLASS on IPv6; 0 = leave alone
    std::string device;  // ZMQ_BINDTODEVICE: SO_BINDTODEVICE; empty = leave alone
};

// A listening, non-blocking socket for `ep`. On success `bound` is the endpoint actually
// bound (wildcard port resolved: "tcp://127.0.0.1:49152").
int listen_on(const Endpoint& ep, int backlog, const TcpSettings& tcp, std::string* bound,
              std::string* error);
// ZMQ_USE_FD: takes `fd` (bound and listening already, made by the application) as the
// listener of `ep`. `bound` is the endpoint it is really bound to (tcp: its address and
// port; ipc: `ep` as given). -1 with errno when `fd` is no listening stream socket.
int adopt_listener(int fd, const Endpoint& ep, const TcpSettings& tcp, std::string* bound,
                   std::string* error);
// Accepts one connection (non-blocking); -1 with errno EAGAIN when none is waiting.
int accept_from(int listen_fd, std::string* peer_address);
// Starts a non-blocking connect. *in_progress is set when completion must be awaited
// (writable, then connect_result()).
// A source address in `ep` ("tcp://src:port;host:port") is bound first, with
// SO_REUSEADDR so that one source port can reach several servers (as libzmq does).
int connect_to(const Endpoint& ep, const TcpSettings& tcp, bool* in_progress,
               std::string* peer_address, std::string* error);
// 0 when an in-progress connect succeeded, else the errno value.
int connect_result(int fd);
void set_stream_options(int fd, bool is_tcp);
void close_fd(int fd);
// Removes the file of an ipc endpoint (not for abstract "@name" ones).
void unlink_ipc(const Endpoint& ep);

}  // namespace sculpin::net
