// A minimal PNG encoder for the mock's generated images: 8-bit RGB, no interlace, pixel rows
// stored uncompressed inside a valid zlib stream (stored deflate blocks), so any decoder
// reads the result without the mock linking zlib.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace veyra::mock {

struct RgbImage {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::vector<std::uint8_t> pixels;  // width * height * 3 bytes, rows top to bottom
};

// The PNG file bytes of `image`. REQUIRES: width and height > 0 and pixels.size() ==
// width * height * 3.
std::string encode_png(const RgbImage& image);

// CRC-32 (ISO 3309, as PNG chunks use) and Adler-32 (as zlib streams end with). Exposed for
// tests of the encoder.
std::uint32_t crc32(std::string_view bytes);
std::uint32_t adler32(std::string_view bytes);

}  // namespace veyra::mock
