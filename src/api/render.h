// The JSON shapes of API.md's Objects section, built from service results.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>

#include "auth/auth_service.h"
#include "auth/tokens.h"
#include "store/user_repository.h"

namespace veyra::api {

// User: {id, email, name, email_verified, two_factor_enabled, role, plan, created_at}.
boost::json::object user_json(const store::UserRecord& user);

// TokenPair: {token_type, access_token, expires_in, refresh_token, refresh_expires_in,
// session_id, user}.
boost::json::object token_pair_json(const auth::TokenPair& pair);

// Session: {id, status, current, auth_method, two_factor, ip, user_agent, created_at,
// last_used_at, expires_at, revoked_at, revoked_reason}; status is judged at `now`.
boost::json::object session_json(const auth::SessionView& view, std::int64_t now);

}  // namespace veyra::api
