// ApiKeyRepository over the api_keys table of a SQLite database.
#pragma once

#include "store/api_key_repository.h"

namespace veyra::store {

class SqlitePool;

// Safe to call from several threads at once: each call leases its own connection.
class SqliteApiKeyRepository final : public ApiKeyRepository {
 public:
  // `pool` must outlive the repository.
  explicit SqliteApiKeyRepository(SqlitePool& pool) : pool_(pool) {}

  Status create(const ApiKeyRecord& key) override;
  Result<std::vector<ApiKeyRecord>> list_for_user(std::string_view user_id) override;
  Result<std::vector<ApiKeyRecord>> list_all() override;
  Result<std::optional<ApiKeyRecord>> find_by_hash(std::string_view key_hash) override;
  Result<std::optional<ApiKeyRecord>> revoke(std::string_view id, std::string_view user_id,
                                             std::int64_t now) override;
  Status touch_last_used(std::span<const ApiKeyUse> uses) override;

 private:
  SqlitePool& pool_;
};

}  // namespace veyra::store
