#include "store/sqlite/sqlite_secret_repository.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>

#include "store/sqlite/sqlite_pool.h"

namespace veyra::store {
namespace {

constexpr std::string_view kSelectSecret = "SELECT value FROM server_secrets WHERE name = ?1";
// ON CONFLICT ... DO NOTHING makes the first writer win; PostgreSQL accepts the same text.
constexpr std::string_view kInsertSecret =
    "INSERT INTO server_secrets (name, value, created_at) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (name) DO NOTHING";

// TODO(store): take the clock from core once it exists, so tests can pin created_at.
std::int64_t unix_seconds_now() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::seconds>(now).count();
}

// The stored value, or nullopt when the secret does not exist yet.
Result<std::optional<std::string>> find_secret(SqliteConnection& connection,
                                               std::string_view name) {
  Result<SqliteStatement> select = connection.prepare(kSelectSecret);
  if (!select) return std::move(select).error();
  select->bind_text(1, name);

  Result<bool> row = select->step();
  if (!row) return std::move(row).error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(select->column_text(0));
}

}  // namespace

Result<std::string> SqliteSecretRepository::get_or_create(
    std::string_view name, const std::function<std::string()>& make) {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();

  Result<std::optional<std::string>> existing = find_secret(**connection, name);
  if (!existing) return std::move(existing).error();
  if (*existing) return std::move(**existing);

  // Two creators may both get here; the insert keeps the first value and the read below
  // returns it to both.
  {
    Result<SqliteStatement> insert = (*connection)->prepare(kInsertSecret);
    if (!insert) return std::move(insert).error();
    insert->bind_text(1, name);
    insert->bind_text(2, make());
    insert->bind_int64(3, unix_seconds_now());
    if (Result<std::int64_t> inserted = insert->run(); !inserted) {
      return std::move(inserted).error();
    }
  }

  Result<std::optional<std::string>> stored = find_secret(**connection, name);
  if (!stored) return std::move(stored).error();
  if (!*stored) {
    return (*connection)->fail_unexpected("server secret missing right after its insert");
  }
  return std::move(**stored);
}

}  // namespace veyra::store
