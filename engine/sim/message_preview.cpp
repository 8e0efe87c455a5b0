#include "sim/message_preview.hpp"

namespace sculpin::sim {

namespace {
constexpr char kHex[] = "0123456789abcdef";
constexpr std::string_view kEllipsis = "...";

// Printable as itself in the display form: ASCII graphic or space, and not the separator.
bool shows_as_text(const Frame& frame) {
    const uint8_t* bytes = frame.data();
    for (size_t i = 0; i < frame.size(); ++i) {
        const uint8_t c = bytes[i];
        if (c < 0x20 || c > 0x7e || c == '|') return false;
    }
    return true;
}
}  // namespace

void write_preview(const Message& msg, std::string& out) {
    out.clear();
    // Past kMaxPreviewChars the rest is cut anyway: stop writing there.
    for (size_t i = 0; i < msg.size() && out.size() <= kMaxPreviewChars; ++i) {
        if (i > 0) out += '|';
        const Frame& frame = msg[i];
        if (shows_as_text(frame)) {
            out += frame.view().substr(0, kMaxPreviewChars + 1);
        } else {
            out += "0x";
            for (size_t b = 0; b < frame.size() && out.size() <= kMaxPreviewChars; ++b) {
                out += kHex[frame.data()[b] >> 4];
                out += kHex[frame.data()[b] & 0xf];
            }
        }
    }
    if (out.size() > kMaxPreviewChars) {
        out.resize(kMaxPreviewChars - kEllipsis.size());
        out += kEllipsis;
    }
}

std::string_view preview_of(const Message& msg, std::string& buffer) {
    if (msg.size() == 1 && msg.front().size() <= kMaxPreviewChars && shows_as_text(msg.front()))
        return msg.front().view();
    write_preview(msg, buffer);
    return buffer;
}

}  // namespace sculpin::sim
