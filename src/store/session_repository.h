// Sign-in sessions and their refresh tokens. A session is one sign-in on one device; its
// refresh tokens form a chain where only the newest is usable: presenting an older one is
// treated as theft and ends the session.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace veyra::store {

struct SessionRecord {
  std::string id;  // ses_...
  std::string user_id;
  std::string auth_method;  // password | google
  bool two_factor = false;
  std::string ip;
  std::string user_agent;
  std::int64_t created_at = 0;
  std::int64_t last_used_at = 0;
  std::int64_t expires_at = 0;  // when the refresh chain ends unless rotated before
  std::optional<std::int64_t> revoked_at;
  std::string revoked_reason;  // empty unless revoked
};

enum class RotateOutcome {
  rotated,       // the old token was current; the new one replaces it
  unknown,       // no such token
  reused,        // the token was already rotated: the session is now revoked
  session_ended  // the session is revoked or expired
};

struct RotateResult {
  RotateOutcome outcome = RotateOutcome::unknown;
  SessionRecord session;  // the session after the call (unset for unknown)
};

// A revoked session whose access tokens may still be unexpired.
struct RevokedSession {
  std::string id;
  std::int64_t revoked_at = 0;
};

// Every method blocks (run it on the blocking pool) and is safe from several threads.
// Refresh tokens are only ever seen here as hashes.
class SessionRepository {
 public:
  virtual ~SessionRepository() = default;

  // Inserts the session and its first refresh token hash in one transaction.
  virtual Status create(const SessionRecord& session, std::string_view refresh_hash) = 0;

  // Atomically: when `old_hash` is the session's current token and the session is live,
  // marks it used, stores `new_hash` as current, sets last_used_at = now and expires_at =
  // `new_expires_at`. When `old_hash` was already used, revokes the session with reason
  // "refresh_token_reused" (once) and reports reused. Two concurrent rotations of one token
  // rotate once; the other sees reused.
  virtual Result<RotateResult> rotate(std::string_view old_hash, std::string_view new_hash,
                                      std::int64_t now, std::int64_t new_expires_at) = 0;

  virtual Result<std::optional<SessionRecord>> find(std::string_view session_id) = 0;

  // All of the user's sessions, newest first.
  virtual Result<std::vector<SessionRecord>> list_for_user(std::string_view user_id) = 0;

  // Revokes one session of `user_id` unless already revoked. Returns false when the session
  // does not exist or belongs to someone else; true otherwise (also when already revoked).
  virtual Result<bool> revoke(std::string_view session_id, std::string_view user_id,
                              std::int64_t now, std::string_view reason) = 0;

  // Revokes every live session of the user (not revoked, not expired); returns their ids,
  // newest first. Expired sessions stay "expired" in the inventory.
  virtual Result<std::vector<std::string>> revoke_all(std::string_view user_id, std::int64_t now,
                                                      std::string_view reason) = 0;

  // Sets last_used_at = now when it is older than `now - 60`: at most one write a minute.
  virtual Status touch(std::string_view session_id, std::int64_t now) = 0;

  // Sessions revoked at or after `since`, for rebuilding the in-memory revocation set.
  virtual Result<std::vector<RevokedSession>> revoked_since(std::int64_t since) = 0;
};

}  // namespace veyra::store
