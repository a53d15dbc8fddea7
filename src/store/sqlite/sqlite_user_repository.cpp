#include "store/sqlite/sqlite_user_repository.h"

#include <string>
#include <utility>

#include "store/sqlite/sqlite_pool.h"
#include "store/sqlite/sqlite_transaction.h"

namespace veyra::store {
namespace {

// The SELECTs list the columns in the order read_user() reads them.
constexpr std::string_view kSelectByEmailKey =
    "SELECT id, email, name, password_hash, email_verified, two_factor_enabled, role, plan, "
    "disabled, password_changed_at, created_at, updated_at FROM users WHERE email_key = ?1";
constexpr std::string_view kSelectById =
    "SELECT id, email, name, password_hash, email_verified, two_factor_enabled, role, plan, "
    "disabled, password_changed_at, created_at, updated_at FROM users WHERE id = ?1";
constexpr std::string_view kSelectAll =
    "SELECT id, email, name, password_hash, email_verified, two_factor_enabled, role, plan, "
    "disabled, password_changed_at, created_at, updated_at FROM users ORDER BY created_at, id";
// NULL keeps the column as it is.
constexpr std::string_view kUpdateStanding =
    "UPDATE users SET plan = COALESCE(?2, plan), role = COALESCE(?3, role), "
    "disabled = COALESCE(?4, disabled), updated_at = ?5 WHERE id = ?1";
constexpr std::string_view kInsertUser =
    "INSERT INTO users (id, email, email_key, name, password_hash, email_verified, "
    "two_factor_enabled, role, plan, disabled, password_changed_at, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
constexpr std::string_view kUpdatePassword =
    "UPDATE users SET password_hash = ?2, password_changed_at = ?3, updated_at = ?3 WHERE id = ?1";
constexpr std::string_view kUpdatePasswordEncoding =
    "UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE id = ?1";

// The key emails are unique by: ASCII letters lower-cased, every other byte as given.
std::string email_key(std::string_view email) {
  std::string key(email);
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

UserRecord read_user(const SqliteStatement& row) {
  UserRecord user;
  user.id = row.column_text(0);
  user.email = row.column_text(1);
  user.name = row.column_text(2);
  if (!row.column_is_null(3)) user.password_hash = std::string(row.column_text(3));
  user.email_verified = row.column_int64(4) != 0;
  user.two_factor_enabled = row.column_int64(5) != 0;
  user.role = row.column_text(6);
  user.plan = row.column_text(7);
  user.disabled = row.column_int64(8) != 0;
  user.password_changed_at = row.column_int64(9);
  user.created_at = row.column_int64(10);
  user.updated_at = row.column_int64(11);
  return user;
}

// Runs a SELECT of the user columns with `key` bound to ?1; nullopt when it finds no row.
Result<std::optional<UserRecord>> find_user(SqliteConnection& connection, std::string_view sql,
                                            std::string_view key) {
  Result<SqliteStatement> select = connection.prepare(sql);
  if (!select) return std::move(select).error();
  select->bind_text(1, key);

  Result<bool> row = select->step();
  if (!row) return std::move(row).error();
  if (!*row) return std::optional<UserRecord>();
  return std::optional<UserRecord>(read_user(*select));
}

}  // namespace

Status SqliteUserRepository::create(const UserRecord& user) {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();
  Result<SqliteTransaction> transaction = SqliteTransaction::begin_write(**connection);
  if (!transaction) return std::move(transaction).error();

  // Under the write lock, so no other writer can take the email between the check and insert.
  const std::string key = email_key(user.email);
  Result<std::optional<UserRecord>> existing = find_user(**connection, kSelectByEmailKey, key);
  if (!existing) return std::move(existing).error();
  if (*existing) {
    return make_error(ErrorCode::email_taken, "An account with this email already exists.",
                      "email");
  }

  {
    Result<SqliteStatement> insert = (*connection)->prepare(kInsertUser);
    if (!insert) return std::move(insert).error();
    insert->bind_text(1, user.id);
    insert->bind_text(2, user.email);
    insert->bind_text(3, key);
    insert->bind_text(4, user.name);
    if (user.password_hash) {
      insert->bind_text(5, *user.password_hash);
    } else {
      insert->bind_null(5);
    }
    insert->bind_int64(6, user.email_verified ? 1 : 0);
    insert->bind_int64(7, user.two_factor_enabled ? 1 : 0);
    insert->bind_text(8, user.role);
    insert->bind_text(9, user.plan);
    insert->bind_int64(10, user.disabled ? 1 : 0);
    insert->bind_int64(11, user.password_changed_at);
    insert->bind_int64(12, user.created_at);
    insert->bind_int64(13, user.updated_at);
    if (Result<std::int64_t> inserted = insert->run(); !inserted) {
      return std::move(inserted).error();
    }
  }

  return transaction->commit();
}

Result<std::optional<UserRecord>> SqliteUserRepository::find_by_email(std::string_view email) {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();
  return find_user(**connection, kSelectByEmailKey, email_key(email));
}

Result<std::optional<UserRecord>> SqliteUserRepository::find_by_id(std::string_view id) {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();
  return find_user(**connection, kSelectById, id);
}

Result<std::vector<UserStanding>> SqliteUserRepository::list_standings() {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();
  Result<SqliteStatement> select =
      (*connection)->prepare("SELECT id, plan, role, disabled FROM users ORDER BY id");
  if (!select) return std::move(select).error();

  std::vector<UserStanding> standings;
  while (true) {
    Result<bool> row = select->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    standings.push_back({std::string(select->column_text(0)), std::string(select->column_text(1)),
                         std::string(select->column_text(2)), select->column_int64(3) != 0});
  }
  return standings;
}

Result<std::vector<UserRecord>> SqliteUserRepository::list_all() {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();
  Result<SqliteStatement> select = (*connection)->prepare(kSelectAll);
  if (!select) return std::move(select).error();
  std::vector<UserRecord> users;
  while (true) {
    Result<bool> row = select->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    users.push_back(read_user(*select));
  }
  return users;
}

Result<bool> SqliteUserRepository::update_standing(std::string_view user_id,
                                                   const std::string* plan, const std::string* role,
                                                   const bool* disabled, std::int64_t now) {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();
  Result<SqliteStatement> update = (*connection)->prepare(kUpdateStanding);
  if (!update) return std::move(update).error();
  update->bind_text(1, user_id);
  if (plan != nullptr) {
    update->bind_text(2, *plan);
  } else {
    update->bind_null(2);
  }
  if (role != nullptr) {
    update->bind_text(3, *role);
  } else {
    update->bind_null(3);
  }
  if (disabled != nullptr) {
    update->bind_int64(4, *disabled ? 1 : 0);
  } else {
    update->bind_null(4);
  }
  update->bind_int64(5, now);
  Result<std::int64_t> updated = update->run();
  if (!updated) return std::move(updated).error();
  return *updated > 0;
}

Status SqliteUserRepository::set_password_hash(std::string_view user_id, std::string_view hash,
                                               bool changed, std::int64_t now) {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();

  // A rehash on login changes only the encoding: the password, and password_changed_at, stay.
  Result<SqliteStatement> update =
      (*connection)->prepare(changed ? kUpdatePassword : kUpdatePasswordEncoding);
  if (!update) return std::move(update).error();
  update->bind_text(1, user_id);
  update->bind_text(2, hash);
  update->bind_int64(3, now);

  Result<std::int64_t> updated = update->run();
  if (!updated) return std::move(updated).error();
  if (*updated == 0) return make_error(ErrorCode::not_found, "No such user.");
  return {};
}

}  // namespace veyra::store
