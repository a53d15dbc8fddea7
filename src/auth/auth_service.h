// Password sign-in and everything a signed-in person does with their sessions: login,
// refresh, logout, the session inventory, revoking one session, changing the password.
// Every method blocks (database, Argon2id): callers run it on the blocking pool.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/login_throttle.h"
#include "auth/password_hasher.h"
#include "auth/principal.h"
#include "auth/tokens.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/session_repository.h"
#include "store/user_repository.h"

namespace veyra::auth {

// What a correct password gets: tokens, or (once the user has 2FA) a challenge to answer
// first. Exactly one of the two is set.
struct LoginResult {
  std::optional<TokenPair> tokens;
  // TODO(auth): the TwoFactorChallenge branch arrives with TOTP; nothing enables 2FA yet.
};

struct SessionView {
  store::SessionRecord session;
  bool current = false;
};

class AuthService {
 public:
  // All references must outlive the service.
  AuthService(store::UserRepository& users, store::SessionRepository& sessions,
              const PasswordHasher& hasher, TokenIssuer& tokens, LoginThrottle& throttle,
              const Clock& clock);

  // Unknown email and wrong password answer alike (invalid_credentials) and take the same
  // time; too_many_attempts (with retry_after_s) once the email or address failed too often;
  // account_disabled only after the right password.
  Result<LoginResult> login(std::string_view email, std::string_view password,
                            const ClientInfo& client);

  Result<TokenPair> refresh(std::string_view refresh_token);

  // Revokes the caller's session, or all of the user's sessions; returns how many.
  Result<std::int64_t> logout(const Principal& principal, bool all);

  // The user's sessions, newest first, with the caller's marked current.
  Result<std::vector<SessionView>> list_sessions(const Principal& principal);

  // not_found when the session is not the caller's.
  Status revoke_session(const Principal& principal, std::string_view session_id);

  // invalid_current_password (param current_password), weak_password (param new_password);
  // on success every session of the user, the current one too, is revoked: returns how many.
  Result<std::int64_t> change_password(const Principal& principal, std::string_view current,
                                       std::string_view replacement);

  // The signed-in user (for GET /v1/account); not_found when deleted.
  Result<store::UserRecord> account(const Principal& principal);

 private:
  store::UserRepository& users_;
  store::SessionRepository& sessions_;
  const PasswordHasher& hasher_;
  TokenIssuer& tokens_;
  LoginThrottle& throttle_;
  const Clock& clock_;
};

}  // namespace veyra::auth
