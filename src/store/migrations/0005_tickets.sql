-- Help-center tickets (POST /v1/help/contact), listed by GET /v1/admin/tickets. Times are
-- Unix seconds. status: received (stored), emailed (forwarded to the support inbox), failed.
CREATE TABLE tickets (
  id TEXT NOT NULL PRIMARY KEY,
  email TEXT NOT NULL,
  name TEXT NULL,
  subject TEXT NOT NULL,
  message TEXT NOT NULL,
  category TEXT NULL,
  status TEXT NOT NULL,
  client_ip TEXT NULL,
  created_at BIGINT NOT NULL
);

-- The admin listing reads the newest first.
CREATE INDEX tickets_created ON tickets (created_at);
