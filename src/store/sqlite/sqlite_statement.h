// A borrowed prepared statement of one SqliteConnection: bind parameters by index, step, read
// columns. Obtained from SqliteConnection::prepare(); only the thread holding the connection
// may use it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"

struct sqlite3_stmt;

namespace veyra::store {

class SqliteConnection;
struct CachedStatement;

class SqliteStatement {
 public:
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Resets the statement and clears its bindings (ending any read it holds open) and hands a
  // cached statement back to its connection's cache.
  ~SqliteStatement();

  // Binding never fails on the spot: the first failure (bad index, out of memory) is kept and
  // returned by the next step() or run(). Indexes start at 1, as in the SQL text (?1, ?2...).
  // Text and blobs are copied, so the arguments need not outlive the call.
  void bind_int64(int index, std::int64_t value);
  void bind_text(int index, std::string_view value);
  void bind_blob(int index, std::span<const unsigned char> value);
  void bind_null(int index);

  // Advances to the next row: true when a row is available, false when the statement is done.
  // Errors: server_busy when the database stayed locked past the busy timeout, internal_error
  // otherwise (detail sent to the connection's error log).
  Result<bool> step();

  // Steps until done, for statements that return no rows (INSERT, UPDATE, DELETE); returns the
  // number of rows they changed. Errors as step().
  Result<std::int64_t> run();

  // Column readers for the current row; indexes start at 0. Views stay valid until the next
  // step() or the statement's destruction. NULL reads as 0 or an empty view.
  bool column_is_null(int index) const;
  std::int64_t column_int64(int index) const;
  std::string_view column_text(int index) const;
  std::span<const unsigned char> column_blob(int index) const;

 private:
  friend class SqliteConnection;

  // `cached` is null for a one-off statement, which is finalized on destruction.
  SqliteStatement(SqliteConnection& connection, sqlite3_stmt* handle, CachedStatement* cached);

  void remember_bind_result(int rc, int index);

  SqliteConnection* connection_;
  sqlite3_stmt* handle_;
  CachedStatement* cached_;
  int bind_error_ = 0;  // SQLITE_OK, or the first failing bind's result code
  int bind_error_index_ = 0;
};

}  // namespace veyra::store
