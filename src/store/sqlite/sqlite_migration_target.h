// The SQLite side of the migration runner (store/migrator.h).
#pragma once

#include <vector>

#include "store/migrator.h"

namespace veyra::store {

class SqliteConnection;

// Works on one leased connection, used by the calling thread only. BEGIN IMMEDIATE around each
// migration serialises processes that start at once: the second one waits for the lock, then
// finds the version recorded and skips it.
class SqliteMigrationTarget final : public MigrationTarget {
 public:
  explicit SqliteMigrationTarget(SqliteConnection& connection) : connection_(connection) {}

  Status create_history() override;
  Result<std::vector<AppliedMigration>> applied() override;
  Result<bool> apply(const Migration& migration) override;

 private:
  SqliteConnection& connection_;
};

}  // namespace veyra::store
