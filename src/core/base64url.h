// base64url (RFC 4648 section 5) without padding, the encoding of every JWT segment.
// Decoding is strict so that one byte string has exactly one accepted spelling: padding,
// characters outside A-Z a-z 0-9 - _, impossible lengths and non-zero trailing bits are all
// rejected. Pure functions; safe to call from any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace veyra {

// The unpadded base64url text of `bytes`. Allocates only the result.
std::string base64url_encode(std::string_view bytes);

// Standard base64 (RFC 4648 section 4: '+' and '/', padded with '='), as the OpenAI API
// uses for embeddings with encoding_format "base64".
std::string base64_encode(std::string_view bytes);

// The bytes `text` spells, or nullopt when `text` is not canonical unpadded base64url.
// Allocates only the result.
std::optional<std::string> base64url_decode(std::string_view text);

// The number of bytes a text of `text_size` characters decodes to; for an impossible length
// (text_size % 4 == 1) the result is only an upper bound and decoding will fail.
constexpr std::size_t base64url_decoded_size(std::size_t text_size) {
  return text_size / 4 * 3 + (text_size % 4 == 0 ? 0 : text_size % 4 - 1);
}

// Decodes `text` into `out` without allocating, for hot paths with a stack buffer.
// Returns the number of bytes written, or nullopt when `text` is not canonical unpadded
// base64url or `out` is smaller than base64url_decoded_size(text.size()). On failure the
// contents of `out` are unspecified.
std::optional<std::size_t> base64url_decode_into(std::string_view text, std::span<char> out);

}  // namespace veyra
