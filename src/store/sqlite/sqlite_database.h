// Database over one SQLite file in WAL mode, for a single node.
#pragma once

#include <memory>

#include "store/database.h"
#include "store/sqlite/sqlite_api_key_repository.h"
#include "store/sqlite/sqlite_pool.h"
#include "store/sqlite/sqlite_secret_repository.h"
#include "store/sqlite/sqlite_session_repository.h"
#include "store/sqlite/sqlite_ticket_repository.h"
#include "store/sqlite/sqlite_usage_repository.h"
#include "store/sqlite/sqlite_user_repository.h"

namespace veyra::store {

class SqliteDatabase final : public Database {
 public:
  // Opens the pool (every connection, with its pragmas). Errors as SqlitePool::open().
  static Result<std::unique_ptr<SqliteDatabase>> open(const SqlitePoolOptions& options);

  Status ping() override;
  Result<std::vector<AppliedMigration>> migrate() override;
  SecretRepository& secrets() override { return secrets_; }
  UserRepository& users() override { return users_; }
  SessionRepository& sessions() override { return sessions_; }
  UsageRepository& usage() override { return usage_; }
  ApiKeyRepository& api_keys() override { return api_keys_; }
  TicketRepository& tickets() override { return tickets_; }
  std::string_view kind() const override { return "sqlite"; }

  // For the SQLite repositories and tests; safe to use from any thread.
  SqlitePool& pool() { return *pool_; }

 private:
  explicit SqliteDatabase(std::unique_ptr<SqlitePool> pool);

  std::unique_ptr<SqlitePool> pool_;
  SqliteSecretRepository secrets_;
  SqliteUserRepository users_;
  SqliteSessionRepository sessions_;
  SqliteUsageRepository usage_;
  SqliteApiKeyRepository api_keys_;
  SqliteTicketRepository tickets_;
};

}  // namespace veyra::store
