#include "store/sqlite/sqlite_statement.h"

#include <sqlite3.h>

#include <utility>

#include "store/sqlite/sqlite_connection.h"

namespace veyra::store {
namespace {

// SQLite binds NULL for a null pointer; an empty value must still bind as '' or x''.
constexpr char kEmpty[] = "";

}  // namespace

SqliteStatement::SqliteStatement(SqliteConnection& connection, sqlite3_stmt* handle,
                                 CachedStatement* cached)
    : connection_(&connection), handle_(handle), cached_(cached) {}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : connection_(other.connection_),
      handle_(std::exchange(other.handle_, nullptr)),
      cached_(std::exchange(other.cached_, nullptr)),
      bind_error_(other.bind_error_),
      bind_error_index_(other.bind_error_index_) {}

SqliteStatement::~SqliteStatement() {
  if (handle_ == nullptr) return;
  if (cached_ == nullptr) {
    sqlite3_finalize(handle_);
    return;
  }

  // A statement left mid-result would keep its read snapshot open and stall WAL checkpoints.
  sqlite3_reset(handle_);
  sqlite3_clear_bindings(handle_);
  cached_->borrowed = false;
}

void SqliteStatement::bind_int64(int index, std::int64_t value) {
  remember_bind_result(sqlite3_bind_int64(handle_, index, value), index);
}

void SqliteStatement::bind_text(int index, std::string_view value) {
  const char* data = value.empty() ? kEmpty : value.data();
  remember_bind_result(
      sqlite3_bind_text64(handle_, index, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      index);
}

void SqliteStatement::bind_blob(int index, std::span<const unsigned char> value) {
  const void* data = value.empty() ? static_cast<const void*>(kEmpty) : value.data();
  remember_bind_result(sqlite3_bind_blob64(handle_, index, data, value.size(), SQLITE_TRANSIENT),
                       index);
}

void SqliteStatement::bind_null(int index) {
  remember_bind_result(sqlite3_bind_null(handle_, index), index);
}

void SqliteStatement::remember_bind_result(int rc, int index) {
  if (rc == SQLITE_OK || bind_error_ != SQLITE_OK) return;
  bind_error_ = rc;
  bind_error_index_ = index;
}

Result<bool> SqliteStatement::step() {
  if (bind_error_ != SQLITE_OK) {
    return connection_->fail(bind_error_, "bind ?" + std::to_string(bind_error_index_),
                             sqlite3_sql(handle_));
  }

  const int rc = sqlite3_step(handle_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return connection_->fail(rc, "step", sqlite3_sql(handle_));
}

Result<std::int64_t> SqliteStatement::run() {
  for (;;) {
    Result<bool> row = step();
    if (!row) return std::move(row).error();
    if (!*row) break;
  }
  return static_cast<std::int64_t>(sqlite3_changes64(sqlite3_db_handle(handle_)));
}

bool SqliteStatement::column_is_null(int index) const {
  return sqlite3_column_type(handle_, index) == SQLITE_NULL;
}

std::int64_t SqliteStatement::column_int64(int index) const {
  return sqlite3_column_int64(handle_, index);
}

std::string_view SqliteStatement::column_text(int index) const {
  // Text first, then its size: the conversion to text may change the byte count.
  const unsigned char* text = sqlite3_column_text(handle_, index);
  const int size = sqlite3_column_bytes(handle_, index);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(size)};
}

std::span<const unsigned char> SqliteStatement::column_blob(int index) const {
  const void* data = sqlite3_column_blob(handle_, index);
  const int size = sqlite3_column_bytes(handle_, index);
  if (data == nullptr) return {};
  return {static_cast<const unsigned char*>(data), static_cast<std::size_t>(size)};
}

}  // namespace veyra::store
