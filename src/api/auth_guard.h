// Authentication for handlers: reads `Authorization: Bearer ...`, checks it on the hot path
// (no database) and records the principal on the request for the access log.
#pragma once

#include "auth/api_key_cache.h"
#include "auth/principal.h"
#include "auth/tokens.h"
#include "core/result.h"
#include "http/request.h"

namespace veyra::api {

// Any principal: an access token, or a "veyra_sk_" API key checked by `keys`. Errors:
// missing_credentials, invalid_access_token, access_token_expired, session_revoked,
// invalid_api_key, api_key_revoked, api_key_expired.
Result<auth::Principal> authenticate(const auth::TokenIssuer& tokens, const auth::ApiKeyCache& keys,
                                     http::Request& request);

// 403 insufficient_scope unless `principal` (an API key) has `scope`; a session has them all.
Status require_scope(const auth::Principal& principal, auth::Scope scope);

// Only an access token: an API key is 403 session_auth_required (API.md "session" endpoints).
Result<auth::Principal> require_session(const auth::TokenIssuer& tokens, http::Request& request);

}  // namespace veyra::api
