// One open SQLite connection configured the way Veyra needs it (WAL, foreign keys, busy
// timeout, synchronous=NORMAL), with a cache of prepared statements keyed by SQL text.
//
// A connection is used by one thread at a time: SqlitePool hands it out through a lease, and
// the leaseholder alone may call it. It is opened without SQLite's own mutex for that reason.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/database.h"
#include "store/sqlite/sqlite_statement.h"

struct sqlite3;

namespace veyra::store {

struct SqliteConnectionOptions {
  std::string path;  // a file path; created when missing, its directory must exist
  std::chrono::milliseconds busy_timeout{5000};
  ErrorLog error_log;  // receives failure details; may be empty
};

// One prepared statement kept by the cache; `borrowed` while a SqliteStatement uses it.
struct CachedStatement {
  sqlite3_stmt* handle = nullptr;
  bool borrowed = false;
};

class SqliteConnection {
 public:
  // Opens (creating if needed) the file and applies the pragmas. Fails with internal_error when
  // the file cannot be opened or journal_mode=WAL is refused, server_busy when another process
  // holds the lock the pragmas need past the busy timeout.
  static Result<std::unique_ptr<SqliteConnection>> open(const SqliteConnectionOptions& options);

  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // Returns the statement for `sql` (one statement), prepared once per connection and reused.
  // When the cached statement is already borrowed (nested use of the same SQL), returns a
  // one-off statement instead. The SqliteStatement must not outlive this connection.
  Result<SqliteStatement> prepare(std::string_view sql);

  // Runs SQL text that may hold several ';'-separated statements and returns no rows
  // (migrations, BEGIN/COMMIT). Errors as SqliteStatement::step().
  Status exec(std::string_view sql);

  // True while a transaction is open on this connection.
  bool in_transaction() const;

  // Reports a failed SQLite call: sends "<what>: <SQLite message> [sql]" to the error log and
  // returns the generic Error for `rc` (server_busy for a lock timeout, else internal_error).
  Error fail(int rc, std::string_view what, std::string_view sql = {});

  // Reports a failure SQLite did not see (e.g. a row that must exist is missing): sends
  // "sqlite: <detail>" to the error log and returns the generic internal_error.
  Error fail_unexpected(std::string_view detail);

  sqlite3* handle() { return db_; }

 private:
  SqliteConnection(sqlite3* db, ErrorLog error_log);

  Status apply_pragmas(std::chrono::milliseconds busy_timeout);

  sqlite3* db_;
  ErrorLog error_log_;
  // Keyed by SQL text; std::less<> allows lookup by string_view. Node-based, so entries keep
  // their address while statements borrow them.
  std::map<std::string, CachedStatement, std::less<>> statements_;
};

}  // namespace veyra::store
