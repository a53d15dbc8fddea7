#include "api/render.h"

#include <boost/json/value.hpp>

namespace veyra::api {

boost::json::object user_json(const store::UserRecord& user) {
  boost::json::object out;
  out["id"] = user.id;
  out["email"] = user.email;
  if (user.name.empty()) {
    out["name"] = nullptr;
  } else {
    out["name"] = user.name;
  }
  out["email_verified"] = user.email_verified;
  out["two_factor_enabled"] = user.two_factor_enabled;
  out["role"] = user.role;
  out["plan"] = user.plan;
  out["created_at"] = user.created_at;
  return out;
}

boost::json::object token_pair_json(const auth::TokenPair& pair) {
  boost::json::object out;
  out["token_type"] = "Bearer";
  out["access_token"] = pair.access_token;
  out["expires_in"] = pair.expires_in;
  out["refresh_token"] = pair.refresh_token;
  out["refresh_expires_in"] = pair.refresh_expires_in;
  out["session_id"] = pair.session_id;
  out["user"] = user_json(pair.user);
  return out;
}

boost::json::object session_json(const auth::SessionView& view, std::int64_t now) {
  const store::SessionRecord& session = view.session;
  boost::json::object out;
  out["id"] = session.id;
  if (session.revoked_at) {
    out["status"] = "revoked";
  } else if (session.expires_at <= now) {
    out["status"] = "expired";
  } else {
    out["status"] = "active";
  }
  out["current"] = view.current;
  out["auth_method"] = session.auth_method;
  out["two_factor"] = session.two_factor;
  out["ip"] = session.ip;
  out["user_agent"] = session.user_agent;
  out["created_at"] = session.created_at;
  out["last_used_at"] = session.last_used_at;
  out["expires_at"] = session.expires_at;
  if (session.revoked_at) {
    out["revoked_at"] = *session.revoked_at;
    out["revoked_reason"] = session.revoked_reason;
  } else {
    out["revoked_at"] = nullptr;
    out["revoked_reason"] = nullptr;
  }
  return out;
}

}  // namespace veyra::api
