// The dashboard's API key endpoints (API.md, "Dashboard and admin API"): POST, GET and
// DELETE /v1/api-keys. Session auth only: an API key is 403 session_auth_required.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>

#include "auth/api_key_service.h"
#include "auth/tokens.h"
#include "core/blocking_pool.h"
#include "core/clock.h"
#include "core/result.h"
#include "http/router.h"
#include "store/api_key_repository.h"

namespace veyra::api {

struct ApiKeyRouteDeps {
  const auth::TokenIssuer& tokens;  // session authentication (require_session)
  auth::ApiKeyService& keys;
  BlockingPool& pool;  // runs the service's database calls
  const Clock& clock;
};

// The body of POST /v1/api-keys at Unix time `now`: name (required, 1 to 100 characters),
// scopes (array of models, chat, embeddings, images, audio; default all), models (non-empty
// array of model ids; default every model), expires_at (integer after `now`), rpm_limit
// (positive integer). Errors: missing_field or invalid_field naming the field in `param`.
Result<auth::NewApiKey> parse_new_api_key(const boost::json::object& body, std::int64_t now);

// ApiKey: {id, name, prefix, last4, scopes, models, rpm_limit, created_at, last_used_at,
// expires_at, revoked_at}; absent values (no allowlist, limit, use, expiry or revocation) are
// null. Never the secret or its hash.
boost::json::object api_key_json(const store::ApiKeyRecord& key);

// POST /v1/api-keys → 201 {api_key, key}; GET /v1/api-keys → {object: "list", data};
// DELETE /v1/api-keys/{id} → {api_key} (404 not_found for someone else's or an unknown id).
// REQUIRES: every dependency outlives the router.
void add_api_key_routes(http::Router& router, const ApiKeyRouteDeps& deps);

}  // namespace veyra::api
