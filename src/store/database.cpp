#include "store/database.h"

#include <cstdio>
#include <utility>

#include "store/sqlite/sqlite_database.h"

namespace veyra::store {
namespace {

constexpr std::string_view kSqliteScheme = "sqlite://";
constexpr std::string_view kUrlParam = "database_url";

void log_to_stderr(std::string_view detail) {
  // One fprintf per line: stdio locks the stream, so lines from several threads do not mix.
  std::fprintf(stderr, "veyra store: %.*s\n", static_cast<int>(detail.size()), detail.data());
}

}  // namespace

Database::~Database() = default;

Result<std::unique_ptr<Database>> open_database(const DatabaseOptions& options) {
  const std::string_view url = options.url;
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    return make_error(ErrorCode::invalid_field,
                      "PostgreSQL support is not built yet; use sqlite://", std::string(kUrlParam));
  }
  if (!url.starts_with(kSqliteScheme)) {
    return make_error(ErrorCode::invalid_field,
                      "database_url must start with sqlite://, e.g. sqlite://./veyra.db",
                      std::string(kUrlParam));
  }

  // Everything after the scheme is the file path: "sqlite://./a.db" is "./a.db" and
  // "sqlite:///var/lib/a.db" is "/var/lib/a.db". An in-memory database is refused because
  // every pooled connection would get a different one.
  const std::string_view path = url.substr(kSqliteScheme.size());
  if (path.empty() || path == ":memory:") {
    return make_error(ErrorCode::invalid_field,
                      "database_url must name a database file, e.g. sqlite://./veyra.db",
                      std::string(kUrlParam));
  }

  SqlitePoolOptions sqlite;
  sqlite.connection.path = std::string(path);
  sqlite.connection.busy_timeout = options.busy_timeout;
  sqlite.connection.error_log = options.error_log ? options.error_log : ErrorLog(log_to_stderr);
  sqlite.max_connections = options.max_connections;
  Result<std::unique_ptr<SqliteDatabase>> database = SqliteDatabase::open(sqlite);
  if (!database) return std::move(database).error();
  return std::unique_ptr<Database>(std::move(*database));
}

}  // namespace veyra::store
