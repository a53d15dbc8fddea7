-- Accounts: users, their sign-in sessions and each session's chain of refresh tokens.
-- Times are Unix seconds; flags are INTEGER 0/1, which SQLite and PostgreSQL read alike.

-- email keeps the address as entered (normalised by the caller); email_key is its ASCII
-- lower-case form, computed by the application, so that uniqueness ignores case.
CREATE TABLE users (
  id TEXT NOT NULL PRIMARY KEY,
  email TEXT NOT NULL,
  email_key TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  password_hash TEXT NULL,
  email_verified INTEGER NOT NULL DEFAULT 0,
  two_factor_enabled INTEGER NOT NULL DEFAULT 0,
  role TEXT NOT NULL DEFAULT 'user',
  plan TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  password_changed_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- One sign-in on one device. revoked_at and revoked_reason stay NULL while it is live.
CREATE TABLE sessions (
  id TEXT NOT NULL PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  auth_method TEXT NOT NULL,
  two_factor INTEGER NOT NULL DEFAULT 0,
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  last_used_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT NULL,
  revoked_reason TEXT NULL
);

CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_revoked_at ON sessions (revoked_at);

-- Refresh tokens, by hash only. used_at is set when the token is rotated; the session's one
-- token with used_at NULL is its current one.
CREATE TABLE refresh_tokens (
  token_hash TEXT NOT NULL PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  used_at BIGINT NULL
);

CREATE INDEX refresh_tokens_session_id ON refresh_tokens (session_id);
