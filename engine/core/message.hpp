// A Message is a multipart ZeroMQ message: an ordered list of Frames that travels
// atomically (all frames or none). The first kInlineFrames frames live inside the
// Message, so the usual one- or two-frame message needs no allocation of its own.
#pragma once

#include <cassert>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/frame.hpp"

namespace sculpin {

class Message {
public:
    static constexpr size_t kInlineFrames = 2;

    Message() = default;
    Message(std::initializer_list<std::string_view> parts) {
        for (auto part : parts) push_back(Frame(part));
    }
    explicit Message(Frame frame) { push_back(std::move(frame)); }
    // One text frame. (Coroutines should use this rather than a braced list: g++ 12
    // rejects initializer_list temporaries inside coroutine bodies.)
    static Message text(std::string_view part) { return Message(Frame(part)); }

    size_t size() const noexcept { return count_; }
    bool empty() const noexcept { return count_ == 0; }

    Frame& operator[](size_t i) noexcept {
        assert(i < count_);
        return i < kInlineFrames ? inline_[i] : overflow_[i - kInlineFrames];
    }
    const Frame& operator[](size_t i) const noexcept {
        assert(i < count_);
        return i < kInlineFrames ? inline_[i] : overflow_[i - kInlineFrames];
    }
    Frame& front() noexcept { return (*this)[0]; }
    const Frame& front() const noexcept { return (*this)[0]; }
    Frame& back() noexcept { return (*this)[count_ - 1]; }
    const Frame& back() const noexcept { return (*this)[count_ - 1]; }

    void push_back(Frame frame) {
        if (count_ < kInlineFrames) {
            inline_[count_] = std::move(frame);
        } else {
            overflow_.push_back(std::move(frame));
        }
        ++count_;
    }
    // Prepends a frame (ROUTER puts the routing id in front). O(number of frames).
    void push_front(Frame frame);
    // Removes and returns the first frame. O(number of frames).
    Frame pop_front();

    void clear() noexcept {
        for (size_t i = 0; i < kInlineFrames; ++i) inline_[i].reset();
        overflow_.clear();
        count_ = 0;
    }

    // Sum of the frames' sizes.
    size_t size_bytes() const noexcept {
        size_t total = 0;
        for (size_t i = 0; i < count_; ++i) total += (*this)[i].size();
        return total;
    }

    // Frames joined by '|', a non-printable frame as 0x<hex>: the `sculpin sock` format.
    std::string to_display_string() const;

    friend bool operator==(const Message& a, const Message& b) noexcept {
        if (a.count_ != b.count_) return false;
        for (size_t i = 0; i < a.count_; ++i)
            if (!(a[i] == b[i])) return false;
        return true;
    }

    // Set by whoever accounts for messages (the simulator's ledger); carried along
    // pipes untouched. Zero means "not traced".
    uint64_t trace_id = 0;

private:
    Frame inline_[kInlineFrames];
    std::vector<Frame> overflow_;
    size_t count_ = 0;
};

}  // namespace sculpin
