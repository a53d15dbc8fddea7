// Schema migrations, independent of the engine: the .sql files compiled into the binary
// (src/store/migrations/NNNN_name.sql) are parsed and checked here, and run_migrations() applies
// the pending ones through the MigrationTarget each engine implements.
//
// Migration SQL is shared by every engine, so it sticks to what SQLite and PostgreSQL 15 both
// accept: TEXT, BIGINT and INTEGER columns, no AUTOINCREMENT, statements separated by ';', and
// no BEGIN/COMMIT of its own (the runner wraps each file in a transaction).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/embedded.h"
#include "core/result.h"
#include "store/database.h"

namespace veyra::store {

// The table recording applied migrations, in SQL valid for SQLite and PostgreSQL.
inline constexpr std::string_view kCreateSchemaMigrationsSql =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

// The parts of a migration file name, "0001_init.sql" -> {1, "init"}.
struct MigrationFileName {
  int version = 0;
  std::string name;
};

struct Migration {
  int version = 0;
  std::string name;
  std::string_view sql;  // points into the embedded file, which lives as long as the program
};

// Parses "NNNN_name.sql": exactly four digits, a version of at least 1, an underscore, a name of
// lowercase letters, digits and underscores, and ".sql". Anything else (other extensions,
// folders, capitals, a missing name) fails with internal_error naming the file.
Result<MigrationFileName> parse_migration_file_name(std::string_view file_name);

// Parses every file and returns them ordered by version. Fails with internal_error on a bad
// name, two files with one version, or a gap (versions must run 1, 2, 3...).
Result<std::vector<Migration>> load_migrations(embedded::EmbeddedFiles files);

// What an engine provides to the runner. Used by one thread at a time.
class MigrationTarget {
 public:
  virtual ~MigrationTarget() = default;

  // Creates schema_migrations unless it exists (kCreateSchemaMigrationsSql).
  virtual Status create_history() = 0;

  // Every row of schema_migrations.
  virtual Result<std::vector<AppliedMigration>> applied() = 0;

  // In one transaction that holds the write lock: unless `migration.version` is already
  // recorded (another process got there first), runs its SQL and records it with the current
  // time. Returns whether this call applied it. On failure nothing of the migration remains.
  virtual Result<bool> apply(const Migration& migration) = 0;
};

// Applies, in order, the migrations the target has not recorded, each in its own transaction,
// and returns those applied by this call. Idempotent. Stops at the first failure (earlier
// migrations stay applied). Fails with internal_error, applying nothing, when the target records
// a version that `migrations` does not contain: a newer binary has migrated the database.
Result<std::vector<AppliedMigration>> run_migrations(MigrationTarget& target,
                                                     std::span<const Migration> migrations);

}  // namespace veyra::store
