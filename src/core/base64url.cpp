#include "core/base64url.h"

#include <array>
#include <cstdint>

namespace veyra {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Characters outside the alphabet map to kInvalid; its high bit survives OR-ing four
// sextets together, so a whole quad is checked with one test.
constexpr std::uint8_t kInvalid = 0x80;

constexpr std::array<std::uint8_t, 256> kSextets = [] {
  std::array<std::uint8_t, 256> table{};
  table.fill(kInvalid);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return table;
}();

std::uint32_t sextet(char c) {
  return kSextets[static_cast<unsigned char>(c)];
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string text(bytes.size() / 3 * 4 + (bytes.size() % 3 == 0 ? 0 : bytes.size() % 3 + 1), '\0');
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  char* out = text.data();

  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = (in[i] << 16) | (in[i + 1] << 8) | in[i + 2];
    *out++ = kAlphabet[(group >> 18) & 0x3f];
    *out++ = kAlphabet[(group >> 12) & 0x3f];
    *out++ = kAlphabet[(group >> 6) & 0x3f];
    *out++ = kAlphabet[group & 0x3f];
  }

  // One or two leftover bytes become two or three characters; no '=' follows.
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    const std::uint32_t group = (in[i] << 16) | (rest == 2 ? in[i + 1] << 8 : 0);
    *out++ = kAlphabet[(group >> 18) & 0x3f];
    *out++ = kAlphabet[(group >> 12) & 0x3f];
    if (rest == 2) *out++ = kAlphabet[(group >> 6) & 0x3f];
  }
  return text;
}

std::optional<std::size_t> base64url_decode_into(std::string_view text, std::span<char> out) {
  const std::size_t rest = text.size() % 4;
  const std::size_t size = base64url_decoded_size(text.size());
  if (rest == 1 || out.size() < size) return std::nullopt;
  const char* in = text.data();
  char* write = out.data();

  const std::size_t whole = text.size() - rest;
  for (std::size_t i = 0; i < whole; i += 4) {
    const std::uint32_t a = sextet(in[i]), b = sextet(in[i + 1]);
    const std::uint32_t c = sextet(in[i + 2]), d = sextet(in[i + 3]);
    if ((a | b | c | d) & kInvalid) return std::nullopt;
    const std::uint32_t group = (a << 18) | (b << 12) | (c << 6) | d;
    *write++ = static_cast<char>(group >> 16);
    *write++ = static_cast<char>(group >> 8);
    *write++ = static_cast<char>(group);
  }

  // A tail of two or three characters carries one or two bytes; the bits past them must be
  // zero, or two different texts would decode to the same bytes.
  if (rest > 0) {
    const std::uint32_t a = sextet(in[whole]), b = sextet(in[whole + 1]);
    const std::uint32_t c = rest == 3 ? sextet(in[whole + 2]) : 0;
    if ((a | b | c) & kInvalid) return std::nullopt;
    const std::uint32_t group = (a << 18) | (b << 12) | (c << 6);
    const std::uint32_t unused = rest == 2 ? group & 0xffff : group & 0xff;
    if (unused != 0) return std::nullopt;
    *write++ = static_cast<char>(group >> 16);
    if (rest == 3) *write++ = static_cast<char>(group >> 8);
  }
  return size;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string bytes(base64url_decoded_size(text.size()), '\0');

  if (!base64url_decode_into(text, bytes)) return std::nullopt;
  return bytes;
}

std::string base64_encode(std::string_view bytes) {
  std::string text = base64url_encode(bytes);
  for (char& c : text) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  text.append((4 - text.size() % 4) % 4, '=');
  return text;
}

}  // namespace veyra
