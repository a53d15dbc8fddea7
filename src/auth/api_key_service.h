// The dashboard's API key operations (API.md, "Dashboard and admin API"): create, list and
// revoke a user's keys, keeping the hot-path ApiKeyCache in step, and writing the last-use
// times the cache collects.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/api_key_cache.h"
#include "auth/api_key_codec.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/api_key_repository.h"

namespace veyra::auth {

// A key to create, already validated by the handler.
struct NewApiKey {
  std::string name;
  unsigned scopes = kAllScopes;                    // bits of Scope
  std::optional<std::vector<std::string>> models;  // nullopt: every model
  std::int64_t expires_at = 0;                     // 0: never
  std::int64_t rpm_limit = 0;                      // 0: none
};

// A created key: what is stored, and the secret, shown once.
struct CreatedApiKey {
  store::ApiKeyRecord key;
  std::string secret;
};

// Every method but the constructor blocks (database): run it on the blocking pool. Safe to
// call from several threads at once.
class ApiKeyService {
 public:
  // All references must outlive the service.
  ApiKeyService(store::ApiKeyRepository& keys, const ApiKeyCodec& codec, ApiKeyCache& cache,
                const Clock& clock);

  // Fills the cache with every stored key. Returns how many were loaded.
  Result<std::size_t> load();

  // Creates a key for `user_id`; it authenticates as soon as this returns.
  Result<CreatedApiKey> create(std::string_view user_id, const NewApiKey& request);

  // The keys of `user_id`, newest first; never a secret.
  Result<std::vector<store::ApiKeyRecord>> list(std::string_view user_id);

  // Revokes key `id` of `user_id`; it is refused (api_key_revoked) as soon as this returns.
  // Revoking a revoked key answers it unchanged. Errors: not_found when `user_id` has no
  // key `id`.
  Result<store::ApiKeyRecord> revoke(std::string_view user_id, std::string_view id);

  // Writes the last-use times noted since the previous call, in one transaction. On failure
  // those times are lost until the keys are used again (a display field only).
  Status flush_uses();

 private:
  store::ApiKeyRepository& keys_;
  const ApiKeyCodec& codec_;
  ApiKeyCache& cache_;
  const Clock& clock_;
};

}  // namespace veyra::auth
