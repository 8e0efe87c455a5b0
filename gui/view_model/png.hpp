// A tiny PNG writer (8-bit RGB or RGBA, compressed by our own deflate.hpp, no compression
// library): enough for screenshots.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sculpin::gui {

// rows top to bottom, `channels` 3 or 4 bytes per pixel. Returns the PNG bytes.
std::vector<uint8_t> encode_png(const uint8_t* pixels, int width, int height, int channels);
bool write_png(const std::string& path, const uint8_t* pixels, int width, int height, int channels);

uint32_t crc32(const uint8_t* data, size_t size, uint32_t crc = 0);

}  // namespace sculpin::gui
