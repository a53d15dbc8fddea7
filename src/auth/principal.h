// Who is making a request, as every handler receives it after authentication.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace veyra::auth {

// What an API key may call (API.md: models, chat, embeddings, images, audio), as bits.
enum class Scope : unsigned {
  models = 1u << 0,      // GET /v1/models and /v1/models/{model}
  chat = 1u << 1,        // POST /v1/chat/completions
  embeddings = 1u << 2,  // POST /v1/embeddings
  images = 1u << 3,      // POST /v1/images/generations
  audio = 1u << 4,       // POST /v1/audio/transcriptions
};

inline constexpr unsigned kAllScopes = 0x1F;

struct Principal {
  enum class Kind { session, api_key };

  Kind kind = Kind::session;
  std::string user_id;
  std::string session_id;        // set for Kind::session
  std::string key_id;            // set for Kind::api_key
  std::vector<std::string> amr;  // how the session signed in, e.g. {"pwd"} or {"pwd","otp"}
  // What an API key carries (a session has every scope, no allowlist and no limit of its own).
  unsigned scopes = kAllScopes;                            // bits of Scope
  std::shared_ptr<const std::vector<std::string>> models;  // the key's allowlist; null: any
  std::int64_t rpm_limit = 0;                              // the key's own limit; 0: none
  std::string plan;  // the account's plan, filled in by the model routes from the directory

  bool is_session() const { return kind == Kind::session; }
  // The id logged with each request: the session or the key, never a secret.
  const std::string& log_id() const { return is_session() ? session_id : key_id; }

  bool has_scope(Scope scope) const { return (scopes & static_cast<unsigned>(scope)) != 0; }
  // False only when the key has an allowlist that does not name `model_id`.
  bool allows_model(std::string_view model_id) const {
    return models == nullptr ||
           std::find(models->begin(), models->end(), model_id) != models->end();
  }
};

}  // namespace veyra::auth
