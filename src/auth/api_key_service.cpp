#include "auth/api_key_service.h"

#include <utility>

#include "core/ids.h"

namespace veyra::auth {

ApiKeyService::ApiKeyService(store::ApiKeyRepository& keys, const ApiKeyCodec& codec,
                             ApiKeyCache& cache, const Clock& clock)
    : keys_(keys), codec_(codec), cache_(cache), clock_(clock) {}

Result<std::size_t> ApiKeyService::load() {
  auto keys = keys_.list_all();
  if (!keys) return std::move(keys).error();
  for (const store::ApiKeyRecord& key : *keys) cache_.put(key);
  return keys->size();
}

Result<CreatedApiKey> ApiKeyService::create(std::string_view user_id, const NewApiKey& request) {
  GeneratedApiKey generated = codec_.generate();
  CreatedApiKey created;
  store::ApiKeyRecord& key = created.key;
  key.id = new_id("key_");
  key.user_id = std::string(user_id);
  key.name = request.name;
  key.key_hash = ApiKeyCodec::hex(generated.hash);
  key.prefix = std::move(generated.prefix);
  key.last4 = std::move(generated.last4);
  key.scopes = scope_names(request.scopes);
  key.models = request.models;
  key.rpm_limit = request.rpm_limit;
  key.created_at = clock_.now();
  key.expires_at = request.expires_at;

  if (Status stored = keys_.create(key); !stored) return std::move(stored).error();
  cache_.put(key);
  created.secret = std::move(generated.secret);
  return created;
}

Result<std::vector<store::ApiKeyRecord>> ApiKeyService::list(std::string_view user_id) {
  return keys_.list_for_user(user_id);
}

Result<store::ApiKeyRecord> ApiKeyService::revoke(std::string_view user_id, std::string_view id) {
  auto revoked = keys_.revoke(id, user_id, clock_.now());
  if (!revoked) return std::move(revoked).error();
  if (!*revoked) return make_error(ErrorCode::not_found, "No such API key.");
  cache_.put(**revoked);
  return std::move(**revoked);
}

Status ApiKeyService::flush_uses() {
  std::vector<store::ApiKeyUse> uses = cache_.take_uses();
  return keys_.touch_last_used(uses);
}

}  // namespace veyra::auth
