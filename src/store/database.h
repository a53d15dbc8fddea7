// The storage seam: services receive a Database (and the repositories it hands out) and never
// know which engine is behind it. open_database() picks the engine from the URL; only the
// composition root in src/app/ calls it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/api_key_repository.h"
#include "store/secret_repository.h"
#include "store/session_repository.h"
#include "store/ticket_repository.h"
#include "store/usage_repository.h"
#include "store/user_repository.h"

namespace veyra::store {

// Receives the engine's own description of a failure (engine message, error code, the SQL
// text; never bound values). It is for operators' logs only: the Error returned to the caller
// carries a generic message. Called from whichever thread hit the failure, possibly from
// several at once, so it must be thread-safe.
using ErrorLog = std::function<void(std::string_view detail)>;

// The message of every Error an engine failure turns into; the detail goes to the ErrorLog.
inline constexpr std::string_view kDatabaseErrorMessage = "A database error occurred.";
// The message when the database stayed locked (or no connection was free) past the timeout.
inline constexpr std::string_view kDatabaseBusyMessage = "The database is busy; try again shortly.";

struct DatabaseOptions {
  // "sqlite://./veyra.db" (relative path), "sqlite:///abs/path.db" (absolute path).
  // "postgres://..." and "postgresql://..." are recognised but not built yet.
  std::string url;
  // How long a call waits for a lock held by another connection or process, and for a free
  // pooled connection, before it fails with server_busy.
  std::chrono::milliseconds busy_timeout{5000};
  // Connections kept open; 0 is treated as 1.
  unsigned max_connections = 4;
  // Where failure details go; empty writes them to stderr.
  ErrorLog error_log;
};

// A schema migration recorded in schema_migrations.
struct AppliedMigration {
  int version = 0;
  std::string name;  // "init" for 0001_init.sql

  bool operator==(const AppliedMigration&) const = default;
};

// Every method blocks on I/O: call them on the blocking pool, never on an I/O thread. All
// methods are safe to call from several threads at once; the Database must outlive the
// repositories it returns.
class Database {
 public:
  virtual ~Database();

  // Runs a trivial query (SELECT 1) through a pooled connection, for /readyz.
  // Fails with server_busy when no connection frees up within the busy timeout, otherwise a
  // generic internal_error.
  virtual Status ping() = 0;

  // Applies the migrations compiled into the binary that the database does not have yet, in
  // version order, each in its own transaction with its schema_migrations row; returns the ones
  // applied by this call (empty when the schema is current). Safe when several processes start
  // at once: each migration is applied exactly once. Fails without applying anything further
  // when a migration fails, when the embedded file names are malformed, or when the database
  // records a version this binary does not know (a newer binary migrated it).
  virtual Result<std::vector<AppliedMigration>> migrate() = 0;

  // The repositories over the current schema; each lives as long as the Database. Their calls
  // fail (internal_error, detail in the error log) until migrate() has created their tables.
  virtual SecretRepository& secrets() = 0;
  virtual UserRepository& users() = 0;
  virtual SessionRepository& sessions() = 0;
  virtual UsageRepository& usage() = 0;
  virtual ApiKeyRepository& api_keys() = 0;
  virtual TicketRepository& tickets() = 0;

  // The engine name, e.g. "sqlite".
  virtual std::string_view kind() const = 0;
};

// Opens the database named by options.url and checks that it can be used; does not migrate.
// Errors: invalid_field (param "database_url") for an unknown scheme, an empty path or a
// PostgreSQL URL; internal_error when the file cannot be opened or configured (e.g. its
// directory does not exist), with the detail sent to options.error_log.
// Blocks; may be called from any thread.
Result<std::unique_ptr<Database>> open_database(const DatabaseOptions& options);

}  // namespace veyra::store
