#include "store/sqlite/sqlite_transaction.h"

#include <cassert>
#include <utility>

#include "store/sqlite/sqlite_connection.h"

namespace veyra::store {

Result<SqliteTransaction> SqliteTransaction::begin_write(SqliteConnection& connection) {
  if (Status status = connection.exec("BEGIN IMMEDIATE"); !status) return std::move(status).error();
  return SqliteTransaction(connection);
}

Result<SqliteTransaction> SqliteTransaction::begin_read(SqliteConnection& connection) {
  if (Status status = connection.exec("BEGIN"); !status) return std::move(status).error();
  return SqliteTransaction(connection);
}

SqliteTransaction::SqliteTransaction(SqliteTransaction&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)) {}

SqliteTransaction::~SqliteTransaction() {
  // Some failures (I/O error, a full disk) make SQLite roll back on its own; a second
  // ROLLBACK would only log a spurious error.
  if (connection_ != nullptr && connection_->in_transaction()) {
    (void)connection_->exec("ROLLBACK");
  }
}

Status SqliteTransaction::commit() {
  assert(connection_ != nullptr);
  if (Status status = connection_->exec("COMMIT"); !status) return status;
  connection_ = nullptr;
  return {};
}

}  // namespace veyra::store
