// ZMQ_STREAM's "protocol": none. Bytes from the peer become one-frame messages, one per
// chunk as it arrived; messages from the socket go out as their bytes, with no framing,
// no greeting and no handshake, so a STREAM socket talks to any TCP peer (an HTTP
// client, a telnet session, a ZMTP peer it has to speak ZMTP to by hand).
//
// With notify on (ZMQ_STREAM_NOTIFY, the default) the socket hears of the connection
// through an empty message at start() and of its end through farewell(): STREAM turns
// both into [routing id][empty].
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "wire/message_ring.hpp"
#include "wire/output_queue.hpp"
#include "wire/session_codec.hpp"
#include "wire/zmtp_connection.hpp"

namespace sculpin::wire {

struct RawConfig {
    bool notify = true;  // empty message on connect and on disconnect
};

class RawConnection final : public SessionCodec {
public:
    explicit RawConnection(RawConfig config);

    void start(int64_t now_ms) override;
    bool feed(std::span<const uint8_t> bytes, int64_t now_ms,
              SharedBuffer* backing = nullptr) override;
    bool ready() const noexcept override { return started_; }
    const ZmtpPeer& peer() const noexcept override { return peer_; }
    bool pop_message(Message& out) override { return inbox_.pop(out); }
    size_t pending_messages() const noexcept override { return inbox_.size(); }
    // Writes the message's frames back to back; empty frames add nothing.
    void send_message(const Message& msg) override;
    size_t output_slices(OutputSlice* slices, size_t max_slices) const override;
    size_t output_size_bytes() const noexcept override { return output_.size_bytes(); }
    void consume_output(size_t bytes) override { output_.consume(bytes); }
    int64_t next_deadline_ms() const noexcept override { return INT64_MAX; }
    bool on_timer(int64_t) override { return true; }
    const std::string& error() const noexcept override { return error_; }
    bool farewell(Message& out) override;

private:
    RawConfig config_;
    ZmtpPeer peer_;  // what the runtime is told: a STREAM peer with no routing id
    bool started_ = false;
    bool farewell_given_ = false;
    MessageRing inbox_;
    OutputQueue output_;
    std::string error_;
};

}  // namespace sculpin::wire
