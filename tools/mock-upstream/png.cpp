#include "png.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <string_view>

namespace veyra::mock {
namespace {

constexpr std::string_view kSignature = "\x89PNG\r\n\x1a\n";
constexpr std::size_t kMaxStoredBlock = 65535;  // a stored deflate block's LEN is 16 bits

std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) != 0 ? 0xedb88320U ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}

void put_u32_be(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
}

void put_u16_le(std::string& out, std::uint16_t value) {
  out.push_back(static_cast<char>(value & 0xff));
  out.push_back(static_cast<char>(value >> 8));
}

// Length, type, data, then the CRC of type and data.
void put_chunk(std::string& out, std::string_view type, std::string_view data) {
  put_u32_be(out, static_cast<std::uint32_t>(data.size()));
  std::size_t typed_from = out.size();
  out.append(type).append(data);
  put_u32_be(out, crc32(std::string_view(out).substr(typed_from)));
}

// A zlib stream (RFC 1950) holding `raw` in stored deflate blocks (RFC 1951, BTYPE 00).
std::string zlib_stored(std::string_view raw) {
  std::string out;
  out.reserve(raw.size() + raw.size() / kMaxStoredBlock * 5 + 16);
  // CMF 0x78 (deflate, 32 KiB window) and FLG 0x01: 0x7801 is a multiple of 31, no dictionary.
  out.push_back('\x78');
  out.push_back('\x01');
  std::size_t offset = 0;
  do {
    std::size_t length = std::min(kMaxStoredBlock, raw.size() - offset);
    bool last = offset + length == raw.size();
    out.push_back(last ? '\x01' : '\x00');  // BFINAL, BTYPE 00, padding to the byte
    put_u16_le(out, static_cast<std::uint16_t>(length));
    put_u16_le(out, static_cast<std::uint16_t>(~length & 0xffff));
    out.append(raw.substr(offset, length));
    offset += length;
  } while (offset < raw.size());
  put_u32_be(out, adler32(raw));
  return out;
}

}  // namespace

std::uint32_t crc32(std::string_view bytes) {
  static const std::array<std::uint32_t, 256> kTable = make_crc_table();
  std::uint32_t c = 0xffffffffU;
  for (unsigned char byte : bytes) c = kTable[(c ^ byte) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffU;
}

std::uint32_t adler32(std::string_view bytes) {
  constexpr std::uint32_t kModulus = 65521;
  std::uint32_t a = 1;
  std::uint32_t b = 0;
  for (unsigned char byte : bytes) {
    a = (a + byte) % kModulus;
    b = (b + a) % kModulus;
  }
  return (b << 16) | a;
}

std::string encode_png(const RgbImage& image) {
  assert(image.width > 0 && image.height > 0);
  assert(image.pixels.size() == std::size_t{image.width} * image.height * 3);

  std::string header;
  put_u32_be(header, image.width);
  put_u32_be(header, image.height);
  header.push_back('\x08');  // bit depth
  header.push_back('\x02');  // colour type: truecolour RGB
  header.push_back('\x00');  // compression method: deflate
  header.push_back('\x00');  // filter method: adaptive
  header.push_back('\x00');  // interlace: none

  // Every scanline starts with its filter type; 0 (None) keeps the pixels as they are.
  std::size_t stride = std::size_t{image.width} * 3;
  std::string scanlines;
  scanlines.reserve((stride + 1) * image.height);
  for (std::uint32_t y = 0; y < image.height; ++y) {
    scanlines.push_back('\x00');
    auto row = image.pixels.begin() + static_cast<std::ptrdiff_t>(y * stride);
    scanlines.append(row, row + static_cast<std::ptrdiff_t>(stride));
  }

  std::string png(kSignature);
  put_chunk(png, "IHDR", header);
  put_chunk(png, "IDAT", zlib_stored(scanlines));
  put_chunk(png, "IEND", {});
  return png;
}

}  // namespace veyra::mock
