// SecretRepository over the server_secrets table of a SQLite database.
#pragma once

#include "store/secret_repository.h"

namespace veyra::store {

class SqlitePool;

// Safe to call from several threads at once: each call leases its own connection.
class SqliteSecretRepository final : public SecretRepository {
 public:
  // `pool` must outlive the repository.
  explicit SqliteSecretRepository(SqlitePool& pool) : pool_(pool) {}

  Result<std::string> get_or_create(std::string_view name,
                                    const std::function<std::string()>& make) override;

 private:
  SqlitePool& pool_;
};

}  // namespace veyra::store
