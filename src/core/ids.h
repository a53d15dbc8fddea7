// Opaque identifiers with a type prefix (usr_, ses_, key_, tkt_, req_), drawn from the
// system's CSPRNG through libsodium so they cannot be guessed. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace veyra {

// `prefix` followed by `length` random base62 characters, e.g. new_id("req_") =
// "req_7fQ2...". 22 characters carry about 131 bits.
std::string new_id(std::string_view prefix, std::size_t length = 22);

// `length` random base62 characters.
std::string random_base62(std::size_t length);

// True when `id` is a plausible client-supplied request id: 1 to 128 characters of
// A-Z a-z 0-9 . _ - (API.md, X-Request-Id).
bool valid_request_id(std::string_view id);

}  // namespace veyra
