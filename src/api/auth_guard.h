// Authentication for handlers: reads `Authorization: Bearer ...`, checks it on the hot path
// (no database) and records the principal on the request for the access log.
#pragma once

#include "auth/principal.h"
#include "auth/tokens.h"
#include "core/result.h"
#include "http/request.h"

namespace veyra::api {

// Any principal: an access token or (once keys exist) an API key. Errors:
// missing_credentials, invalid_access_token, access_token_expired, session_revoked,
// invalid_api_key.
Result<auth::Principal> authenticate(const auth::TokenIssuer& tokens, http::Request& request);

// Only an access token: an API key is 403 session_auth_required (API.md "session" endpoints).
Result<auth::Principal> require_session(const auth::TokenIssuer& tokens, http::Request& request);

}  // namespace veyra::api
