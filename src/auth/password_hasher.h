// Argon2id password hashing through libsodium, in the encoded "$argon2id$v=19$m=..,t=..,p=1$.."
// form that carries its own salt and parameters, so stored hashes stay verifiable after the
// configured cost changes.
//
// Every call except needs_rehash() and params() is blocking and CPU- and memory-heavy (19 MiB
// and tens of milliseconds each at the defaults, more on small machines): callers MUST run
// them on the BlockingPool, never on an I/O thread.
// All methods are const and thread-safe; one PasswordHasher is shared by the whole process.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace veyra::auth {

// The cost of a new hash, from config [auth] argon2_memory_kib and argon2_passes.
struct PasswordHashParams {
  std::uint32_t memory_kib = 19456;
  std::uint32_t passes = 2;
};

class PasswordHasher {
 public:
  // Makes the fixed hash dummy_verify() checks against, so construction costs one hash.
  // REQUIRES: memory_kib >= 8 and passes >= 1 (libsodium's minimums; config checks enforce
  // them). Lower values make every hash() fail with internal_error.
  explicit PasswordHasher(PasswordHashParams params);

  // The encoded "$argon2id$..." string for `password` with a fresh random salt.
  // Fails with internal_error (client-safe message) when libsodium cannot allocate the memory.
  Result<std::string> hash(std::string_view password) const;

  // True when `password` matches `encoded_hash`, whatever parameters that hash was made with.
  // The comparison is constant-time. A malformed, empty or non-Argon2 hash gives false.
  bool verify(std::string_view encoded_hash, std::string_view password) const;

  // True when `encoded_hash` was not made by this hasher's current parameters (weaker or
  // merely different), or is not a well-formed Argon2id hash: after a successful login the
  // caller re-hashes the password and stores the new hash. Cheap: parses, does not hash.
  bool needs_rehash(std::string_view encoded_hash) const;

  // Does the work of verify() against a fixed hash made with the current parameters and
  // discards the answer, so a login for an unknown email costs the same time as a wrong
  // password.
  void dummy_verify(std::string_view password) const;

  const PasswordHashParams& params() const { return params_; }

 private:
  PasswordHashParams params_;
  std::string dummy_hash_;  // empty only when libsodium failed to allocate at construction
};

}  // namespace veyra::auth
