#include "store/sqlite/sqlite_api_key_repository.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <utility>

#include "store/sqlite/sqlite_pool.h"
#include "store/sqlite/sqlite_transaction.h"

namespace veyra::store {
namespace {

constexpr std::string_view kColumns =
    "id, user_id, name, key_hash, prefix, last4, scopes, models, rpm_limit, created_at, "
    "last_used_at, expires_at, revoked_at";

constexpr std::string_view kInsert =
    "INSERT INTO api_keys (id, user_id, name, key_hash, prefix, last4, scopes, models, "
    "rpm_limit, created_at, last_used_at, expires_at, revoked_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
constexpr std::string_view kRevoke =
    "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?3) WHERE id = ?1 AND user_id = ?2";
constexpr std::string_view kTouch =
    "UPDATE api_keys SET last_used_at = ?2 "
    "WHERE id = ?1 AND (last_used_at IS NULL OR last_used_at < ?2)";

std::string select_sql(std::string_view where) {
  std::string sql = "SELECT ";
  sql.append(kColumns).append(" FROM api_keys ").append(where);
  return sql;
}

// Scopes and models are stored as JSON arrays of strings.
std::string names_json(const std::vector<std::string>& names) {
  boost::json::array array;
  for (const std::string& name : names) array.emplace_back(name);
  return boost::json::serialize(array);
}

std::vector<std::string> parse_names(std::string_view text) {
  std::vector<std::string> names;
  boost::json::error_code ec;
  boost::json::value value = boost::json::parse(text, ec);
  if (ec || !value.is_array()) return names;
  for (const boost::json::value& item : value.get_array()) {
    if (item.is_string()) names.emplace_back(item.get_string());
  }
  return names;
}

// Zero (none) is stored as NULL.
void bind_optional_int(SqliteStatement& statement, int index, std::int64_t value) {
  if (value == 0) {
    statement.bind_null(index);
  } else {
    statement.bind_int64(index, value);
  }
}

ApiKeyRecord read_key(const SqliteStatement& row) {
  ApiKeyRecord key;
  key.id = std::string(row.column_text(0));
  key.user_id = std::string(row.column_text(1));
  key.name = std::string(row.column_text(2));
  key.key_hash = std::string(row.column_text(3));
  key.prefix = std::string(row.column_text(4));
  key.last4 = std::string(row.column_text(5));
  key.scopes = parse_names(row.column_text(6));
  if (!row.column_is_null(7)) key.models = parse_names(row.column_text(7));
  key.rpm_limit = row.column_int64(8);
  key.created_at = row.column_int64(9);
  key.last_used_at = row.column_int64(10);
  key.expires_at = row.column_int64(11);
  key.revoked_at = row.column_int64(12);
  return key;
}

// Every row `select` yields.
Result<std::vector<ApiKeyRecord>> read_all(SqliteStatement& select) {
  std::vector<ApiKeyRecord> keys;
  for (;;) {
    Result<bool> row = select.step();
    if (!row) return std::move(row).error();
    if (!*row) return keys;
    keys.push_back(read_key(select));
  }
}

Result<std::optional<ApiKeyRecord>> find_one(SqliteConnection& connection, std::string_view where,
                                             std::string_view value) {
  Result<SqliteStatement> select = connection.prepare(select_sql(where));
  if (!select) return std::move(select).error();
  select->bind_text(1, value);
  Result<bool> row = select->step();
  if (!row) return std::move(row).error();
  if (!*row) return std::optional<ApiKeyRecord>();
  return std::optional<ApiKeyRecord>(read_key(*select));
}

}  // namespace

Status SqliteApiKeyRepository::create(const ApiKeyRecord& key) {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();
  Result<SqliteStatement> insert = (*connection)->prepare(kInsert);
  if (!insert) return std::move(insert).error();
  insert->bind_text(1, key.id);
  insert->bind_text(2, key.user_id);
  insert->bind_text(3, key.name);
  insert->bind_text(4, key.key_hash);
  insert->bind_text(5, key.prefix);
  insert->bind_text(6, key.last4);
  insert->bind_text(7, names_json(key.scopes));
  if (key.models) {
    insert->bind_text(8, names_json(*key.models));
  } else {
    insert->bind_null(8);
  }
  bind_optional_int(*insert, 9, key.rpm_limit);
  insert->bind_int64(10, key.created_at);
  bind_optional_int(*insert, 11, key.last_used_at);
  bind_optional_int(*insert, 12, key.expires_at);
  bind_optional_int(*insert, 13, key.revoked_at);
  if (Result<std::int64_t> inserted = insert->run(); !inserted) return std::move(inserted).error();
  return {};
}

Result<std::vector<ApiKeyRecord>> SqliteApiKeyRepository::list_for_user(std::string_view user_id) {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();
  Result<SqliteStatement> select =
      (*connection)->prepare(select_sql("WHERE user_id = ?1 ORDER BY created_at DESC, id DESC"));
  if (!select) return std::move(select).error();
  select->bind_text(1, user_id);
  return read_all(*select);
}

Result<std::vector<ApiKeyRecord>> SqliteApiKeyRepository::list_all() {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();
  Result<SqliteStatement> select = (*connection)->prepare(select_sql(""));
  if (!select) return std::move(select).error();
  return read_all(*select);
}

Result<std::optional<ApiKeyRecord>> SqliteApiKeyRepository::find_by_hash(
    std::string_view key_hash) {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();
  return find_one(**connection, "WHERE key_hash = ?1", key_hash);
}

Result<std::optional<ApiKeyRecord>> SqliteApiKeyRepository::revoke(std::string_view id,
                                                                   std::string_view user_id,
                                                                   std::int64_t now) {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();
  Result<SqliteTransaction> transaction = SqliteTransaction::begin_write(**connection);
  if (!transaction) return std::move(transaction).error();

  Result<SqliteStatement> update = (*connection)->prepare(kRevoke);
  if (!update) return std::move(update).error();
  update->bind_text(1, id);
  update->bind_text(2, user_id);
  update->bind_int64(3, now);
  Result<std::int64_t> changed = update->run();
  if (!changed) return std::move(changed).error();
  if (*changed == 0) return std::optional<ApiKeyRecord>();

  Result<std::optional<ApiKeyRecord>> key = find_one(**connection, "WHERE id = ?1", id);
  if (!key) return key;
  if (Status committed = transaction->commit(); !committed) return std::move(committed).error();
  return key;
}

Status SqliteApiKeyRepository::touch_last_used(std::span<const ApiKeyUse> uses) {
  if (uses.empty()) return {};
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();
  Result<SqliteTransaction> transaction = SqliteTransaction::begin_write(**connection);
  if (!transaction) return std::move(transaction).error();

  for (const ApiKeyUse& use : uses) {
    Result<SqliteStatement> update = (*connection)->prepare(kTouch);
    if (!update) return std::move(update).error();
    update->bind_text(1, use.key_id);
    update->bind_int64(2, use.used_at);
    if (Result<std::int64_t> run = update->run(); !run) return std::move(run).error();
  }
  return transaction->commit();
}

}  // namespace veyra::store
