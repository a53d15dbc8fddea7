#include "app/auth_stack.h"

#include "core/crypto.h"
#include "core/log.h"

namespace veyra::app {
namespace {

constexpr std::string_view kJwtSecretName = "jwt_hs256_secret";
// The secret API keys are hashed with (HMAC-SHA256); replacing it invalidates every key.
constexpr std::string_view kApiKeySecretName = "api_key_hmac_secret";

auth::TokenSettings token_settings(const AuthConfig& config) {
  return {std::chrono::duration_cast<std::chrono::seconds>(config.access_token_ttl).count(),
          std::chrono::duration_cast<std::chrono::seconds>(config.refresh_token_ttl).count()};
}

}  // namespace

AuthStack::AuthStack(const Config& config, store::Database& database, const Clock& clock,
                     std::string jwt_secret, std::string api_key_secret)
    : hasher({config.auth.argon2_memory_kib, config.auth.argon2_passes}),
      jwt(std::move(jwt_secret), config.public_url),
      throttle(clock),
      tokens(database.sessions(), jwt, revoked, clock, token_settings(config.auth)),
      auth(database.users(), database.sessions(), hasher, tokens, throttle, clock),
      registration(database.users(), hasher, clock),
      api_key_codec(std::move(api_key_secret)),
      api_key_cache(api_key_codec, clock),
      api_keys(database.api_keys(), api_key_codec, api_key_cache, clock) {}

Result<std::unique_ptr<AuthStack>> AuthStack::build(const Config& config, store::Database& database,
                                                    const Clock& clock) {
  std::string secret = config.auth.jwt_secret;
  if (secret.empty()) {
    auto stored =
        database.secrets().get_or_create(kJwtSecretName, [] { return random_secret(512); });
    if (!stored) return std::move(stored).error();
    secret = std::move(*stored);
  }
  auto key_secret =
      database.secrets().get_or_create(kApiKeySecretName, [] { return random_secret(512); });
  if (!key_secret) return std::move(key_secret).error();
  auto stack = std::make_unique<AuthStack>(config, database, clock, std::move(secret),
                                           std::move(*key_secret));

  // Sessions revoked recently may still have unexpired access tokens in the wild.
  auto settings = token_settings(config.auth);
  std::int64_t now = clock.now();
  auto recent = database.sessions().revoked_since(now - settings.access_ttl_seconds);
  if (!recent) return std::move(recent).error();
  for (const store::RevokedSession& session : *recent) {
    stack->revoked.revoke(session.id, session.revoked_at + settings.access_ttl_seconds);
  }
  auto keys = stack->api_keys.load();
  if (!keys) return std::move(keys).error();
  if (Status users = stack->directory.load(database.users()); !users) {
    return std::move(users).error();
  }
  log_event(LogLevel::info, "auth_ready",
            {{"revoked_sessions_loaded", static_cast<std::uint64_t>(recent->size())},
             {"api_keys_loaded", static_cast<std::uint64_t>(*keys)},
             {"accounts_loaded", static_cast<std::uint64_t>(stack->directory.size())}});
  return stack;
}

}  // namespace veyra::app
