// SessionRepository over the sessions and refresh_tokens tables of a SQLite database.
#pragma once

#include "store/session_repository.h"

namespace veyra::store {

class SqlitePool;

// Safe to call from several threads at once: each call leases its own connection, and calls
// that read before they write (rotate, revoke, revoke_all) hold the write lock throughout.
class SqliteSessionRepository final : public SessionRepository {
 public:
  // `pool` must outlive the repository.
  explicit SqliteSessionRepository(SqlitePool& pool) : pool_(pool) {}

  Status create(const SessionRecord& session, std::string_view refresh_hash) override;
  Result<RotateResult> rotate(std::string_view old_hash, std::string_view new_hash,
                              std::int64_t now, std::int64_t new_expires_at) override;
  Result<std::optional<SessionRecord>> find(std::string_view session_id) override;
  Result<std::vector<SessionRecord>> list_for_user(std::string_view user_id) override;
  Result<bool> revoke(std::string_view session_id, std::string_view user_id, std::int64_t now,
                      std::string_view reason) override;

  // Also revokes sessions that have expired but were never revoked.
  Result<std::vector<std::string>> revoke_all(std::string_view user_id, std::int64_t now,
                                              std::string_view reason) override;

  Status touch(std::string_view session_id, std::int64_t now) override;

  // Ordered by revoked_at, then id.
  Result<std::vector<RevokedSession>> revoked_since(std::int64_t since) override;

 private:
  SqlitePool& pool_;
};

}  // namespace veyra::store
