#include "wire/frame_decoder.hpp"

#include <cassert>
#include <cstdlib>
#include <cstring>

#include "wire/printable.hpp"

namespace sculpin::wire {

namespace {
// Frames up to this size take the ordinary Frame::with_size path (one allocation); see
// begin_body() for the larger ones.
constexpr uint64_t kDirectAllocationMaxBytes = uint64_t{1} << 30;
}  // namespace

FrameDecoder::Result FrameDecoder::fail(std::string what) {
    stage_ = Stage::failed;
    frame_.reset();
    body_ = nullptr;
    error_ = "frame at stream offset " + std::to_string(frame_start_offset_bytes_) + ": " + what;
    return Result::error;
}

bool FrameDecoder::check_body_size(uint64_t size_bytes) {
    if (size_bytes > static_cast<uint64_t>(INT64_MAX)) {
        fail("length " + std::to_string(size_bytes) +
             " has the top bit set; ZMTP lengths are at most 2^63-1");
        return false;
    }
    if (is_command()) {
        if (size_bytes > max_command_bytes_) {
            fail("command frame of " + std::to_string(size_bytes) + " bytes exceeds the " +
                 std::to_string(max_command_bytes_) + "-byte limit for commands");
            return false;
        }
    } else if (max_message_bytes_ >= 0) {
        const auto limit = static_cast<uint64_t>(max_message_bytes_);
        if (size_bytes > limit) {
            fail("frame of " + std::to_string(size_bytes) + " bytes exceeds MAXMSGSIZE (" +
                 std::to_string(limit) + " bytes)");
            return false;
        }
        // Both terms are <= limit <= INT64_MAX here, so the sum cannot wrap.
        if (message_bytes_so_far_ + size_bytes > limit) {
            fail("multipart message reaches " + std::to_string(message_bytes_so_far_ + size_bytes) +
                 " bytes, exceeds MAXMSGSIZE (" + std::to_string(limit) + " bytes)");
            return false;
        }
    } else if (size_bytes > kMaxFrameBytesWithoutLimit) {
        fail("frame length " + std::to_string(size_bytes) +
             " exceeds what this peer accepts (2^48 bytes; set MAXMSGSIZE to go lower)");
        return false;
    }
    return true;
}

bool FrameDecoder::begin_body(uint64_t size_bytes) {
    if (!check_body_size(size_bytes)) return false;
    if (size_bytes <= kDirectAllocationMaxBytes) {
        frame_ = Frame::with_size(static_cast<size_t>(size_bytes));
    } else {
        // Huge but within the limits: this is where an allocation really can fail (a
        // peer's claim, not our memory), and Frame::with_size cannot report that safely,
        // so take the bytes from malloc ourselves and hand them to the Frame. Failure
        // drops the connection, not the process.
        void* bytes = std::malloc(static_cast<size_t>(size_bytes));
        if (bytes == nullptr) {
            fail("cannot allocate " + std::to_string(size_bytes) + " bytes for a frame");
            return false;
        }
        frame_ = Frame::adopt(
            bytes, static_cast<size_t>(size_bytes), [](void* data, void*) { std::free(data); },
            nullptr);
    }
    body_size_bytes_ = size_bytes;
    body_got_bytes_ = 0;
    // Taken after the frame is in place: an inline frame's bytes move with the Frame.
    body_ = size_bytes > 0 ? frame_.mutable_data() : nullptr;
    stage_ = Stage::body;
    return true;
}

FrameDecoder::Result FrameDecoder::decode(std::span<const uint8_t> input, size_t& consumed,
                                          SharedBuffer* backing) {
    assert(consumed <= input.size());
    if (stage_ == Stage::failed) return Result::error;
    while (true) {
        switch (stage_) {
            case Stage::flags: {
                if (consumed == input.size()) return Result::need_more;
                frame_start_offset_bytes_ = stream_offset_bytes_;
                frame_.reset();
                flags_ = input[consumed++];
                ++stream_offset_bytes_;
                if ((flags_ & kFlagsReserved) != 0) {
                    return fail("flags byte " + hex_byte(flags_) +
                                " has reserved bits set (stream out of step or not ZMTP)");
                }
                if ((flags_ & kFlagCommand) != 0 && (flags_ & kFlagMore) != 0) {
                    return fail("command frame with the MORE flag (flags " + hex_byte(flags_) +
                                ")");
                }
                if ((flags_ & kFlagCommand) == 0 && !data_frames_allowed_) {
                    return fail("data frame before the handshake completed (expected READY)");
                }
                size_field_need_ = (flags_ & kFlagLong) != 0 ? 8 : 1;
                size_field_got_ = 0;
                stage_ = Stage::size;
                break;
            }
            case Stage::size: {
                const size_t available = input.size() - consumed;
                const size_t wanted = size_field_need_ - size_field_got_;
                const size_t take = available < wanted ? available : wanted;
                if (take == 0) return Result::need_more;
                std::memcpy(size_field_ + size_field_got_, input.data() + consumed, take);
                consumed += take;
                stream_offset_bytes_ += take;
                size_field_got_ += take;
                if (size_field_got_ < size_field_need_) return Result::need_more;
                const uint64_t size_bytes =
                    size_field_need_ == 8 ? get_u64_be(size_field_) : size_field_[0];
                if (backing != nullptr && !is_command() && size_bytes > Frame::kInlineCapacity &&
                    size_bytes <= input.size() - consumed) {
                    // Whole in a shared receive buffer: reference it, copy nothing.
                    if (!check_body_size(size_bytes)) return Result::error;
                    assert(input.data() >= backing->data &&
                           input.data() + input.size() <= backing->data + backing->size_bytes);
                    const auto size = static_cast<size_t>(size_bytes);
                    frame_ = Frame::share(backing, input.data() + consumed, size);
                    consumed += size;
                    stream_offset_bytes_ += size;
                    body_size_bytes_ = size_bytes;
                    body_got_bytes_ = size_bytes;
                    body_ = nullptr;
                    stage_ = Stage::flags;
                    message_bytes_so_far_ = more() ? message_bytes_so_far_ + size_bytes : 0;
                    return Result::frame;
                }
                if (!begin_body(size_bytes)) return Result::error;
                break;
            }
            case Stage::body: {
                const uint64_t wanted = body_size_bytes_ - body_got_bytes_;
                const size_t available = input.size() - consumed;
                const size_t take = available < wanted ? available : static_cast<size_t>(wanted);
                if (take > 0) {
                    std::memcpy(body_ + body_got_bytes_, input.data() + consumed, take);
                    consumed += take;
                    stream_offset_bytes_ += take;
                    body_got_bytes_ += take;
                }
                if (body_got_bytes_ < body_size_bytes_) return Result::need_more;
                body_ = nullptr;
                stage_ = Stage::flags;
                if (!is_command()) {
                    message_bytes_so_far_ = more() ? message_bytes_so_far_ + body_size_bytes_ : 0;
                }
                return Result::frame;
            }
            case Stage::failed:
                return Result::error;
        }
    }
}

}  // namespace sculpin::wire
