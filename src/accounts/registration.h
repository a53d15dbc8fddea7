// Creating accounts: by people through POST /v1/auth/register and by operators through
// `veyra admin create-user`. Blocks (Argon2id, database): run it on the blocking pool.
#pragma once

#include <string>
#include <string_view>

#include "auth/password_hasher.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/user_repository.h"

namespace veyra::accounts {

struct NewAccount {
  std::string_view email;
  std::string_view password;
  std::string_view name;
  std::string plan;           // the configured default plan unless an operator says otherwise
  std::string role = "user";  // user | admin
  bool email_verified = false;
};

class Registration {
 public:
  // All references must outlive the service.
  Registration(store::UserRepository& users, const auth::PasswordHasher& hasher,
               const Clock& clock);

  // Errors: invalid_field (param email or name), weak_password (param password),
  // email_taken (param email); checks run before any hashing.
  Result<store::UserRecord> create(const NewAccount& account);

 private:
  store::UserRepository& users_;
  const auth::PasswordHasher& hasher_;
  const Clock& clock_;
};

}  // namespace veyra::accounts
