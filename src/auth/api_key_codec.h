// API key secrets (API.md, "Dashboard and admin API"): `veyra_sk_`, 32 random base62
// characters and a 6-character base62 checksum of them, so a mistyped or truncated key is
// refused before any lookup. Only a keyed hash of a key is ever stored; the display prefix and
// last four characters let the owner recognise it.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/hmac.h"

namespace veyra::auth {

// HMAC-SHA256 of a whole key under the server's key-hashing secret.
using ApiKeyHash = HmacSha256Mac;

// What creating a key yields. `secret` is shown to the owner once and never stored.
struct GeneratedApiKey {
  std::string secret;  // veyra_sk_<32 random><6 checksum>
  ApiKeyHash hash{};
  std::string prefix;  // the first kPrefixSize characters of the secret
  std::string last4;   // its last four characters
};

// Generates, checks and hashes API keys with one server secret.
//
// Cost: hash() is one HMAC-SHA256 over the 47-byte key from precomputed key states (as
// JwtCodec does), well under a microsecond; well_formed() is a CRC-32 of 32 bytes.
//
// Thread-safety: after construction every method may be called from any number of threads.
class ApiKeyCodec {
 public:
  static constexpr std::string_view kKeyPrefix = "veyra_sk_";
  static constexpr std::size_t kRandomSize = 32;
  static constexpr std::size_t kChecksumSize = 6;
  static constexpr std::size_t kKeySize = kKeyPrefix.size() + kRandomSize + kChecksumSize;
  static constexpr std::size_t kPrefixSize = 12;
  static constexpr std::size_t kMinSecretSize = 32;

  // Derives the HMAC key states from `secret` and wipes the caller's copy. Throws
  // std::invalid_argument when the secret is shorter than kMinSecretSize and
  // std::runtime_error when OpenSSL cannot provide SHA-256: startup failures only.
  explicit ApiKeyCodec(std::string secret);
  ~ApiKeyCodec();
  ApiKeyCodec(ApiKeyCodec&&) noexcept;
  ApiKeyCodec& operator=(ApiKeyCodec&&) noexcept;

  // A new key from libsodium's CSPRNG, with its hash and display parts.
  GeneratedApiKey generate() const;

  // True when `key` has the exact shape of a key generate() could produce: the prefix, the
  // length, base62 characters only and a matching checksum. Needs no secret.
  static bool well_formed(std::string_view key);

  // The keyed hash of `key` (any bytes; callers check well_formed() first). Returns false
  // only when OpenSSL fails to compute a MAC (memory exhaustion).
  bool hash(std::string_view key, ApiKeyHash& out) const;

  // Lower-case hex of a hash, as stored in the database.
  static std::string hex(const ApiKeyHash& hash);

 private:
  HmacSha256 hmac_;  // the hashing key, as precomputed HMAC states
};

}  // namespace veyra::auth
