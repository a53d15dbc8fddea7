// Opaque identifiers with a type prefix (usr_, ses_, key_, tkt_, req_), drawn from the
// system's CSPRNG through libsodium so they cannot be guessed. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace veyra {

// `prefix` followed by `length` random base62 characters, e.g. new_id("req_") =
// "req_7fQ2...". 22 characters carry about 131 bits.
std::string new_id(std::string_view prefix, std::size_t length = 22);

// `prefix`, 9 base62 characters of the Unix time in milliseconds (so ids sort by creation
// time, as text, for the next 400,000 years), then 13 pseudo-random base62 characters (77
// bits) from a per-thread generator seeded once from the system's randomness. For records
// written in bulk (usage) and request ids: cheap, and appended in order to an index. Not for
// anything that must be unguessable; use new_id for those. Thread-safe.
std::string sortable_id(std::string_view prefix);

// `length` random base62 characters.
std::string random_base62(std::size_t length);

// True when `id` is a plausible client-supplied request id: 1 to 128 characters of
// A-Z a-z 0-9 . _ - (API.md, X-Request-Id).
bool valid_request_id(std::string_view id);

}  // namespace veyra
