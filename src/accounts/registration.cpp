#include "accounts/registration.h"

#include "accounts/email.h"
#include "auth/password_policy.h"
#include "core/ids.h"

namespace veyra::accounts {
namespace {

constexpr std::size_t kMaxNameBytes = 200;

}  // namespace

Registration::Registration(store::UserRepository& users, const auth::PasswordHasher& hasher,
                           const Clock& clock)
    : users_(users), hasher_(hasher), clock_(clock) {}

Result<store::UserRecord> Registration::create(const NewAccount& account) {
  std::optional<std::string> email = normalize_email(account.email);
  if (!email) {
    return make_error(ErrorCode::invalid_field, "The email address is not valid.", "email");
  }
  if (account.name.size() > kMaxNameBytes) {
    return make_error(ErrorCode::invalid_field, "The name is longer than 200 bytes.", "name");
  }
  if (Status policy = auth::check_password(account.password, *email, "password"); !policy) {
    return std::move(policy).error();
  }
  auto existing = users_.find_by_email(*email);
  if (!existing) return std::move(existing).error();
  if (*existing) return make_error(ErrorCode::email_taken, {}, "email");

  auto hash = hasher_.hash(account.password);
  if (!hash) return std::move(hash).error();
  std::int64_t now = clock_.now();
  store::UserRecord user;
  user.id = new_id("usr_");
  user.email = std::move(*email);
  user.name = std::string(account.name);
  user.password_hash = std::move(*hash);
  user.email_verified = account.email_verified;
  user.role = account.role;
  user.plan = account.plan;
  user.password_changed_at = now;
  user.created_at = now;
  user.updated_at = now;
  if (Status created = users_.create(user); !created) return std::move(created).error();
  return user;
}

}  // namespace veyra::accounts
