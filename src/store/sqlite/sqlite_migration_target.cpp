#include "store/sqlite/sqlite_migration_target.h"

#include <chrono>
#include <cstdint>
#include <utility>

#include "store/sqlite/sqlite_connection.h"
#include "store/sqlite/sqlite_transaction.h"

namespace veyra::store {
namespace {

constexpr std::string_view kSelectApplied =
    "SELECT version, name FROM schema_migrations ORDER BY version";
constexpr std::string_view kSelectVersion = "SELECT 1 FROM schema_migrations WHERE version = ?1";
constexpr std::string_view kInsertVersion =
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)";

// TODO(store): take the clock from core once it exists, so tests can pin applied_at.
std::int64_t unix_seconds_now() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::seconds>(now).count();
}

}  // namespace

Status SqliteMigrationTarget::create_history() {
  return connection_.exec(kCreateSchemaMigrationsSql);
}

Result<std::vector<AppliedMigration>> SqliteMigrationTarget::applied() {
  Result<SqliteStatement> select = connection_.prepare(kSelectApplied);
  if (!select) return std::move(select).error();

  std::vector<AppliedMigration> rows;
  for (;;) {
    Result<bool> row = select->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    rows.push_back(AppliedMigration{static_cast<int>(select->column_int64(0)),
                                    std::string(select->column_text(1))});
  }
  return rows;
}

Result<bool> SqliteMigrationTarget::apply(const Migration& migration) {
  Result<SqliteTransaction> transaction = SqliteTransaction::begin_write(connection_);
  if (!transaction) return std::move(transaction).error();

  // Under the write lock: another process may have applied it since applied() was read.
  {
    Result<SqliteStatement> select = connection_.prepare(kSelectVersion);
    if (!select) return std::move(select).error();
    select->bind_int64(1, migration.version);
    Result<bool> recorded = select->step();
    if (!recorded) return std::move(recorded).error();
    if (*recorded) return false;
  }

  if (Status status = connection_.exec(migration.sql); !status) return std::move(status).error();

  Result<SqliteStatement> insert = connection_.prepare(kInsertVersion);
  if (!insert) return std::move(insert).error();
  insert->bind_int64(1, migration.version);
  insert->bind_text(2, migration.name);
  insert->bind_int64(3, unix_seconds_now());
  if (Result<std::int64_t> inserted = insert->run(); !inserted) {
    return std::move(inserted).error();
  }

  if (Status status = transaction->commit(); !status) return std::move(status).error();
  return true;
}

}  // namespace veyra::store
