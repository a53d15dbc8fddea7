#include "store/sqlite/sqlite_session_repository.h"

#include <string>
#include <utility>

#include "store/sqlite/sqlite_pool.h"
#include "store/sqlite/sqlite_transaction.h"

namespace veyra::store {
namespace {

constexpr std::string_view kReusedReason = "refresh_token_reused";

// The SELECTs of sessions list the columns in the order read_session() reads them.
constexpr std::string_view kSelectSession =
    "SELECT id, user_id, auth_method, two_factor, ip, user_agent, created_at, last_used_at, "
    "expires_at, revoked_at, revoked_reason FROM sessions WHERE id = ?1";
constexpr std::string_view kSelectSessionsOfUser =
    "SELECT id, user_id, auth_method, two_factor, ip, user_agent, created_at, last_used_at, "
    "expires_at, revoked_at, revoked_reason FROM sessions WHERE user_id = ?1 "
    "ORDER BY created_at DESC, id DESC";
// The token's session, then the token's used_at.
constexpr std::string_view kSelectSessionByToken =
    "SELECT s.id, s.user_id, s.auth_method, s.two_factor, s.ip, s.user_agent, s.created_at, "
    "s.last_used_at, s.expires_at, s.revoked_at, s.revoked_reason, t.used_at "
    "FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.token_hash = ?1";
constexpr std::string_view kInsertSession =
    "INSERT INTO sessions (id, user_id, auth_method, two_factor, ip, user_agent, created_at, "
    "last_used_at, expires_at, revoked_at, revoked_reason) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
constexpr std::string_view kInsertToken =
    "INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES (?1, ?2, ?3)";
constexpr std::string_view kMarkTokenUsed =
    "UPDATE refresh_tokens SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL";
constexpr std::string_view kExtendSession =
    "UPDATE sessions SET last_used_at = ?2, expires_at = ?3 WHERE id = ?1";
constexpr std::string_view kRevokeSession =
    "UPDATE sessions SET revoked_at = ?2, revoked_reason = ?3 WHERE id = ?1 AND revoked_at IS NULL";
constexpr std::string_view kSelectOwnedSession =
    "SELECT 1 FROM sessions WHERE id = ?1 AND user_id = ?2";
constexpr std::string_view kSelectUnrevokedIdsOfUser =
    "SELECT id FROM sessions WHERE user_id = ?1 AND revoked_at IS NULL AND expires_at > ?2 "
    "ORDER BY created_at DESC, id DESC";
constexpr std::string_view kRevokeSessionsOfUser =
    "UPDATE sessions SET revoked_at = ?2, revoked_reason = ?3 "
    "WHERE user_id = ?1 AND revoked_at IS NULL AND expires_at > ?2";
constexpr std::string_view kTouchSession =
    "UPDATE sessions SET last_used_at = ?2 WHERE id = ?1 AND last_used_at < ?3";
constexpr std::string_view kSelectRevokedSince =
    "SELECT id, revoked_at FROM sessions WHERE revoked_at >= ?1 ORDER BY revoked_at, id";

// touch() writes at most this often per session.
constexpr std::int64_t kTouchIntervalSeconds = 60;

SessionRecord read_session(const SqliteStatement& row) {
  SessionRecord session;
  session.id = row.column_text(0);
  session.user_id = row.column_text(1);
  session.auth_method = row.column_text(2);
  session.two_factor = row.column_int64(3) != 0;
  session.ip = row.column_text(4);
  session.user_agent = row.column_text(5);
  session.created_at = row.column_int64(6);
  session.last_used_at = row.column_int64(7);
  session.expires_at = row.column_int64(8);
  if (!row.column_is_null(9)) session.revoked_at = row.column_int64(9);
  session.revoked_reason = row.column_text(10);  // NULL reads as empty
  return session;
}

// A refresh token as found by its hash: the session it belongs to and whether it was rotated.
struct PresentedToken {
  SessionRecord session;
  bool used = false;
};

Result<std::optional<PresentedToken>> find_token(SqliteConnection& connection,
                                                 std::string_view hash) {
  Result<SqliteStatement> select = connection.prepare(kSelectSessionByToken);
  if (!select) return std::move(select).error();
  select->bind_text(1, hash);

  Result<bool> row = select->step();
  if (!row) return std::move(row).error();
  if (!*row) return std::optional<PresentedToken>();
  return std::optional<PresentedToken>(
      PresentedToken{read_session(*select), !select->column_is_null(11)});
}

Status insert_token(SqliteConnection& connection, std::string_view hash,
                    std::string_view session_id, std::int64_t created_at) {
  Result<SqliteStatement> insert = connection.prepare(kInsertToken);
  if (!insert) return std::move(insert).error();
  insert->bind_text(1, hash);
  insert->bind_text(2, session_id);
  insert->bind_int64(3, created_at);
  if (Result<std::int64_t> inserted = insert->run(); !inserted) return std::move(inserted).error();
  return {};
}

// Revokes the session unless it already is; returns the number of rows changed (0 or 1).
Result<std::int64_t> revoke_session(SqliteConnection& connection, std::string_view session_id,
                                    std::int64_t now, std::string_view reason) {
  Result<SqliteStatement> update = connection.prepare(kRevokeSession);
  if (!update) return std::move(update).error();
  update->bind_text(1, session_id);
  update->bind_int64(2, now);
  update->bind_text(3, reason);
  return update->run();
}

// A rotated token came back, so someone else holds the chain: the session ends, once.
Result<RotateResult> report_reuse(SqliteConnection& connection, SessionRecord session,
                                  std::int64_t now) {
  if (!session.revoked_at) {
    Result<std::int64_t> revoked = revoke_session(connection, session.id, now, kReusedReason);
    if (!revoked) return std::move(revoked).error();
    session.revoked_at = now;
    session.revoked_reason = kReusedReason;
  }
  return RotateResult{RotateOutcome::reused, std::move(session)};
}

// The steps of rotate(). REQUIRES: a write transaction is open on `connection`.
Result<RotateResult> rotate_locked(SqliteConnection& connection, std::string_view old_hash,
                                   std::string_view new_hash, std::int64_t now,
                                   std::int64_t new_expires_at) {
  Result<std::optional<PresentedToken>> token = find_token(connection, old_hash);
  if (!token) return std::move(token).error();
  if (!*token) return RotateResult{RotateOutcome::unknown, {}};
  SessionRecord session = std::move((*token)->session);

  if ((*token)->used) return report_reuse(connection, std::move(session), now);
  if (session.revoked_at || session.expires_at <= now) {
    return RotateResult{RotateOutcome::session_ended, std::move(session)};
  }

  // The write lock makes this UPDATE win; the check keeps the chain safe should it ever not.
  {
    Result<SqliteStatement> mark = connection.prepare(kMarkTokenUsed);
    if (!mark) return std::move(mark).error();
    mark->bind_text(1, old_hash);
    mark->bind_int64(2, now);
    Result<std::int64_t> marked = mark->run();
    if (!marked) return std::move(marked).error();
    if (*marked != 1) return report_reuse(connection, std::move(session), now);
  }

  if (Status status = insert_token(connection, new_hash, session.id, now); !status) {
    return std::move(status).error();
  }

  Result<SqliteStatement> extend = connection.prepare(kExtendSession);
  if (!extend) return std::move(extend).error();
  extend->bind_text(1, session.id);
  extend->bind_int64(2, now);
  extend->bind_int64(3, new_expires_at);
  if (Result<std::int64_t> extended = extend->run(); !extended) {
    return std::move(extended).error();
  }
  session.last_used_at = now;
  session.expires_at = new_expires_at;
  return RotateResult{RotateOutcome::rotated, std::move(session)};
}

}  // namespace

Status SqliteSessionRepository::create(const SessionRecord& session,
                                       std::string_view refresh_hash) {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();
  Result<SqliteTransaction> transaction = SqliteTransaction::begin_write(**connection);
  if (!transaction) return std::move(transaction).error();

  {
    Result<SqliteStatement> insert = (*connection)->prepare(kInsertSession);
    if (!insert) return std::move(insert).error();
    insert->bind_text(1, session.id);
    insert->bind_text(2, session.user_id);
    insert->bind_text(3, session.auth_method);
    insert->bind_int64(4, session.two_factor ? 1 : 0);
    insert->bind_text(5, session.ip);
    insert->bind_text(6, session.user_agent);
    insert->bind_int64(7, session.created_at);
    insert->bind_int64(8, session.last_used_at);
    insert->bind_int64(9, session.expires_at);
    if (session.revoked_at) {
      insert->bind_int64(10, *session.revoked_at);
      insert->bind_text(11, session.revoked_reason);
    } else {
      insert->bind_null(10);
      insert->bind_null(11);
    }
    if (Result<std::int64_t> inserted = insert->run(); !inserted) {
      return std::move(inserted).error();
    }
  }

  if (Status status = insert_token(**connection, refresh_hash, session.id, session.created_at);
      !status) {
    return status;
  }
  return transaction->commit();
}

Result<RotateResult> SqliteSessionRepository::rotate(std::string_view old_hash,
                                                     std::string_view new_hash, std::int64_t now,
                                                     std::int64_t new_expires_at) {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();

  // One write transaction from the read of the token to the last write: two rotations of one
  // token run one after the other, and the second finds the token used.
  Result<SqliteTransaction> transaction = SqliteTransaction::begin_write(**connection);
  if (!transaction) return std::move(transaction).error();
  Result<RotateResult> result =
      rotate_locked(**connection, old_hash, new_hash, now, new_expires_at);
  if (!result) return result;

  if (Status status = transaction->commit(); !status) return std::move(status).error();
  return result;
}

Result<std::optional<SessionRecord>> SqliteSessionRepository::find(std::string_view session_id) {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();

  Result<SqliteStatement> select = (*connection)->prepare(kSelectSession);
  if (!select) return std::move(select).error();
  select->bind_text(1, session_id);
  Result<bool> row = select->step();
  if (!row) return std::move(row).error();
  if (!*row) return std::optional<SessionRecord>();
  return std::optional<SessionRecord>(read_session(*select));
}

Result<std::vector<SessionRecord>> SqliteSessionRepository::list_for_user(
    std::string_view user_id) {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();

  Result<SqliteStatement> select = (*connection)->prepare(kSelectSessionsOfUser);
  if (!select) return std::move(select).error();
  select->bind_text(1, user_id);
  std::vector<SessionRecord> sessions;
  for (;;) {
    Result<bool> row = select->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    sessions.push_back(read_session(*select));
  }
  return sessions;
}

Result<bool> SqliteSessionRepository::revoke(std::string_view session_id, std::string_view user_id,
                                             std::int64_t now, std::string_view reason) {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();
  Result<SqliteTransaction> transaction = SqliteTransaction::begin_write(**connection);
  if (!transaction) return std::move(transaction).error();

  // Someone else's session answers like a missing one, so ids of other users stay unconfirmed.
  {
    Result<SqliteStatement> select = (*connection)->prepare(kSelectOwnedSession);
    if (!select) return std::move(select).error();
    select->bind_text(1, session_id);
    select->bind_text(2, user_id);
    Result<bool> owned = select->step();
    if (!owned) return std::move(owned).error();
    if (!*owned) return false;
  }

  // No change when it was already revoked: the first revocation's time and reason stay.
  Result<std::int64_t> revoked = revoke_session(**connection, session_id, now, reason);
  if (!revoked) return std::move(revoked).error();
  if (Status status = transaction->commit(); !status) return std::move(status).error();
  return true;
}

Result<std::vector<std::string>> SqliteSessionRepository::revoke_all(std::string_view user_id,
                                                                     std::int64_t now,
                                                                     std::string_view reason) {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();
  Result<SqliteTransaction> transaction = SqliteTransaction::begin_write(**connection);
  if (!transaction) return std::move(transaction).error();

  // The write lock keeps the set read here the set the UPDATE below changes.
  std::vector<std::string> ids;
  {
    Result<SqliteStatement> select = (*connection)->prepare(kSelectUnrevokedIdsOfUser);
    if (!select) return std::move(select).error();
    select->bind_text(1, user_id);
    select->bind_int64(2, now);
    for (;;) {
      Result<bool> row = select->step();
      if (!row) return std::move(row).error();
      if (!*row) break;
      ids.emplace_back(select->column_text(0));
    }
  }
  if (ids.empty()) return ids;

  {
    Result<SqliteStatement> update = (*connection)->prepare(kRevokeSessionsOfUser);
    if (!update) return std::move(update).error();
    update->bind_text(1, user_id);
    update->bind_int64(2, now);
    update->bind_text(3, reason);
    Result<std::int64_t> revoked = update->run();
    if (!revoked) return std::move(revoked).error();
    if (*revoked != static_cast<std::int64_t>(ids.size())) {
      return (*connection)
          ->fail_unexpected("revoke_all changed " + std::to_string(*revoked) +
                            " sessions, expected " + std::to_string(ids.size()));
    }
  }

  if (Status status = transaction->commit(); !status) return std::move(status).error();
  return ids;
}

Status SqliteSessionRepository::touch(std::string_view session_id, std::int64_t now) {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();

  Result<SqliteStatement> update = (*connection)->prepare(kTouchSession);
  if (!update) return std::move(update).error();
  update->bind_text(1, session_id);
  update->bind_int64(2, now);
  update->bind_int64(3, now - kTouchIntervalSeconds);
  if (Result<std::int64_t> touched = update->run(); !touched) return std::move(touched).error();
  return {};
}

Result<std::vector<RevokedSession>> SqliteSessionRepository::revoked_since(std::int64_t since) {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();

  Result<SqliteStatement> select = (*connection)->prepare(kSelectRevokedSince);
  if (!select) return std::move(select).error();
  select->bind_int64(1, since);
  std::vector<RevokedSession> sessions;
  for (;;) {
    Result<bool> row = select->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    sessions.push_back(
        RevokedSession{std::string(select->column_text(0)), select->column_int64(1)});
  }
  return sessions;
}

}  // namespace veyra::store
