// Who is making a request, as every handler receives it after authentication.
#pragma once

#include <string>
#include <vector>

namespace veyra::auth {

struct Principal {
  enum class Kind { session, api_key };

  Kind kind = Kind::session;
  std::string user_id;
  std::string session_id;        // set for Kind::session
  std::string key_id;            // set for Kind::api_key
  std::vector<std::string> amr;  // how the session signed in, e.g. {"pwd"} or {"pwd","otp"}

  bool is_session() const { return kind == Kind::session; }
  // The id logged with each request: the session or the key, never a secret.
  const std::string& log_id() const { return is_session() ? session_id : key_id; }
};

}  // namespace veyra::auth
