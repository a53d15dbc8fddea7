#include "store/sqlite/sqlite_connection.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <limits>
#include <thread>
#include <utility>

namespace veyra::store {
namespace {

// Long SQL (a whole migration) is cut in log lines; the start is enough to recognise it.
constexpr std::size_t kMaxLoggedSql = 300;

bool is_lock_timeout(int rc) {
  const int primary = rc & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

// sqlite3_exec callback that keeps the first column of the first row.
int keep_first_value(void* out, int columns, char** values, char** /*names*/) {
  auto* text = static_cast<std::string*>(out);
  if (columns > 0 && values[0] != nullptr && text->empty()) *text = values[0];
  return SQLITE_OK;
}

}  // namespace

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(
    const SqliteConnectionOptions& options) {
  sqlite3* db = nullptr;
  const int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  const int rc = sqlite3_open_v2(options.path.c_str(), &db, flags, nullptr);

  // SQLite returns a handle even when opening fails: it carries the message and must be closed,
  // which the connection's destructor does.
  std::unique_ptr<SqliteConnection> connection(new SqliteConnection(db, options.error_log));
  if (rc != SQLITE_OK) return connection->fail(rc, "open \"" + options.path + "\"");

  if (Status status = connection->apply_pragmas(options.busy_timeout); !status) {
    return std::move(status).error();
  }
  return connection;
}

SqliteConnection::SqliteConnection(sqlite3* db, ErrorLog error_log)
    : db_(db), error_log_(std::move(error_log)) {}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, statement] : statements_) sqlite3_finalize(statement.handle);
  sqlite3_close_v2(db_);
}

Status SqliteConnection::apply_pragmas(std::chrono::milliseconds busy_timeout) {
  // The busy timeout comes first: switching a new file to WAL needs a lock another process may
  // hold for a moment.
  const auto timeout_ms = std::clamp<std::chrono::milliseconds::rep>(
      busy_timeout.count(), 0, std::numeric_limits<int>::max());
  sqlite3_busy_timeout(db_, static_cast<int>(timeout_ms));

  // journal_mode answers with the mode in force, which stays "delete" when WAL is refused
  // (e.g. on a file system without shared memory).
  // When two processes open a new file at once, the switch can answer SQLITE_BUSY without
  // waiting for the busy handler; it is retried until the busy timeout.
  std::string mode;
  int rc = SQLITE_BUSY;
  const auto give_up = std::chrono::steady_clock::now() + busy_timeout;
  while (true) {
    mode.clear();
    char* message = nullptr;
    rc = sqlite3_exec(db_, "PRAGMA journal_mode=WAL", keep_first_value, &mode, &message);
    sqlite3_free(message);
    if (rc != SQLITE_BUSY || std::chrono::steady_clock::now() >= give_up) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (rc != SQLITE_OK) return fail(rc, "set journal_mode", "PRAGMA journal_mode=WAL");
  if (mode != "wal") return fail_unexpected("PRAGMA journal_mode=WAL refused; the mode is " + mode);

  return exec("PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL");
}

Result<SqliteStatement> SqliteConnection::prepare(std::string_view sql) {
  if (is_blank(sql)) return fail(SQLITE_MISUSE, "prepare (empty SQL)");

  auto cached = statements_.find(sql);
  if (cached != statements_.end() && !cached->second.borrowed) {
    cached->second.borrowed = true;
    return SqliteStatement(*this, cached->second.handle, &cached->second);
  }

  // Statements kept in the cache are prepared as persistent, which tells SQLite they live long.
  const bool keep = cached == statements_.end();
  sqlite3_stmt* handle = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    keep ? SQLITE_PREPARE_PERSISTENT : 0, &handle, &tail);
  if (rc != SQLITE_OK) return fail(rc, "prepare", sql);

  const std::string_view rest(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
  if (handle == nullptr || !is_blank(rest)) {
    sqlite3_finalize(handle);
    return fail(SQLITE_MISUSE, "prepare (expected exactly one statement)", sql);
  }

  if (!keep) return SqliteStatement(*this, handle, nullptr);
  auto entry = statements_.emplace(std::string(sql), CachedStatement{handle, true}).first;
  return SqliteStatement(*this, handle, &entry->second);
}

Status SqliteConnection::exec(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  sqlite3_free(message);  // the same text stays readable through sqlite3_errmsg()
  if (rc != SQLITE_OK) return fail(rc, "exec", sql);
  return {};
}

bool SqliteConnection::in_transaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

Error SqliteConnection::fail(int rc, std::string_view what, std::string_view sql) {
  std::string detail = "sqlite: ";
  detail += what;
  detail += " failed: ";
  // The connection's message describes this failure only when its code is the same one.
  const bool current =
      db_ != nullptr && (sqlite3_extended_errcode(db_) == rc || sqlite3_errcode(db_) == rc);
  detail += current ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  detail += " (code " + std::to_string(rc) + ")";
  if (!sql.empty()) {
    detail += "; sql: ";
    detail += sql.substr(0, kMaxLoggedSql);
    if (sql.size() > kMaxLoggedSql) detail += "...";
  }
  if (error_log_) error_log_(detail);

  if (is_lock_timeout(rc)) {
    return make_error(ErrorCode::server_busy, std::string(kDatabaseBusyMessage));
  }
  return make_error(ErrorCode::internal_error, std::string(kDatabaseErrorMessage));
}

Error SqliteConnection::fail_unexpected(std::string_view detail) {
  if (error_log_) error_log_("sqlite: " + std::string(detail));
  return make_error(ErrorCode::internal_error, std::string(kDatabaseErrorMessage));
}

}  // namespace veyra::store
