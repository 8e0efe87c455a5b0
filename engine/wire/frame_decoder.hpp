// Incremental decoder for ZMTP 3.x frames (data and command), after the greeting.
//
// Bytes may arrive in any split, down to one at a time; the header is gathered in a
// fixed 9-byte array and the body is copied straight from the input into the Frame
// that will carry it, so there is no intermediate receive buffer to bound or compact.
//
// Every declared length is judged before anything is allocated for it: a header that
// claims 2^62 bytes fails at once, it never reaches malloc.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/frame.hpp"
#include "wire/frame_header.hpp"

namespace sculpin::wire {

// Without a MAXMSGSIZE a frame can still not be larger than this. A length header is 8
// bytes of the peer's choosing; honouring 2^62 would mean asking for 4 EiB. 2^48 bytes
// (256 TiB) is beyond any real message and beyond what a process can map, so anything
// above it is a broken or hostile peer, not a big message.
constexpr uint64_t kMaxFrameBytesWithoutLimit = uint64_t{1} << 48;

class FrameDecoder {
public:
    enum class Result {
        need_more,  // all input consumed, no complete frame yet
        frame,      // a frame is complete: is_command(), more(), frame()
        error,      // protocol violation: error(); the decoder stays failed
    };

    // max_message_bytes: MAXMSGSIZE (-1 = none), applied to each data frame and to the
    // running total of a multipart message. max_command_bytes: cap for command frames.
    void set_limits(int64_t max_message_bytes, uint64_t max_command_bytes) noexcept {
        max_message_bytes_ = max_message_bytes;
        max_command_bytes_ = max_command_bytes;
    }
    // During the handshake only commands may arrive; a data frame fails at its flags
    // byte, before its length can make us allocate anything.
    void set_data_frames_allowed(bool allowed) noexcept { data_frames_allowed_ = allowed; }
    // Offset of the first byte this decoder sees in the peer's stream, for error texts.
    void set_stream_offset(uint64_t offset_bytes) noexcept { stream_offset_bytes_ = offset_bytes; }

    // Consumes input from input[consumed] on, advancing `consumed`, and stops as soon as
    // one frame is complete (so the caller can act on a command before the next frame).
    // When `input` lies inside `backing`, a data frame too large to be inline that is
    // whole in the input is not copied: the Frame shares `backing` (one refcount instead
    // of an allocation and a copy per message).
    Result decode(std::span<const uint8_t> input, size_t& consumed,
                  SharedBuffer* backing = nullptr);

    bool is_command() const noexcept { return (flags_ & kFlagCommand) != 0; }
    bool more() const noexcept { return (flags_ & kFlagMore) != 0; }
    // The completed frame; the caller may move it out. Valid until the next decode().
    Frame& frame() noexcept { return frame_; }
    const std::string& error() const noexcept { return error_; }

private:
    enum class Stage { flags, size, body, failed };

    Result fail(std::string what);
    // Judges the declared body size; false = error set.
    bool check_body_size(uint64_t size_bytes);
    // Judges the declared body size and allocates the frame; false = error set.
    bool begin_body(uint64_t size_bytes);

    Stage stage_ = Stage::flags;
    uint8_t flags_ = 0;
    uint8_t size_field_[8] = {};
    size_t size_field_got_ = 0;
    size_t size_field_need_ = 0;
    uint64_t body_size_bytes_ = 0;
    uint64_t body_got_bytes_ = 0;
    uint8_t* body_ = nullptr;  // into frame_, valid while stage_ == body
    Frame frame_;
    uint64_t message_bytes_so_far_ = 0;  // data frames of the current multipart message
    int64_t max_message_bytes_ = -1;
    uint64_t max_command_bytes_ = 0;
    bool data_frames_allowed_ = true;
    uint64_t stream_offset_bytes_ = 0;  // of the next byte to consume
    uint64_t frame_start_offset_bytes_ = 0;
    std::string error_;
};

}  // namespace sculpin::wire
