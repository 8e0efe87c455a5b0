// Pending output for one connection: a queue of slices, each either a run of bytes in
// one reusable byte buffer (headers, small frames, commands — copied) or a reference to
// a large Frame (kept alive by a ref-counted Frame copy, its bytes never copied).
//
// The writer asks for the slices (for writev or the simulated link), writes what it can,
// and consumes that many bytes, possibly ending in the middle of a slice. In steady
// state nothing allocates: both vectors keep their capacity and are reset when drained.
//
// Bound: the queue holds what the socket layer sends; the socket's HWM bounds it in
// messages and output_size_bytes() lets the driver stop pulling from the pipe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/frame.hpp"

namespace sculpin::wire {

// Frames at least this large are referenced, not copied. Below it a copy is cheaper
// than a separate slice (one more iovec, one more refcount round trip).
constexpr size_t kZeroCopyThresholdBytes = 8 * 1024;

class OutputQueue {
public:
    // Copies bytes to the end of the queue.
    void append_bytes(std::span<const uint8_t> bytes);
    // Queues frame bytes [offset_bytes, size): copied when small, referenced when large.
    void append_frame(const Frame& frame, size_t offset_bytes = 0);

    size_t size_bytes() const noexcept { return size_bytes_; }
    bool empty() const noexcept { return size_bytes_ == 0; }
    // Bytes held in the copy buffer, written or not: what compaction keeps bounded.
    size_t buffered_bytes() const noexcept { return bytes_.size(); }
    size_t slice_count() const noexcept { return slices_.size() - head_; }
    // The i-th pending slice (0 = next to write). Invalidated by any append or consume.
    std::span<const uint8_t> slice(size_t i) const noexcept;
    // Drops the first `bytes` pending bytes (at most size_bytes()).
    void consume(size_t bytes) noexcept;

private:
    struct Slice {
        size_t begin_bytes;  // offset into bytes_ (byte slice) or into frame's data
        size_t size_bytes;   // bytes still pending
        Frame frame;         // non-empty = slice of this frame, else of bytes_
    };

    void compact() noexcept;

    std::vector<uint8_t> bytes_;  // byte slices point into here, in order
    std::vector<Slice> slices_;   // pending slices are [head_, size)
    size_t head_ = 0;
    size_t size_bytes_ = 0;
};

}  // namespace sculpin::wire
