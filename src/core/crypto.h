// Small cryptographic helpers over OpenSSL and libsodium. All functions are thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace veyra {

// Lower-case hex SHA-256 of `data`; how opaque tokens (refresh, reset) are stored.
std::string sha256_hex(std::string_view data);

// A fresh secret of about `bits` bits of entropy as base62 text, from libsodium's CSPRNG.
std::string random_secret(unsigned bits = 256);

}  // namespace veyra
