#include "auth/password_hasher.h"

#include <sodium.h>

#include "core/ids.h"

namespace veyra::auth {
namespace {

void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  (void)ready;
}

std::size_t memlimit_bytes(const PasswordHashParams& params) {
  return static_cast<std::size_t>(params.memory_kib) * 1024u;
}

// libsodium reads encoded hashes as C strings; an embedded NUL would cut the hash short.
bool plausible_encoding(std::string_view encoded_hash) {
  return !encoded_hash.empty() && encoded_hash.size() < crypto_pwhash_STRBYTES &&
         encoded_hash.find('\0') == std::string_view::npos;
}

}  // namespace

PasswordHasher::PasswordHasher(PasswordHashParams params) : params_(params) {
  ensure_sodium();

  // A random password nobody knows: no login can ever match the dummy hash.
  Result<std::string> dummy = hash(random_base62(32));
  if (dummy.ok()) dummy_hash_ = std::move(dummy).value();
}

Result<std::string> PasswordHasher::hash(std::string_view password) const {
  char encoded[crypto_pwhash_STRBYTES];

  int rc = crypto_pwhash_str_alg(encoded, password.data(), password.size(), params_.passes,
                                 memlimit_bytes(params_), crypto_pwhash_ALG_ARGON2ID13);
  if (rc != 0) return make_error(ErrorCode::internal_error);

  return std::string(encoded);
}

bool PasswordHasher::verify(std::string_view encoded_hash, std::string_view password) const {
  if (!plausible_encoding(encoded_hash)) return false;

  std::string terminated(encoded_hash);
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

bool PasswordHasher::needs_rehash(std::string_view encoded_hash) const {
  if (!plausible_encoding(encoded_hash)) return true;

  // The Argon2id-specific check also reports an Argon2i hash as needing a rehash.
  std::string terminated(encoded_hash);
  return crypto_pwhash_argon2id_str_needs_rehash(terminated.c_str(), params_.passes,
                                                 memlimit_bytes(params_)) != 0;
}

void PasswordHasher::dummy_verify(std::string_view password) const {
  if (dummy_hash_.empty()) {
    // The dummy hash could not be made; spend the same effort another way.
    (void)hash(password);
    return;
  }

  (void)verify(dummy_hash_, password);
}

}  // namespace veyra::auth
