#include "core/error.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace veyra {
namespace {

struct CodeInfo {
  std::string_view name;
  unsigned status;
  std::string_view message;
};

// Indexed by ErrorCode; the static_assert below keeps the two in step.
constexpr CodeInfo kCodes[] = {
    {"invalid_json", 400, "The request body is not valid JSON."},
    {"missing_field", 400, "A required field is missing."},
    {"invalid_field", 400, "A field has an invalid value."},
    {"weak_password", 400, "The password does not meet the password policy."},
    {"invalid_token", 400, "The token is invalid."},
    {"token_expired", 400, "The token has expired."},
    {"invalid_2fa_code", 400, "The two-factor code is invalid."},
    {"invalid_current_password", 400, "The current password is incorrect."},
    {"oauth_failed", 400, "Signing in with the identity provider failed."},
    {"unsupported_capability", 400, "The model does not support this endpoint."},
    {"bad_request", 400, "The request is malformed."},
    {"missing_credentials", 401, "Authentication is required."},
    {"invalid_credentials", 401, "The email or password is incorrect."},
    {"invalid_access_token", 401, "The access token is invalid."},
    {"access_token_expired", 401, "The access token has expired."},
    {"session_revoked", 401, "The session has been revoked."},
    {"invalid_api_key", 401, "The API key is invalid."},
    {"api_key_revoked", 401, "The API key has been revoked."},
    {"api_key_expired", 401, "The API key has expired."},
    {"refresh_token_invalid", 401, "The refresh token is invalid."},
    {"refresh_token_reused", 401, "The refresh token was already used; the session is revoked."},
    {"challenge_expired", 401, "The two-factor challenge is invalid or has expired."},
    {"session_auth_required", 403, "This endpoint requires a signed-in session, not an API key."},
    {"insufficient_scope", 403, "The API key does not have the scope for this endpoint."},
    {"model_not_allowed", 403, "The model is not allowed for this caller."},
    {"account_disabled", 403, "The account is disabled."},
    {"admin_required", 403, "This endpoint requires an administrator."},
    {"not_found", 404, "Not found."},
    {"model_not_found", 404, "The model does not exist."},
    {"method_not_allowed", 405, "The method is not allowed for this path."},
    {"email_taken", 409, "An account with this email already exists."},
    {"two_factor_already_enabled", 409, "Two-factor authentication is already enabled."},
    {"two_factor_not_enabled", 409, "Two-factor authentication is not enabled."},
    {"payload_too_large", 413, "The request body is too large."},
    {"unsupported_media_type", 415, "The request content type is not supported."},
    {"headers_too_large", 431, "The request headers are too large."},
    {"rate_limited", 429, "Too many requests; slow down."},
    {"too_many_attempts", 429, "Too many attempts; try again later."},
    {"insufficient_quota", 429, "The quota for this period is spent."},
    {"internal_error", 500, "An internal error occurred."},
    {"server_busy", 503, "The server is busy; try again shortly."},
    {"upstream_error", 502, "The upstream provider returned an error."},
    {"upstream_unavailable", 503, "The upstream provider is unavailable."},
    {"upstream_timeout", 504, "The upstream provider did not answer in time."},
};
static_assert(std::size(kCodes) == static_cast<size_t>(ErrorCode::upstream_timeout) + 1);

const CodeInfo& info(ErrorCode code) {
  return kCodes[static_cast<size_t>(code)];
}

}  // namespace

std::string_view code_name(ErrorCode code) {
  return info(code).name;
}

unsigned http_status(ErrorCode code) {
  return info(code).status;
}

std::string_view default_message(ErrorCode code) {
  return info(code).message;
}

std::string_view error_type(ErrorCode code) {
  switch (code) {
    case ErrorCode::method_not_allowed:
    case ErrorCode::payload_too_large:
    case ErrorCode::unsupported_media_type:
    case ErrorCode::headers_too_large:
      return "invalid_request_error";
    case ErrorCode::server_busy:
      return "server_error";
    default:
      break;
  }
  switch (info(code).status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 409:
      return "conflict_error";
    case 429:
      return "rate_limit_error";
    case 502:
    case 503:
    case 504:
      return "upstream_error";
    default:
      return "server_error";
  }
}

Error make_error(ErrorCode code, std::string message, std::string param) {
  if (message.empty()) message = default_message(code);
  return Error{code, std::move(message), std::move(param), 0};
}

std::string error_body(const Error& error) {
  boost::json::object inner;
  inner["message"] = error.message.empty() ? default_message(error.code) : error.message;
  inner["type"] = error_type(error.code);
  inner["code"] = code_name(error.code);
  if (error.param.empty()) {
    inner["param"] = nullptr;
  } else {
    inner["param"] = error.param;
  }
  boost::json::object outer;
  outer["error"] = std::move(inner);
  return boost::json::serialize(outer);
}

}  // namespace veyra
