// A transaction on one SqliteConnection that rolls back unless committed. Only the thread holding
// the connection may use it, and it must end before the connection goes back to the pool.
#pragma once

#include "core/result.h"

namespace veyra::store {

class SqliteConnection;

class SqliteTransaction {
 public:
  // BEGIN IMMEDIATE: takes the database's write lock now, waiting up to the busy timeout, so
  // the reads inside see the state the writes apply to and writers from other connections and
  // processes are serialised. Fails with server_busy when the lock stays taken.
  static Result<SqliteTransaction> begin_write(SqliteConnection& connection);

  // BEGIN (deferred): a consistent snapshot for several reads; takes no write lock.
  static Result<SqliteTransaction> begin_read(SqliteConnection& connection);

  SqliteTransaction(SqliteTransaction&& other) noexcept;
  SqliteTransaction& operator=(SqliteTransaction&&) = delete;
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;

  // Rolls back when neither commit() succeeded nor SQLite already ended the transaction.
  ~SqliteTransaction();

  // Makes the changes durable. On failure the transaction is still open and the destructor
  // rolls it back. REQUIRES: not committed yet.
  Status commit();

 private:
  explicit SqliteTransaction(SqliteConnection& connection) : connection_(&connection) {}

  SqliteConnection* connection_;  // null once committed or moved from
};

}  // namespace veyra::store
