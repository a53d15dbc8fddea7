-- Usage records: one row per model call, written in batches by the usage meter.
-- Times are Unix seconds, durations milliseconds, flags INTEGER 0/1 (as in 0002).
--
-- session_id, api_key_id and deployment are NULL when they do not apply (a call made with an
-- API key has no session, a call refused before routing has no deployment). ttfb_ms is NULL
-- when no byte of the answer came.
--
-- There is no foreign key to users: the meter writes a whole batch in one transaction, and a
-- user deleted between a call and its flush must not make that batch fail on every retry.
CREATE TABLE usage_records (
  id TEXT NOT NULL PRIMARY KEY,
  request_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  session_id TEXT NULL,
  api_key_id TEXT NULL,
  model TEXT NOT NULL,
  deployment TEXT NULL,
  endpoint TEXT NOT NULL,
  prompt_tokens BIGINT NOT NULL DEFAULT 0,
  completion_tokens BIGINT NOT NULL DEFAULT 0,
  estimated INTEGER NOT NULL DEFAULT 0,
  status INTEGER NOT NULL,
  streamed INTEGER NOT NULL DEFAULT 0,
  abandoned INTEGER NOT NULL DEFAULT 0,
  latency_ms BIGINT NOT NULL,
  ttfb_ms BIGINT NULL,
  created_at BIGINT NOT NULL
);

-- The dashboard sums one user's records over a time range.
CREATE INDEX usage_records_user_created ON usage_records (user_id, created_at);
