-- Server secrets created on first start (e.g. the JWT signing key) and shared by every node.
-- created_at is Unix time in seconds.
CREATE TABLE server_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
