#include "auth/auth_service.h"

#include "accounts/email.h"
#include "auth/password_policy.h"

namespace veyra::auth {
namespace {

// No valid password is longer than 128 characters of 4 bytes; longer input is refused
// before any hashing.
constexpr std::size_t kMaxPasswordBytes = 128 * 4;

Error invalid_credentials() {
  return make_error(ErrorCode::invalid_credentials);
}

}  // namespace

AuthService::AuthService(store::UserRepository& users, store::SessionRepository& sessions,
                         const PasswordHasher& hasher, TokenIssuer& tokens, LoginThrottle& throttle,
                         const Clock& clock)
    : users_(users),
      sessions_(sessions),
      hasher_(hasher),
      tokens_(tokens),
      throttle_(throttle),
      clock_(clock) {}

Result<LoginResult> AuthService::login(std::string_view email, std::string_view password,
                                       const ClientInfo& client) {
  std::optional<std::string> normalised = accounts::normalize_email(email);
  std::string key = accounts::email_key(normalised ? *normalised : email);
  if (std::int64_t wait = throttle_.retry_after(key, client.ip); wait > 0) {
    Error error = make_error(ErrorCode::too_many_attempts);
    error.retry_after_s = static_cast<unsigned>(wait);
    return error;
  }

  // Every failure below costs one Argon2id verification, found account or not.
  std::optional<store::UserRecord> user;
  if (normalised && password.size() <= kMaxPasswordBytes) {
    auto found = users_.find_by_email(*normalised);
    if (!found) return std::move(found).error();
    user = std::move(*found);
  }
  bool verified = false;
  if (user && user->password_hash) {
    verified = hasher_.verify(*user->password_hash, password);
  } else {
    hasher_.dummy_verify(password);
  }
  if (!verified) {
    throttle_.record_failure(key, client.ip);
    return invalid_credentials();
  }

  if (user->disabled) return make_error(ErrorCode::account_disabled);
  throttle_.record_success(key);
  if (hasher_.needs_rehash(*user->password_hash)) {
    // A stronger cost in config applies from the next sign-in on; failure is not fatal.
    if (auto rehashed = hasher_.hash(password); rehashed) {
      (void)users_.set_password_hash(user->id, *rehashed, false, clock_.now());
    }
  }

  auto tokens = tokens_.start_session(*user, "password", false, client);
  if (!tokens) return std::move(tokens).error();
  return LoginResult{std::move(*tokens)};
}

Result<TokenPair> AuthService::refresh(std::string_view refresh_token) {
  return tokens_.refresh(refresh_token, users_);
}

Result<std::int64_t> AuthService::logout(const Principal& principal, bool all) {
  std::int64_t now = clock_.now();
  if (all) {
    auto revoked = sessions_.revoke_all(principal.user_id, now, "logout_all");
    if (!revoked) return std::move(revoked).error();
    tokens_.forget_sessions(*revoked);
    return static_cast<std::int64_t>(revoked->size());
  }
  auto revoked = sessions_.revoke(principal.session_id, principal.user_id, now, "logout");
  if (!revoked) return std::move(revoked).error();
  tokens_.forget_sessions({principal.session_id});
  return std::int64_t{*revoked ? 1 : 0};
}

Result<std::vector<SessionView>> AuthService::list_sessions(const Principal& principal) {
  (void)sessions_.touch(principal.session_id, clock_.now());
  auto sessions = sessions_.list_for_user(principal.user_id);
  if (!sessions) return std::move(sessions).error();
  std::vector<SessionView> views;
  views.reserve(sessions->size());
  for (store::SessionRecord& session : *sessions) {
    bool current = session.id == principal.session_id;
    views.push_back({std::move(session), current});
  }
  return views;
}

Status AuthService::revoke_session(const Principal& principal, std::string_view session_id) {
  auto revoked = sessions_.revoke(session_id, principal.user_id, clock_.now(), "revoked_by_user");
  if (!revoked) return std::move(revoked).error();
  if (!*revoked) return make_error(ErrorCode::not_found, "No such session.", "session_id");
  tokens_.forget_sessions({std::string(session_id)});
  return {};
}

Result<std::int64_t> AuthService::change_password(const Principal& principal,
                                                  std::string_view current,
                                                  std::string_view replacement) {
  auto user = users_.find_by_id(principal.user_id);
  if (!user) return std::move(user).error();
  if (!*user) return make_error(ErrorCode::not_found, "The account no longer exists.");
  const store::UserRecord& record = **user;

  bool current_ok = current.size() <= kMaxPasswordBytes && record.password_hash &&
                    hasher_.verify(*record.password_hash, current);
  if (!current_ok) {
    return make_error(ErrorCode::invalid_current_password, {}, "current_password");
  }
  if (Status policy = check_password(replacement, record.email, "new_password"); !policy) {
    return std::move(policy).error();
  }
  auto hash = hasher_.hash(replacement);
  if (!hash) return std::move(hash).error();

  std::int64_t now = clock_.now();
  if (Status stored = users_.set_password_hash(record.id, *hash, true, now); !stored) {
    return std::move(stored).error();
  }
  auto revoked = sessions_.revoke_all(record.id, now, "password_changed");
  if (!revoked) return std::move(revoked).error();
  tokens_.forget_sessions(*revoked);
  return static_cast<std::int64_t>(revoked->size());
}

Result<store::UserRecord> AuthService::account(const Principal& principal) {
  if (principal.is_session()) (void)sessions_.touch(principal.session_id, clock_.now());
  auto user = users_.find_by_id(principal.user_id);
  if (!user) return std::move(user).error();
  if (!*user) return make_error(ErrorCode::not_found, "The account no longer exists.");
  return std::move(**user);
}

}  // namespace veyra::auth
