-- API keys: a user's long-lived credentials for the model API. Only a keyed hash of the
-- secret is stored (key_hash, lower-case hex of HMAC-SHA256 under a server secret); prefix and
-- last4 let the owner recognise a key. Times are Unix seconds, as in 0002.
--
-- scopes is a JSON array of scope names; models is a JSON array of public model ids, or NULL
-- when the key may use every model its owner may. rpm_limit, last_used_at, expires_at and
-- revoked_at are NULL when they do not apply.
CREATE TABLE api_keys (
  id TEXT NOT NULL PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  last4 TEXT NOT NULL,
  scopes TEXT NOT NULL,
  models TEXT NULL,
  rpm_limit BIGINT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT NULL,
  expires_at BIGINT NULL,
  revoked_at BIGINT NULL
);

-- The dashboard lists one user's keys.
CREATE INDEX api_keys_user_id ON api_keys (user_id);
