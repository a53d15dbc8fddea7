// The accounts and sign-in services, wired once from the configuration and the database.
// Used by `veyra serve` (all of it) and by the admin CLI (registration only).
#pragma once

#include <memory>

#include "accounts/registration.h"
#include "auth/api_key_cache.h"
#include "auth/api_key_codec.h"
#include "auth/api_key_service.h"
#include "auth/auth_service.h"
#include "auth/jwt.h"
#include "auth/login_throttle.h"
#include "auth/password_hasher.h"
#include "auth/revoked_sessions.h"
#include "auth/tokens.h"
#include "auth/user_directory.h"
#include "core/clock.h"
#include "core/config.h"
#include "store/database.h"

namespace veyra::app {

class AuthStack {
 public:
  // Loads or creates the JWT signing secret and the API key hashing secret, and loads the
  // revoked-session set and the API key cache. Blocks (database).
  // Fails when the database does. `database` and `clock` must outlive the stack.
  static Result<std::unique_ptr<AuthStack>> build(const Config& config, store::Database& database,
                                                  const Clock& clock);

  auth::PasswordHasher hasher;
  auth::JwtCodec jwt;
  auth::RevokedSessions revoked;
  auth::LoginThrottle throttle;
  auth::TokenIssuer tokens;
  auth::AuthService auth;
  accounts::Registration registration;
  auth::ApiKeyCodec api_key_codec;
  auth::ApiKeyCache api_key_cache;
  auth::UserDirectory directory;  // plan, role and disabled of every account
  auth::ApiKeyService api_keys;

  AuthStack(const Config& config, store::Database& database, const Clock& clock,
            std::string jwt_secret, std::string api_key_secret);
};

}  // namespace veyra::app
