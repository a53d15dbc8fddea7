// The hot-path view of every API key (DESIGN.md, "Concurrency"): keys found by the hash of
// their secret in memory, so a model call made with a key touches no database. Loaded whole
// at start and updated by the ApiKeyService on create and revoke (on a single node, at once).
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/api_key_codec.h"
#include "auth/principal.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/api_key_repository.h"

namespace veyra::auth {

// The scope bit of a scope name, or 0 for an unknown name.
unsigned scope_bit(std::string_view name);

// The scope names of `scopes` in API.md's order: models, chat, embeddings, images, audio.
std::vector<std::string> scope_names(unsigned scopes);

// Thread-safe: authenticate() runs on every I/O thread at once under a shared lock; put()
// and take_uses() take the lock exclusively or shared for a moment.
class ApiKeyCache {
 public:
  // `codec` and `clock` must outlive the cache.
  ApiKeyCache(const ApiKeyCodec& codec, const Clock& clock);

  // Adds `key`, or replaces the entry with the same hash (a revocation). A key whose
  // key_hash is not 64 hex characters is ignored.
  void put(const store::ApiKeyRecord& key);

  // Checks a bearer credential that starts with "veyra_sk_". No database, no blocking; safe
  // on I/O threads. Errors: invalid_api_key (malformed, checked before any lookup, or
  // unknown), api_key_revoked, api_key_expired (expires_at <= now). On success notes the
  // use for take_uses() and returns a Kind::api_key principal with the key's scopes,
  // allowlist and limit.
  Result<Principal> authenticate(std::string_view key) const;

  // The keys used since the previous call, each with its latest use.
  std::vector<store::ApiKeyUse> take_uses();

  std::size_t size() const;

 private:
  struct Entry {
    std::string id;
    std::string user_id;
    unsigned scopes = kAllScopes;
    std::shared_ptr<const std::vector<std::string>> models;
    std::int64_t rpm_limit = 0;
    std::int64_t expires_at = 0;  // 0: never
    bool revoked = false;
    // Written on the hot path without the exclusive lock; read by take_uses().
    mutable std::atomic<std::int64_t> last_used_at{0};
    std::atomic<std::int64_t> reported_at{0};  // the last_used_at take_uses() handed out
  };

  struct HashOfHash {
    std::size_t operator()(const ApiKeyHash& hash) const {
      std::size_t value;  // the hash is an HMAC output: any 8 of its bytes are uniform
      std::memcpy(&value, hash.data(), sizeof value);
      return value;
    }
  };

  const ApiKeyCodec& codec_;
  const Clock& clock_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<ApiKeyHash, std::shared_ptr<Entry>, HashOfHash> entries_;  // GUARDED_BY
};

}  // namespace veyra::auth
