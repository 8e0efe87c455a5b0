#include "transport/stream_session.hpp"

#include <cassert>
#include <cerrno>
#include <cstring>

namespace sculpin {

namespace {
// Rounds of read/decode/encode/write per call before yielding to other sessions.
constexpr int kRoundsPerPump = 16;
constexpr size_t kMaxSlices = 64;
// A receive buffer holds this many reads: a new one is taken at most once per this many
// reads, and a few small frames pin at most this many read sizes of memory.
constexpr size_t kReadsPerBuffer = 2;
}  // namespace

StreamSession::StreamSession(std::unique_ptr<ByteStream> stream, wire::ZmtpConfig config,
                             std::string peer_address, SessionOwner& owner, uint64_t id)
    : StreamSession(std::move(stream), std::make_unique<wire::ZmtpConnection>(std::move(config)),
                    std::move(peer_address), owner, id) {}

StreamSession::StreamSession(std::unique_ptr<ByteStream> stream,
                             std::unique_ptr<wire::SessionCodec> codec, std::string peer_address,
                             SessionOwner& owner, uint64_t id)
    : stream_(std::move(stream)),
      id_(id),
      codec_(std::move(codec)),
      peer_address_(std::move(peer_address)),
      owner_(owner) {
    assert(codec_);
}

StreamSession::~StreamSession() {
    if (read_buffer_ != nullptr) read_buffer_->release();
}

std::span<uint8_t> StreamSession::read_space(size_t size_bytes) {
    if (read_buffer_ != nullptr) {
        if (read_buffer_->refs.load(std::memory_order_acquire) == 1) {
            // Nobody points into it: read from the start again, so a session of small
            // (inline, copied) messages keeps touching the same few cache-hot pages, and
            // a simulation of a thousand sessions does not hold a thousand warm buffers.
            read_used_bytes_ = 0;
        } else if (read_buffer_->size_bytes - read_used_bytes_ < size_bytes) {
            read_buffer_->release();  // the last frame to go frees it
            read_buffer_ = nullptr;
        }
    }
    if (read_buffer_ == nullptr) {
        read_buffer_ = SharedBuffer::allocate(size_bytes * kReadsPerBuffer);
        read_used_bytes_ = 0;
    }
    return {read_buffer_->data + read_used_bytes_, size_bytes};
}

void StreamSession::start(int64_t now_ms) {
    codec_->start(now_ms);
}

void SessionOwner::zap_request(StreamSession& session, const wire::ZapRequest&) {
    session.answer_zap(nullptr);
}

void StreamSession::answer_zap(const Message* reply) {
    assert(zap_state_ == ZapState::asked);
    zap_state_ = ZapState::answered;
    zap_has_reply_ = reply != nullptr;
    if (reply != nullptr) zap_reply_ = *reply;
}

bool StreamSession::apply_zap_answer(int64_t now_ms) {
    zap_state_ = ZapState::done;
    const bool ok = zap_has_reply_ ? codec_->on_zap_reply(zap_reply_, now_ms)
                                   : codec_->on_zap_unavailable(now_ms);
    zap_reply_.clear();
    return ok;
}

StreamSession::Status StreamSession::on_readable(int64_t now_ms, std::span<uint8_t> scratch) {
    fd_readable_ = true;
    return pump(now_ms, scratch);
}

StreamSession::Status StreamSession::on_writable(int64_t now_ms, std::span<uint8_t> scratch) {
    fd_writable_ = true;
    return pump(now_ms, scratch);
}

StreamSession::Status StreamSession::on_timer(int64_t now_ms, std::span<uint8_t> scratch) {
    if (closed_) return Status::closed;
    if (!codec_->on_timer(now_ms)) {
        flush_output();  // an ERROR command may be queued; best effort
        return close_with(codec_->error(), codec_->failure());
    }
    return pump(now_ms, scratch);
}

StreamSession::Status StreamSession::close_lost(std::string reason,
                                                wire::HandshakeFailure failure) {
    Message farewell;
    if (!closed_ && pipe_ && !pipe_->closed() && codec_->farewell(farewell)) {
        // Past the HWM if need be: it is the last message of this connection.
        farewell.trace_id = 0;
        pipe_->write_forced(farewell);
    }
    return close_with(std::move(reason), failure);
}

StreamSession::Status StreamSession::close_with(std::string reason,
                                                wire::HandshakeFailure failure) {
    if (!closed_) {
        closed_ = true;
        reason_ = std::move(reason);
        failure_ = failure;
    }
    return Status::closed;
}

bool StreamSession::flush_output() {
    wire::OutputSlice slices[kMaxSlices];
    const size_t count = codec_->output_slices(slices, kMaxSlices);
    if (count == 0) return true;
    const IoResult result = stream_->write(slices, count);
    if (result.error == 0) {
        codec_->consume_output(result.bytes);
        return true;
    }
    if (result.would_block()) {
        fd_writable_ = false;
        return true;
    }
    reason_ = std::string("write: ") + std::strerror(result.error);
    failure_ = {wire::FailureKind::no_detail, result.error};
    return false;
}

StreamSession::Status StreamSession::pump(int64_t now_ms, std::span<uint8_t> scratch) {
    if (closed_) return Status::closed;
    for (int round = 0; round < kRoundsPerPump; ++round) {
        bool progress = false;

        // 0. The handshake waits for the ZAP handler: ask once, apply the answer when the
        //    owner has it (it may answer at once, from inside zap_request()).
        if (zap_state_ == ZapState::none && codec_->zap_request() != nullptr) {
            zap_state_ = ZapState::asked;
            owner_.zap_request(*this, *codec_->zap_request());
            progress = true;
        }
        if (zap_state_ == ZapState::answered) {
            if (!apply_zap_answer(now_ms)) {
                flush_output();  // an ERROR command may be queued
                return close_with(codec_->error(), codec_->failure());
            }
            progress = true;
        }

        // 1. Decoded messages into the pipe, until it is full; visible to the reader as one
        //    batch.
        if (codec_->ready()) {
            if (!pipe_) {
                std::string refusal;
                pipe_ = owner_.session_ready(*this, codec_->peer(), &refusal);
                if (!pipe_) return close_with(refusal.empty() ? "refused" : refusal);
                progress = true;
            }
            while (true) {
                if (!has_stalled_) {
                    if (!codec_->pop_message(stalled_)) break;
                    stalled_.trace_id = stream_->message_decoded();
                    has_stalled_ = true;
                }
                if (!pipe_->write_unpublished(stalled_)) break;  // at RCVHWM: the pipe wakes us
                has_stalled_ = false;
                progress = true;
            }
            pipe_->publish();
            // pop_message() decodes what feed() left for later, and may find a violation.
            if (codec_->failed()) {
                flush_output();
                return close_with(codec_->error(), codec_->failure());
            }
        }

        // 2. More bytes from the kernel, only when nothing decoded is waiting: that is
        //    what makes a full pipe push back through TCP.
        if (fd_readable_ && !peer_eof_ && !has_stalled_ && codec_->pending_messages() == 0) {
            const std::span<uint8_t> into = read_space(scratch.size());
            const IoResult result = stream_->read(into);
            if (result.bytes > 0) {
                read_used_bytes_ += result.bytes;
                // A short read emptied the kernel's buffer: the next arrival is a new edge.
                if (result.bytes < into.size() && stream_->short_read_drains())
                    fd_readable_ = false;
                if (!codec_->feed(into.first(result.bytes), now_ms, read_buffer_)) {
                    // Deliver what was decoded before the violation, then go.
                    if (codec_->ready() && pipe_) {
                        Message msg;
                        while (codec_->pop_message(msg)) {
                            msg.trace_id = stream_->message_decoded();
                            if (!pipe_->write(msg)) break;
                        }
                    }
                    flush_output();
                    return close_with(codec_->error(), codec_->failure());
                }
                progress = true;
            } else if (result.end_of_stream()) {
                peer_eof_ = true;
                progress = true;
            } else if (result.would_block()) {
                fd_readable_ = false;
            } else {
                return close_lost(std::string("read: ") + std::strerror(result.error),
                                  {wire::FailureKind::no_detail, result.error});
            }
        }

        // 3. Messages from the socket into the encoder, one batch at a time.
        if (codec_->ready() && pipe_) {
            Message msg;
            while (codec_->output_size_bytes() < kBatchBytes && pipe_->read(msg)) {
                codec_->send_message(msg);
                stream_->message_encoded(msg.trace_id, codec_->output_size_bytes());
                progress = true;
            }
        }

        // 4. Encoded bytes to the kernel.
        if (fd_writable_ && codec_->output_size_bytes() > 0) {
            const size_t before = codec_->output_size_bytes();
            if (!flush_output()) return close_lost(reason_, failure_);
            if (codec_->output_size_bytes() != before) progress = true;
        }

        if (peer_eof_ && !has_stalled_ && codec_->pending_messages() == 0)
            return close_lost("connection closed by peer", {wire::FailureKind::no_detail, EPIPE});
        if (pipe_ && pipe_->peer_closed() && !pipe_->readable() && codec_->output_size_bytes() == 0)
            return close_with(std::string(kSocketClosed));
        if (!progress) return Status::idle;
    }
    return Status::busy;
}

}  // namespace sculpin
