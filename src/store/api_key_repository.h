// API keys (API.md, "Objects": ApiKey): created, listed and revoked by their owner from the
// dashboard, loaded whole into the in-memory key cache at start.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace veyra::store {

struct ApiKeyRecord {
  std::string id;  // "key_..."
  std::string user_id;
  std::string name;
  std::string key_hash;  // lower-case hex HMAC-SHA256 of the secret; never the secret
  std::string prefix;    // the secret's first characters, for display
  std::string last4;
  std::vector<std::string> scopes;
  std::optional<std::vector<std::string>> models;  // nullopt: every model the owner may use
  std::int64_t rpm_limit = 0;                      // 0: no limit of the key's own
  std::int64_t created_at = 0;
  std::int64_t last_used_at = 0;  // 0: never used
  std::int64_t expires_at = 0;    // 0: never expires
  std::int64_t revoked_at = 0;    // 0: not revoked

  bool operator==(const ApiKeyRecord&) const = default;
};

// When a key was last used, as the key cache collected it.
struct ApiKeyUse {
  std::string key_id;
  std::int64_t used_at = 0;
};

// Every method blocks (run it on the blocking pool) and is safe from several threads. Errors
// are generic database errors (internal_error, or server_busy when the database stayed locked
// past the busy timeout) unless stated.
class ApiKeyRepository {
 public:
  virtual ~ApiKeyRepository() = default;

  // Stores a new key. The id and key_hash must be new (a clash is internal_error).
  virtual Status create(const ApiKeyRecord& key) = 0;

  // The keys of `user_id`, revoked ones included, newest first.
  virtual Result<std::vector<ApiKeyRecord>> list_for_user(std::string_view user_id) = 0;

  // Every key, revoked ones included: what the key cache loads at start.
  virtual Result<std::vector<ApiKeyRecord>> list_all() = 0;

  // The key whose hash is `key_hash`, or nullopt.
  virtual Result<std::optional<ApiKeyRecord>> find_by_hash(std::string_view key_hash) = 0;

  // Revokes key `id` of `user_id` at `now` and returns it as stored afterwards; a key
  // already revoked keeps its first revoked_at. nullopt when `user_id` has no key `id`
  // (someone else's key looks exactly like a missing one).
  virtual Result<std::optional<ApiKeyRecord>> revoke(std::string_view id, std::string_view user_id,
                                                     std::int64_t now) = 0;

  // Records last use times in one transaction; a time never moves last_used_at backwards,
  // and unknown ids are ignored. An empty span succeeds without touching the database.
  virtual Status touch_last_used(std::span<const ApiKeyUse> uses) = 0;
};

}  // namespace veyra::store
