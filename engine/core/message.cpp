#include "core/message.hpp"

namespace sculpin {

void Message::push_front(Frame frame) {
    push_back(Frame());
    for (size_t i = count_ - 1; i > 0; --i) (*this)[i] = std::move((*this)[i - 1]);
    (*this)[0] = std::move(frame);
}

Frame Message::pop_front() {
    assert(count_ > 0);
    Frame first = std::move((*this)[0]);
    for (size_t i = 1; i < count_; ++i) (*this)[i - 1] = std::move((*this)[i]);
    --count_;
    if (count_ >= kInlineFrames) {
        overflow_.pop_back();
    } else {
        inline_[count_].reset();
    }
    return first;
}

static bool is_printable(const Frame& frame) {
    for (size_t i = 0; i < frame.size(); ++i) {
        const uint8_t c = frame.data()[i];
        if (c < 0x20 || c > 0x7e || c == '|') return false;
    }
    return true;
}

std::string Message::to_display_string() const {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < count_; ++i) {
        if (i > 0) out += '|';
        const Frame& frame = (*this)[i];
        if (is_printable(frame)) {
            out += frame.view();
        } else {
            out += "0x";
            for (size_t b = 0; b < frame.size(); ++b) {
                out += kHex[frame.data()[b] >> 4];
                out += kHex[frame.data()[b] & 0xf];
            }
        }
    }
    return out;
}

}  // namespace sculpin
