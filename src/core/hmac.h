// HMAC-SHA256 with a precomputed key: the two key blocks (key XOR ipad, key XOR opad) are
// hashed once at construction, so each MAC costs two short SHA-256 continuations. Used for
// JWT signatures and API key hashes, the two MACs on the request hot path.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace veyra {

using HmacSha256Mac = std::array<unsigned char, 32>;

// Thread-safety: after construction, mac() may be called from any number of threads at once
// (each call works in a thread-local scratch context). Movable, not copyable; a moved-from
// object must not be used.
class HmacSha256 {
 public:
  // Derives the key states from `secret` and wipes the caller's copy; the secret itself is
  // not kept. Throws std::runtime_error when OpenSSL cannot provide SHA-256 (a startup
  // failure, never a request-path one).
  explicit HmacSha256(std::string secret);
  ~HmacSha256();
  HmacSha256(HmacSha256&&) noexcept;
  HmacSha256& operator=(HmacSha256&&) noexcept;

  // The MAC of `message`. False only when OpenSSL fails (memory exhaustion).
  bool mac(std::string_view message, HmacSha256Mac& out) const;

 private:
  struct DigestFree {
    void operator()(evp_md_ctx_st* context) const;
  };
  using Digest = std::unique_ptr<evp_md_ctx_st, DigestFree>;

  // SHA-256 states after absorbing the two key blocks; read-only after construction.
  Digest inner_;
  Digest outer_;
};

}  // namespace veyra
