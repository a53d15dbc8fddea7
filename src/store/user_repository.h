// Users: who can sign in, with which password hash, plan and role.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace veyra::store {

struct UserRecord {
  std::string id;     // usr_...
  std::string email;  // normalised: trimmed, domain lower-cased, local part as given
  std::string name;   // may be empty
  std::optional<std::string> password_hash;  // Argon2id encoded; nullopt = no password sign-in
  bool email_verified = false;
  bool two_factor_enabled = false;
  std::string role = "user";  // user | admin
  std::string plan;
  bool disabled = false;
  std::int64_t password_changed_at = 0;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

// What the hot path needs to know of an account: its plan, role and whether it is disabled.
struct UserStanding {
  std::string id;
  std::string plan;
  std::string role;
  bool disabled = false;
};

// Every method blocks (run it on the blocking pool) and is safe from several threads.
// Emails are unique ignoring case: "Ann@x.io" and "ann@x.io" are the same account.
class UserRepository {
 public:
  virtual ~UserRepository() = default;

  // Inserts `user` (all fields as given). Fails with email_taken when another user has the
  // same email ignoring case; server_busy / internal_error on database failure.
  virtual Status create(const UserRecord& user) = 0;

  // Looks up by email ignoring case; nullopt when there is none.
  virtual Result<std::optional<UserRecord>> find_by_email(std::string_view email) = 0;
  virtual Result<std::optional<UserRecord>> find_by_id(std::string_view id) = 0;

  // Every account's standing, for the in-memory directory loaded at start.
  virtual Result<std::vector<UserStanding>> list_standings() = 0;

  // Every account, oldest first (the admin listing).
  virtual Result<std::vector<UserRecord>> list_all() = 0;

  // Sets the fields given (the others stay) and updated_at = now. False when there is no
  // such user.
  virtual Result<bool> update_standing(std::string_view user_id, const std::string* plan,
                                       const std::string* role, const bool* disabled,
                                       std::int64_t now) = 0;

  // Replaces the password hash. `changed` says whether the password itself changed (then
  // password_changed_at = now) or only its encoding (a rehash on login).
  virtual Status set_password_hash(std::string_view user_id, std::string_view hash, bool changed,
                                   std::int64_t now) = 0;
};

}  // namespace veyra::store
