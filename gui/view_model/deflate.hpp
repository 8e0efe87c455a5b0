// A small zlib (RFC 1950) compressor for the PNG writer: DEFLATE (RFC 1951) with the fixed
// Huffman codes and greedy LZ77 matching over a 32 KiB window. Screenshots are large flat
// areas and repeated rows, which this shrinks ~50x without a compression library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sculpin::gui {

// The zlib stream (header, one fixed-Huffman block, Adler-32) of `size` bytes.
std::vector<uint8_t> zlib_compress(const uint8_t* data, size_t size);

uint32_t adler32(const uint8_t* data, size_t size);

}  // namespace sculpin::gui
