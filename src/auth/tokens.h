// Issuing what a signed-in client holds: a session row, a short-lived access token (JWT)
// and a single-use refresh token. Shared by password, two-factor and Google sign-in.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/jwt.h"
#include "auth/principal.h"
#include "auth/revoked_sessions.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/session_repository.h"
#include "store/user_repository.h"

namespace veyra::auth {

struct TokenSettings {
  std::int64_t access_ttl_seconds = 15 * 60;
  std::int64_t refresh_ttl_seconds = 30 * 24 * 3600;
};

// The TokenPair object of API.md.
struct TokenPair {
  std::string access_token;
  std::int64_t expires_in = 0;
  std::string refresh_token;
  std::int64_t refresh_expires_in = 0;
  std::string session_id;
  store::UserRecord user;
};

// Where a sign-in comes from, recorded on its session.
struct ClientInfo {
  std::string ip;
  std::string user_agent;
};

class TokenIssuer {
 public:
  // All references must outlive the issuer.
  TokenIssuer(store::SessionRepository& sessions, const JwtCodec& jwt, RevokedSessions& revoked,
              const Clock& clock, TokenSettings settings);

  // Starts a session for `user` and returns its first tokens. Blocks (database).
  Result<TokenPair> start_session(const store::UserRecord& user, std::string_view auth_method,
                                  bool two_factor, const ClientInfo& client);

  // Rotates a refresh token. Errors: refresh_token_invalid (unknown token, ended session),
  // refresh_token_reused (an already rotated token: the session is revoked now). Blocks.
  Result<TokenPair> refresh(std::string_view refresh_token, store::UserRepository& users);

  // Checks an access token on the hot path: signature, claims, then the in-memory revoked
  // set. No database, no blocking; safe on I/O threads. Errors: invalid_access_token,
  // access_token_expired, session_revoked.
  Result<Principal> authenticate(std::string_view access_token) const;

  // Marks sessions revoked for the hot path (their rows are already revoked).
  void forget_sessions(const std::vector<std::string>& session_ids);

  const TokenSettings& settings() const { return settings_; }

 private:
  TokenPair issue(const store::SessionRecord& session, const store::UserRecord& user,
                  std::string refresh_token) const;

  store::SessionRepository& sessions_;
  const JwtCodec& jwt_;
  RevokedSessions& revoked_;
  const Clock& clock_;
  const TokenSettings settings_;
};

// The amr claim for a session: {"pwd"} or {"google"}, plus "otp" and "mfa" after 2FA.
std::vector<std::string> session_amr(std::string_view auth_method, bool two_factor);

}  // namespace veyra::auth
