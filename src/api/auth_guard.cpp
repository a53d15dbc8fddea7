#include "api/auth_guard.h"

namespace veyra::api {
namespace {

constexpr std::string_view kApiKeyPrefix = "veyra_sk_";

// The credential after "Bearer " (scheme case-insensitive), or empty.
std::string_view bearer_token(const http::Request& request) {
  std::string_view value = request.header("Authorization");
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() || !http::iequals(value.substr(0, kScheme.size()), kScheme)) {
    return {};
  }
  value.remove_prefix(kScheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  return value;
}

bool looks_like_api_key(std::string_view token) {
  return token.substr(0, kApiKeyPrefix.size()) == kApiKeyPrefix;
}

}  // namespace

Result<auth::Principal> authenticate(const auth::TokenIssuer& tokens, const auth::ApiKeyCache& keys,
                                     http::Request& request) {
  std::string_view token = bearer_token(request);
  if (token.empty()) return make_error(ErrorCode::missing_credentials);

  auto principal =
      looks_like_api_key(token) ? keys.authenticate(token) : tokens.authenticate(token);
  if (!principal) return principal;
  request.principal_id = principal->log_id();
  return principal;
}

Result<auth::Principal> require_session(const auth::TokenIssuer& tokens, http::Request& request) {
  std::string_view token = bearer_token(request);
  if (token.empty()) return make_error(ErrorCode::missing_credentials);
  if (looks_like_api_key(token)) return make_error(ErrorCode::session_auth_required);

  auto principal = tokens.authenticate(token);
  if (!principal) return principal;
  request.principal_id = principal->log_id();
  return principal;
}

Status require_scope(const auth::Principal& principal, auth::Scope scope) {
  if (principal.has_scope(scope)) return {};
  return make_error(ErrorCode::insufficient_scope);
}

}  // namespace veyra::api
