#include "wire/raw_connection.hpp"

#include <algorithm>
#include <cassert>

namespace sculpin::wire {

RawConnection::RawConnection(RawConfig config) : config_(config) {
    peer_.socket_type = SocketType::stream;
}

void RawConnection::start(int64_t) {
    assert(!started_);
    started_ = true;
    if (config_.notify) {
        Message hello;
        hello.push_back(Frame());
        inbox_.push(hello);
    }
}

bool RawConnection::feed(std::span<const uint8_t> bytes, int64_t, SharedBuffer* backing) {
    assert(started_ && "start() before feed()");
    if (bytes.empty()) return true;
    // One chunk, one message: the receive buffer is shared, not copied, when it holds
    // the bytes and the chunk is too large to sit inside a Frame.
    const bool in_backing = backing != nullptr && bytes.data() >= backing->data &&
                            bytes.data() + bytes.size() <= backing->data + backing->size_bytes;
    Message chunk(in_backing && bytes.size() > Frame::kInlineCapacity
                      ? Frame::share(backing, bytes.data(), bytes.size())
                      : Frame(bytes.data(), bytes.size()));
    inbox_.push(chunk);
    return true;
}

void RawConnection::send_message(const Message& msg) {
    for (size_t i = 0; i < msg.size(); ++i)
        if (!msg[i].empty()) output_.append_frame(msg[i]);
}

size_t RawConnection::output_slices(OutputSlice* slices, size_t max_slices) const {
    const size_t count = std::min(max_slices, output_.slice_count());
    for (size_t i = 0; i < count; ++i) {
        const std::span<const uint8_t> slice = output_.slice(i);
        slices[i] = OutputSlice{slice.data(), slice.size()};
    }
    return count;
}

bool RawConnection::farewell(Message& out) {
    if (!config_.notify || farewell_given_ || !started_) return false;
    farewell_given_ = true;
    out.clear();
    out.push_back(Frame());
    return true;
}

}  // namespace sculpin::wire
