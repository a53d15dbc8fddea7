#include "store/sqlite/sqlite_database.h"

#include <utility>

#include "core/embedded.h"
#include "store/migrator.h"
#include "store/sqlite/sqlite_migration_target.h"

namespace veyra::store {

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::open(const SqlitePoolOptions& options) {
  Result<std::unique_ptr<SqlitePool>> pool = SqlitePool::open(options);
  if (!pool) return std::move(pool).error();
  return std::unique_ptr<SqliteDatabase>(new SqliteDatabase(std::move(*pool)));
}

SqliteDatabase::SqliteDatabase(std::unique_ptr<SqlitePool> pool)
    : pool_(std::move(pool)),
      secrets_(*pool_),
      users_(*pool_),
      sessions_(*pool_),
      usage_(*pool_),
      api_keys_(*pool_),
      tickets_(*pool_) {}

Status SqliteDatabase::ping() {
  Result<SqlitePool::Lease> connection = pool_->acquire();
  if (!connection) return std::move(connection).error();

  Result<SqliteStatement> select = (*connection)->prepare("SELECT 1");
  if (!select) return std::move(select).error();
  Result<bool> row = select->step();
  if (!row) return std::move(row).error();
  if (!*row || select->column_int64(0) != 1) {
    return (*connection)->fail_unexpected("SELECT 1 did not return 1");
  }
  return {};
}

Result<std::vector<AppliedMigration>> SqliteDatabase::migrate() {
  Result<std::vector<Migration>> migrations = load_migrations(embedded::migrations());
  if (!migrations) return std::move(migrations).error();

  Result<SqlitePool::Lease> connection = pool_->acquire();
  if (!connection) return std::move(connection).error();
  SqliteMigrationTarget target(**connection);
  return run_migrations(target, *migrations);
}

}  // namespace veyra::store
