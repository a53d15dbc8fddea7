// The one error vocabulary of Veyra: every failure a client can see is an ErrorCode, and
// every ErrorCode has exactly one HTTP status, one OpenAI-style error type and one stable
// machine-readable name (the `code` field of the JSON envelope in API.md).
#pragma once

#include <string>
#include <string_view>

namespace veyra {

enum class ErrorCode {
  // 400 invalid_request_error
  invalid_json,
  missing_field,
  invalid_field,
  weak_password,
  invalid_token,
  token_expired,
  invalid_2fa_code,
  invalid_current_password,
  oauth_failed,
  unsupported_capability,
  bad_request,  // malformed HTTP or a request Veyra cannot interpret
  // 401 authentication_error
  missing_credentials,
  invalid_credentials,
  invalid_access_token,
  access_token_expired,
  session_revoked,
  invalid_api_key,
  api_key_revoked,
  api_key_expired,
  refresh_token_invalid,
  refresh_token_reused,
  challenge_expired,
  // 403 permission_error
  session_auth_required,
  insufficient_scope,
  model_not_allowed,
  account_disabled,
  admin_required,
  // 404 not_found_error
  not_found,
  model_not_found,
  // 405
  method_not_allowed,
  // 409 conflict_error
  email_taken,
  two_factor_already_enabled,
  two_factor_not_enabled,
  // 413, 415, 431
  payload_too_large,
  unsupported_media_type,
  headers_too_large,
  // 429 rate_limit_error
  rate_limited,
  too_many_attempts,
  insufficient_quota,
  // 500 server_error
  internal_error,
  // 503 server_error: Veyra itself is saturated or shutting down
  server_busy,
  // 502/503/504 upstream_error
  upstream_error,
  upstream_unavailable,
  upstream_timeout,
};

// The stable name clients match on, e.g. "weak_password".
std::string_view code_name(ErrorCode code);

// The HTTP status this code is always answered with.
unsigned http_status(ErrorCode code);

// The OpenAI-style `type` of the envelope, e.g. "invalid_request_error".
std::string_view error_type(ErrorCode code);

// A generic, client-safe sentence for the code, used when a caller gives no message.
std::string_view default_message(ErrorCode code);

// A failure as clients see it. `message` must be safe to show (no internals, no secrets);
// `param` names the offending request field, or is empty. `retry_after_s` > 0 makes the
// response carry `Retry-After`.
struct Error {
  ErrorCode code = ErrorCode::internal_error;
  std::string message;
  std::string param;
  unsigned retry_after_s = 0;
};

// Builds an Error; an empty message takes default_message(code).
Error make_error(ErrorCode code, std::string message = {}, std::string param = {});

// The JSON envelope of API.md: {"error":{"message","type","code","param"}}.
std::string error_body(const Error& error);

}  // namespace veyra
