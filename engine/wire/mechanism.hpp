// A ZMTP security mechanism (RFC 37 "mechanism"): the handshake commands between the
// greeting and the first message. One subclass per mechanism (null_mechanism,
// plain_mechanism), all sans-I/O like the connection that drives them:
//
//   start(out)              the greetings agreed; the first commands go into `out`
//   on_command(cmd, out)    a handshake command from the peer (ERROR is handled by the
//                           connection, which is the same for every mechanism)
//   zap_request()           non-null while the mechanism waits for the ZAP handler's
//                           verdict (RFC 27); the connection's owner asks the handler and
//                           answers with on_zap_reply() or on_zap_unavailable()
//
// A mechanism that encrypts (CURVE) also carries every frame after the handshake:
// encrypt_frame() wraps one (with its MORE/COMMAND flags) into a MESSAGE command and
// decrypt_frame() unwraps one.
//
// status() says whether the handshake is going on, done or failed; a failure carries
// its monitor classification (failure()) and a human reason (error()).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/socket_type.hpp"
#include "crypto/x25519.hpp"
#include "wire/command.hpp"
#include "wire/handshake_failure.hpp"
#include "wire/zap.hpp"

namespace sculpin::wire {

enum class MechanismKind { null, plain, curve };

// Fills a buffer with unpredictable bytes: getrandom(2) in the real runtime, the seeded Rng
// in the simulator, a fixed sequence in tests. The codec never reaches for entropy itself.
using RandomSource = std::function<void(std::span<uint8_t>)>;

// What the application chose (ZMQ_PLAIN_SERVER, ZMQ_PLAIN_USERNAME, ZMQ_ZAP_DOMAIN...).
struct SecurityConfig {
    MechanismKind mechanism = MechanismKind::null;
    bool as_server =
        false;  // PLAIN, CURVE: we check credentials (through ZAP) instead of sending them
    std::string plain_username;
    std::string plain_password;
    crypto::X25519Key curve_public_key{};  // CURVE: our long-term key pair
    crypto::X25519Key curve_secret_key{};
    crypto::X25519Key curve_server_key{};  // CURVE client: the server's long-term public key
    RandomSource random;                   // CURVE: transient keys and nonces
    std::string zap_domain;                // NULL: non-empty = ask the ZAP handler about every peer
};

// The flags inside an encrypted MESSAGE (CURVE): the frame's MORE and COMMAND bits.
constexpr uint8_t kEncryptedFlagMore = 0x01;
constexpr uint8_t kEncryptedFlagCommand = 0x02;

// Greeting name of a mechanism ("NULL", "PLAIN").
std::string_view mechanism_name(MechanismKind kind);

class Mechanism {
public:
    enum class Status { handshaking, ready, failed };

    // `our_properties`: the encoded metadata (Socket-Type, Identity) we announce in READY
    // or INITIATE; `routing_id` goes into ZAP requests as libzmq sends it.
    Mechanism(SocketType our_type, std::vector<uint8_t> our_properties, std::string routing_id,
              SecurityConfig security);
    virtual ~Mechanism() = default;
    Mechanism(const Mechanism&) = delete;
    Mechanism& operator=(const Mechanism&) = delete;

    static std::unique_ptr<Mechanism> create(SocketType our_type,
                                             std::vector<uint8_t> our_properties,
                                             std::string routing_id, SecurityConfig security);

    virtual std::string_view name() const = 0;
    virtual void start(std::vector<uint8_t>& out) = 0;
    virtual void on_command(const Command& command, std::vector<uint8_t>& out) = 0;
    // The handler's reply (a whole multipart message). Malformed replies fail the
    // handshake with the ZAP protocol error libzmq reports.
    void on_zap_reply(const Message& reply, std::vector<uint8_t>& out);
    // No handler is bound at inproc://zeromq.zap.01.
    virtual void on_zap_unavailable(std::vector<uint8_t>& out) = 0;

    const ZapRequest* zap_request() const noexcept {
        return zap_request_ ? &*zap_request_ : nullptr;
    }
    Status status() const noexcept { return status_; }
    const HandshakeFailure& failure() const noexcept { return failure_; }
    const std::string& error() const noexcept { return error_; }
    // Once ready: the peer's metadata, plus "User-Id" and the ZAP handler's metadata when a
    // handler approved the peer.
    const std::map<std::string, std::string>& peer_properties() const noexcept {
        return peer_properties_;
    }
    SocketType peer_type() const noexcept { return peer_type_; }

    // Encryption after the handshake (CURVE). The flags are a frame's MORE (1) and
    // COMMAND (2) bits as they travel inside the MESSAGE box.
    virtual bool encrypts() const noexcept { return false; }
    // Appends the whole wire frame (header and MESSAGE command) carrying `body`.
    virtual void encrypt_frame(uint8_t flags, std::span<const uint8_t> body,
                               std::vector<uint8_t>& out);
    // A received frame: false = not a valid MESSAGE from the peer, `error` says why and
    // `failure` how the monitor reports it.
    virtual bool decrypt_frame(std::span<const uint8_t> frame, uint8_t& flags,
                               std::vector<uint8_t>& body, HandshakeFailure& failure,
                               std::string& error);

    // Fails the handshake (e.g. a peer's ERROR command, seen by the connection).
    void fail(FailureKind kind, int code, std::string reason);

protected:
    // A judged ZAP verdict: 200 continues the handshake, anything else failed it already
    // (the subclass only sends ERROR where RFC 27 wants one).
    virtual void on_zap_verdict(const ZapReply& reply, std::vector<uint8_t>& out) = 0;

    // Fails and tells the peer why in an ERROR command.
    void refuse(std::vector<uint8_t>& out, FailureKind kind, int code, std::string reason);
    // Parses and checks the peer's metadata (READY or INITIATE): Socket-Type must be
    // present and compatible with ours. false = refused (ERROR queued, failed).
    bool accept_peer_metadata(std::span<const uint8_t> data, std::string_view command,
                              int malformed_code, std::vector<uint8_t>& out);
    void ask_zap(std::string mechanism, std::vector<std::string> credentials);
    void become_ready() { status_ = Status::ready; }
    // 300 fails silently (RFC 27: a temporary failure, no ERROR); 400 and 500 queue an
    // ERROR carrying the status code, which the peer's monitor reports.
    void fail_on_zap_status(const ZapReply& reply, std::vector<uint8_t>& out);

    SocketType our_type_;
    std::vector<uint8_t> our_properties_;
    std::string routing_id_;
    SecurityConfig security_;

private:
    Status status_ = Status::handshaking;
    HandshakeFailure failure_;
    std::string error_;
    std::optional<ZapRequest> zap_request_;
    std::map<std::string, std::string> peer_properties_;
    std::map<std::string, std::string> zap_properties_;
    SocketType peer_type_ = SocketType::pair;
};

}  // namespace sculpin::wire
