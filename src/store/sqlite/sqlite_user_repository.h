// UserRepository over the users table of a SQLite database.
#pragma once

#include "store/user_repository.h"

namespace veyra::store {

class SqlitePool;

// Safe to call from several threads at once: each call leases its own connection.
class SqliteUserRepository final : public UserRepository {
 public:
  // `pool` must outlive the repository.
  explicit SqliteUserRepository(SqlitePool& pool) : pool_(pool) {}

  Status create(const UserRecord& user) override;
  Result<std::optional<UserRecord>> find_by_email(std::string_view email) override;
  Result<std::optional<UserRecord>> find_by_id(std::string_view id) override;
  Result<std::vector<UserStanding>> list_standings() override;
  Result<std::vector<UserRecord>> list_all() override;
  Result<bool> update_standing(std::string_view user_id, const std::string* plan,
                               const std::string* role, const bool* disabled,
                               std::int64_t now) override;

  // Fails with not_found when no user has the id.
  Status set_password_hash(std::string_view user_id, std::string_view hash, bool changed,
                           std::int64_t now) override;

 private:
  SqlitePool& pool_;
};

}  // namespace veyra::store
