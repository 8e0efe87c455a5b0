#include "wire/output_queue.hpp"

#include <cassert>
#include <cstring>
#include <utility>

namespace sculpin::wire {

void OutputQueue::append_bytes(std::span<const uint8_t> bytes) {
    if (bytes.empty()) return;
    compact();
    const size_t begin = bytes_.size();
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
    size_bytes_ += bytes.size();
    // Extend the last slice when it is a byte slice that ends where we just wrote:
    // a burst of small messages then goes out as one contiguous slice.
    if (head_ < slices_.size()) {
        Slice& last = slices_.back();
        if (last.frame.empty() && last.begin_bytes + last.size_bytes == begin) {
            last.size_bytes += bytes.size();
            return;
        }
    }
    slices_.push_back(Slice{begin, bytes.size(), Frame()});
}

void OutputQueue::append_frame(const Frame& frame, size_t offset_bytes) {
    assert(offset_bytes <= frame.size());
    const size_t size = frame.size() - offset_bytes;
    if (size < kZeroCopyThresholdBytes || !frame.is_shared()) {
        append_bytes({frame.data() + offset_bytes, size});
        return;
    }
    compact();
    slices_.push_back(Slice{offset_bytes, size, frame});  // refcount bump, no byte copy
    size_bytes_ += size;
}

std::span<const uint8_t> OutputQueue::slice(size_t i) const noexcept {
    assert(head_ + i < slices_.size());
    const Slice& s = slices_[head_ + i];
    const uint8_t* base = s.frame.empty() ? bytes_.data() : s.frame.data();
    return {base + s.begin_bytes, s.size_bytes};
}

void OutputQueue::consume(size_t bytes) noexcept {
    assert(bytes <= size_bytes_);
    size_bytes_ -= bytes;
    while (bytes > 0) {
        assert(head_ < slices_.size());
        Slice& s = slices_[head_];
        if (bytes < s.size_bytes) {
            s.begin_bytes += bytes;
            s.size_bytes -= bytes;
            return;
        }
        bytes -= s.size_bytes;
        s.frame.reset();  // release a referenced frame as soon as it is written
        ++head_;
    }
    if (head_ == slices_.size()) {
        // Drained: reset both buffers in place, keeping their capacity.
        slices_.clear();
        bytes_.clear();
        head_ = 0;
    }
}

void OutputQueue::compact() noexcept {
    // Each part only moves when its written prefix is at least half of what is stored,
    // so the moves cost no more than the appends that filled the buffers (amortised O(1)).
    size_t first_byte = bytes_.size();  // first byte of bytes_ still pending
    for (size_t i = head_; i < slices_.size(); ++i) {
        // Every frame slice follows its header's byte slice, so this stops within two.
        if (slices_[i].frame.empty()) {
            first_byte = slices_[i].begin_bytes;
            break;
        }
    }
    if (first_byte > 0 && first_byte * 2 >= bytes_.size()) {
        std::memmove(bytes_.data(), bytes_.data() + first_byte, bytes_.size() - first_byte);
        bytes_.resize(bytes_.size() - first_byte);
        for (size_t i = head_; i < slices_.size(); ++i)
            if (slices_[i].frame.empty()) slices_[i].begin_bytes -= first_byte;
    }
    if (head_ > 0 && head_ * 2 >= slices_.size()) {
        for (size_t i = head_; i < slices_.size(); ++i) slices_[i - head_] = std::move(slices_[i]);
        slices_.resize(slices_.size() - head_);
        head_ = 0;
    }
}

}  // namespace sculpin::wire
