// The trace's preview of a message: Message::to_display_string() (frames joined by '|', a
// non-printable frame as 0x<hex>), cut to kMaxPreviewChars with "..." when longer. Written
// into a buffer the caller reuses, since every send and delivery is traced with one: the
// display string was built as a fresh std::string for each, and only its first 117
// characters were ever kept. The text is exactly what to_display_string() gives, cut
// (tests/sim/message_preview_test.cpp holds the two together); it is part of every trace
// hash.
#pragma once

#include <string>
#include <string_view>

#include "core/message.hpp"

namespace sculpin::sim {

constexpr size_t kMaxPreviewChars = 120;

// Replaces `out` with the preview of `msg`.
void write_preview(const Message& msg, std::string& out);

// The preview of `msg`, valid while both `msg` and `buffer` are unchanged. The common case,
// one short printable frame, is its own preview: the frame's bytes, without a copy.
// Otherwise it is written into `buffer`.
std::string_view preview_of(const Message& msg, std::string& buffer);

}  // namespace sculpin::sim
