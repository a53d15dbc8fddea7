#include "auth/tokens.h"

#include <algorithm>

#include "core/crypto.h"
#include "core/ids.h"

namespace veyra::auth {
namespace {

// Refresh tokens are 256-bit random strings; anything much longer is not one of ours.
constexpr std::size_t kMaxRefreshTokenLength = 128;

}  // namespace

std::vector<std::string> session_amr(std::string_view auth_method, bool two_factor) {
  std::vector<std::string> amr{auth_method == "google" ? "google" : "pwd"};
  if (two_factor) {
    amr.emplace_back("otp");
    amr.emplace_back("mfa");
  }
  return amr;
}

TokenIssuer::TokenIssuer(store::SessionRepository& sessions, const JwtCodec& jwt,
                         RevokedSessions& revoked, const Clock& clock, TokenSettings settings)
    : sessions_(sessions), jwt_(jwt), revoked_(revoked), clock_(clock), settings_(settings) {}

Result<TokenPair> TokenIssuer::start_session(const store::UserRecord& user,
                                             std::string_view auth_method, bool two_factor,
                                             const ClientInfo& client) {
  std::int64_t now = clock_.now();
  store::SessionRecord session;
  session.id = new_id("ses_");
  session.user_id = user.id;
  session.auth_method = std::string(auth_method);
  session.two_factor = two_factor;
  session.ip = client.ip;
  session.user_agent = client.user_agent.substr(0, 512);
  session.created_at = now;
  session.last_used_at = now;
  session.expires_at = now + settings_.refresh_ttl_seconds;

  std::string refresh_token = random_secret(256);
  if (Status created = sessions_.create(session, sha256_hex(refresh_token)); !created) {
    return std::move(created).error();
  }
  return issue(session, user, std::move(refresh_token));
}

Result<TokenPair> TokenIssuer::refresh(std::string_view refresh_token,
                                       store::UserRepository& users) {
  if (refresh_token.empty() || refresh_token.size() > kMaxRefreshTokenLength) {
    return make_error(ErrorCode::refresh_token_invalid, {}, "refresh_token");
  }
  std::int64_t now = clock_.now();
  std::string next_token = random_secret(256);
  auto rotated = sessions_.rotate(sha256_hex(refresh_token), sha256_hex(next_token), now,
                                  now + settings_.refresh_ttl_seconds);
  if (!rotated) return std::move(rotated).error();

  switch (rotated->outcome) {
    case store::RotateOutcome::unknown:
    case store::RotateOutcome::session_ended:
      return make_error(ErrorCode::refresh_token_invalid, {}, "refresh_token");
    case store::RotateOutcome::reused:
      revoked_.revoke(rotated->session.id, now + settings_.access_ttl_seconds);
      return make_error(ErrorCode::refresh_token_reused, {}, "refresh_token");
    case store::RotateOutcome::rotated:
      break;
  }

  auto user = users.find_by_id(rotated->session.user_id);
  if (!user) return std::move(user).error();
  if (!*user || (*user)->disabled) {
    return make_error(ErrorCode::refresh_token_invalid, {}, "refresh_token");
  }
  return issue(rotated->session, **user, std::move(next_token));
}

Result<Principal> TokenIssuer::authenticate(std::string_view access_token) const {
  auto claims = jwt_.verify(access_token, clock_.now());
  if (!claims) return std::move(claims).error();
  if (revoked_.is_revoked(claims->session_id)) return make_error(ErrorCode::session_revoked);

  Principal principal;
  principal.kind = Principal::Kind::session;
  principal.user_id = std::move(claims->subject);
  principal.session_id = std::move(claims->session_id);
  principal.amr = std::move(claims->amr);
  return principal;
}

void TokenIssuer::forget_sessions(const std::vector<std::string>& session_ids) {
  std::int64_t until = clock_.now() + settings_.access_ttl_seconds;
  for (const std::string& id : session_ids) revoked_.revoke(id, until);
}

TokenPair TokenIssuer::issue(const store::SessionRecord& session, const store::UserRecord& user,
                             std::string refresh_token) const {
  std::int64_t now = clock_.now();
  AccessClaims claims;
  claims.issuer = jwt_.issuer();
  claims.subject = user.id;
  claims.session_id = session.id;
  claims.issued_at = now;
  claims.expires_at = now + settings_.access_ttl_seconds;
  claims.amr = session_amr(session.auth_method, session.two_factor);
  claims.jti = random_base62(16);

  TokenPair pair;
  pair.access_token = jwt_.sign(claims);
  pair.expires_in = settings_.access_ttl_seconds;
  pair.refresh_token = std::move(refresh_token);
  // The session's expiry was set a moment ago (now + ttl, at creation or rotation); the clock
  // may have ticked since, so a second lost to that is given back.
  pair.refresh_expires_in =
      std::clamp<std::int64_t>(session.expires_at - now + 1, 0, settings_.refresh_ttl_seconds);
  pair.session_id = session.id;
  pair.user = user;
  return pair;
}

}  // namespace veyra::auth
