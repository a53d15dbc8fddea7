// HS256 access tokens (API.md, "Objects"): the short-lived bearer credential every model call
// presents, checked on each request without touching the database.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/hmac.h"
#include "core/result.h"

namespace veyra::auth {

// What an access token asserts. Times are Unix seconds.
struct AccessClaims {
  std::string issuer;            // iss
  std::string subject;           // sub: the user id
  std::string session_id;        // sid: revoking the session rejects the token at once
  std::int64_t issued_at = 0;    // iat
  std::int64_t expires_at = 0;   // exp
  std::vector<std::string> amr;  // how the user authenticated, e.g. {"pwd"} or {"pwd", "otp"}
  std::string jti;               // the token's own id
};

// Signs and verifies access tokens with one HMAC-SHA256 secret and one issuer name.
//
// Verification accepts only what sign() could have produced: header alg exactly "HS256"
// (no "none", no other algorithm, no crit, jku, jwk or x5u; typ, if present, "JWT"), a
// signature compared in constant time before the payload is even decoded, iss equal to the
// configured issuer, non-empty string sub and sid, integer iat and exp, amr (if present) an
// array of strings, jti (if present) a string. Members the codec does not know are ignored;
// a known member that appears twice in the header or the payload rejects the token, so two
// JSON parsers can never read one token differently.
//
// Time rules: a token is expired once exp <= now, with no leeway, because the issuer and
// the verifier share one clock. iat and nbf may lie up to kClockSkewSeconds in the future
// (a token minted by another replica whose clock runs slightly ahead); further out rejects.
//
// Cost: verify() is one HMAC-SHA256 from precomputed key states and one allocation-light SAX
// parse of the payload, ~1.1-1.5 us for a typical token on the 2-core dev machine.
//
// Thread-safety: after construction, sign() and verify() may be called from any number of
// threads at once. The codec is movable, not copyable; a moved-from codec must not be used.
class JwtCodec {
 public:
  static constexpr std::size_t kMinSecretSize = 32;
  static constexpr std::size_t kMaxTokenSize = 8 * 1024;
  static constexpr std::int64_t kClockSkewSeconds = 30;

  // Derives the HMAC key state from `secret` and wipes the caller's copy; the secret itself
  // is not kept. REQUIRES: secret.size() >= kMinSecretSize (config validation enforces it).
  // Throws std::invalid_argument when the secret is too short and std::runtime_error when
  // OpenSSL cannot provide SHA-256: both are startup failures, never request-path ones.
  JwtCodec(std::string secret, std::string issuer);
  ~JwtCodec();
  JwtCodec(JwtCodec&&) noexcept;
  JwtCodec& operator=(JwtCodec&&) noexcept;

  // The compact token for `claims`. The header is exactly {"alg":"HS256","typ":"JWT"}; the
  // payload carries iss, sub, sid, iat, exp, amr and jti in that order. iss is always the
  // codec's issuer: claims.issuer is not read. Throws std::bad_alloc only when memory runs
  // out.
  std::string sign(const AccessClaims& claims) const;

  // The claims of `token` at Unix time `now`, issuer included. Errors (messages are generic
  // and never repeat the token): access_token_expired when the token is authentic but
  // exp <= now; invalid_access_token for anything else wrong, including tokens longer than
  // kMaxTokenSize, which are refused before any decoding; internal_error only when OpenSSL
  // fails to compute a MAC (memory exhaustion). Does not consult revoked sessions.
  Result<AccessClaims> verify(std::string_view token, std::int64_t now) const;

  const std::string& issuer() const { return issuer_; }

 private:
  std::string issuer_;
  std::string encoded_header_;  // base64url of the one header sign() writes
  HmacSha256 hmac_;             // the signing key, as precomputed HMAC states
};

}  // namespace veyra::auth
