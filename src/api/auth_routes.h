// The public authentication API of API.md: register, login, refresh, logout, sessions,
// change-password. (Email verification, password reset, 2FA and Google sign-in join here
// with their issues.)
#pragma once

#include <string>

#include "accounts/registration.h"
#include "auth/auth_service.h"
#include "auth/tokens.h"
#include "core/blocking_pool.h"
#include "core/clock.h"
#include "http/router.h"

namespace veyra::api {

struct AuthRouteDeps {
  auth::AuthService& auth;
  auth::TokenIssuer& tokens;
  accounts::Registration& registration;
  BlockingPool& blocking_pool;  // database work
  BlockingPool& password_pool;  // Argon2id work (register, login, change-password), low priority
  const Clock& clock;
  std::string default_plan;
};

// REQUIRES: every dependency outlives the router.
void add_auth_routes(http::Router& router, const AuthRouteDeps& deps);

// GET /v1/account.
void add_account_routes(http::Router& router, const AuthRouteDeps& deps);

}  // namespace veyra::api
