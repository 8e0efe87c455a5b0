// Socket options: the numbers are libzmq's (the C API passes them straight through),
// the values live in one plain struct that every layer reads.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/address_mask.hpp"

namespace sculpin {

namespace option {
constexpr int routing_id = 5;
constexpr int subscribe = 6;
constexpr int sndbuf = 11;
constexpr int rcvbuf = 12;
constexpr int unsubscribe = 7;
constexpr int rcvmore = 13;
constexpr int fd = 14;
constexpr int events = 15;
constexpr int type = 16;
constexpr int linger = 17;
constexpr int reconnect_ivl = 18;
constexpr int backlog = 19;
constexpr int reconnect_ivl_max = 21;
constexpr int maxmsgsize = 22;
constexpr int sndhwm = 23;
constexpr int rcvhwm = 24;
constexpr int rcvtimeo = 27;
constexpr int sndtimeo = 28;
constexpr int last_endpoint = 32;
constexpr int ipv4only = 31;  // deprecated inverse of ipv6
constexpr int router_mandatory = 33;
constexpr int tcp_accept_filter = 38;
constexpr int immediate = 39;
constexpr int xpub_verbose = 40;
constexpr int ipv6 = 42;
constexpr int mechanism = 43;  // read-only: set through plain_server/plain_username/...
constexpr int plain_server = 44;
constexpr int plain_username = 45;
constexpr int plain_password = 46;
constexpr int curve_server = 47;
constexpr int curve_publickey = 48;  // 32 bytes here; the C API also takes 40 Z85 characters
constexpr int curve_secretkey = 49;
constexpr int curve_serverkey = 50;
constexpr int probe_router = 51;
constexpr int tos = 57;
constexpr int ipc_filter_pid = 58;
constexpr int ipc_filter_uid = 59;
constexpr int ipc_filter_gid = 60;
constexpr int req_correlate = 52;
constexpr int req_relaxed = 53;
constexpr int conflate = 54;
constexpr int zap_domain = 55;
constexpr int router_handover = 56;
constexpr int connect_routing_id = 61;  // ROUTER and STREAM: the next connect()'s peer id
constexpr int handshake_ivl = 66;
constexpr int xpub_nodrop = 69;
constexpr int xpub_manual = 71;
constexpr int xpub_welcome_msg = 72;
constexpr int stream_notify = 73;
constexpr int invert_matching = 74;
constexpr int heartbeat_ivl = 75;
constexpr int heartbeat_ttl = 76;
constexpr int heartbeat_timeout = 77;
constexpr int xpub_verboser = 78;
constexpr int connect_timeout = 79;
constexpr int use_fd = 89;
constexpr int bindtodevice = 92;
}  // namespace option

// ZMQ_MECHANISM values.
namespace security_mechanism {
constexpr int null = 0;
constexpr int plain = 1;
constexpr int curve = 2;
}  // namespace security_mechanism

constexpr size_t kCurveKeyBytes = 32;
using CurveKey = std::array<uint8_t, kCurveKeyBytes>;

// Defaults are libzmq 4.3's.
struct SocketOptions {
    int sndhwm = 1000;  // messages per pipe, 0 = unlimited
    int rcvhwm = 1000;
    int linger_ms = -1;             // -1 = wait forever for pending messages on close
    std::string routing_id;         // announced to peers; empty = let the peer choose
    int reconnect_ivl_ms = 100;     // -1 = never reconnect
    int reconnect_ivl_max_ms = 0;   // 0 = no exponential backoff
    int heartbeat_ivl_ms = 0;       // 0 = no PINGs
    int heartbeat_ttl_ms = 0;       // TTL announced in our PINGs (peer drops us after it)
    int heartbeat_timeout_ms = -1;  // -1 = same as heartbeat_ivl_ms
    int handshake_ivl_ms = 30000;   // 0 = no handshake deadline
    bool immediate = false;         // queue only to completed connections
    bool conflate = false;          // keep only the newest message
    int64_t maxmsgsize_bytes = -1;  // -1 = no limit
    int sndtimeo_ms = -1;           // -1 = block forever
    int rcvtimeo_ms = -1;
    int backlog = 100;
    int sndbuf_bytes = -1;      // kernel SO_SNDBUF of each connection; -1 = the OS default
    int rcvbuf_bytes = -1;      // kernel SO_RCVBUF
    bool probe_router = false;  // send an empty message to every new peer (ROUTER, DEALER, REQ)
    bool ipv6 = false;  // a tcp wildcard bind listens on IPv6 too ("::", dual stack)

    // ROUTER and STREAM: the routing id the next connect()'s peer gets; used up by it.
    std::string connect_routing_id;
    bool stream_notify = true;  // STREAM: [id][empty] when a connection starts and ends

    // PUB/XPUB send to the peers whose subscriptions do NOT match; SUB/XSUB keep what
    // their subscriptions do not match.
    bool invert_matching = false;

    // Options of real OS sockets. The simulated runtime accepts them (the socket code is
    // shared) and ignores them: its streams have no fd, no IP header and no peer process.
    int tos = 0;                 // IP_TOS (IPv6: traffic class) of every tcp socket
    std::string bind_to_device;  // SO_BINDTODEVICE of every tcp socket; empty = none
    int use_fd = -1;             // bind listens on this fd (already bound and listening) instead
    std::vector<AddressMask> tcp_accept_filters;  // empty = accept every tcp peer
    // ipc: accept a peer whose process id, user id or group (primary, or the user is a
    // member) is listed; all three empty = accept every peer. Numbers as the kernel's.
    std::vector<int32_t> ipc_filter_pids;
    std::vector<uint32_t> ipc_filter_uids;
    std::vector<uint32_t> ipc_filter_gids;

    // Security (ZMTP mechanisms, ZAP).
    int mechanism = security_mechanism::null;  // chosen by the last PLAIN_*/CURVE_* option set
    bool as_server = false;      // PLAIN_SERVER/CURVE_SERVER: check credentials via ZAP
    std::string plain_username;  // sent by a PLAIN client (at most 255 bytes)
    std::string plain_password;
    // CURVE (RFC 26): our long-term key pair, and on a client the server's public key.
    CurveKey curve_public_key{};
    CurveKey curve_secret_key{};
    CurveKey curve_server_key{};
    std::string zap_domain;  // non-empty: NULL servers ask the ZAP handler about each peer
};

}  // namespace sculpin
