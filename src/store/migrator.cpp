#include "store/migrator.h"

#include <algorithm>
#include <set>
#include <utility>

namespace veyra::store {
namespace {

constexpr std::string_view kExtension = ".sql";
constexpr std::size_t kVersionDigits = 4;

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

Error bad_name(std::string_view file_name) {
  return make_error(ErrorCode::internal_error,
                    "migration file \"" + std::string(file_name) + "\" is not named NNNN_name.sql");
}

std::string version_text(int version) {
  std::string text = std::to_string(version);
  if (text.size() < kVersionDigits) text.insert(0, kVersionDigits - text.size(), '0');
  return text;
}

}  // namespace

Result<MigrationFileName> parse_migration_file_name(std::string_view file_name) {
  if (!file_name.ends_with(kExtension)) return bad_name(file_name);
  const std::string_view stem = file_name.substr(0, file_name.size() - kExtension.size());
  if (stem.size() < kVersionDigits + 2 || stem[kVersionDigits] != '_') return bad_name(file_name);

  int version = 0;
  for (char c : stem.substr(0, kVersionDigits)) {
    if (c < '0' || c > '9') return bad_name(file_name);
    version = version * 10 + (c - '0');
  }
  if (version == 0) return bad_name(file_name);

  const std::string_view name = stem.substr(kVersionDigits + 1);
  if (!std::all_of(name.begin(), name.end(), is_name_char)) return bad_name(file_name);
  return MigrationFileName{version, std::string(name)};
}

Result<std::vector<Migration>> load_migrations(embedded::EmbeddedFiles files) {
  std::vector<Migration> migrations;
  migrations.reserve(files.size());
  for (const embedded::EmbeddedFile& file : files) {
    Result<MigrationFileName> parsed = parse_migration_file_name(file.path);
    if (!parsed) return std::move(parsed).error();
    migrations.push_back(Migration{parsed->version, std::move(parsed->name), file.data});
  }
  std::stable_sort(migrations.begin(), migrations.end(),
                   [](const Migration& a, const Migration& b) { return a.version < b.version; });

  // Sorted, the versions must read exactly 1, 2, 3...: a repeat is a duplicate, a jump a gap.
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    const int expected = static_cast<int>(i) + 1;
    const Migration& migration = migrations[i];
    if (migration.version < expected) {
      return make_error(ErrorCode::internal_error,
                        "two migration files have version " + version_text(migration.version));
    }
    if (migration.version > expected) {
      return make_error(ErrorCode::internal_error, "migration version " + version_text(expected) +
                                                       " is missing before " +
                                                       version_text(migration.version));
    }
  }
  return migrations;
}

Result<std::vector<AppliedMigration>> run_migrations(MigrationTarget& target,
                                                     std::span<const Migration> migrations) {
  if (Status status = target.create_history(); !status) return std::move(status).error();

  Result<std::vector<AppliedMigration>> recorded = target.applied();
  if (!recorded) return std::move(recorded).error();
  std::set<int> done;
  for (const AppliedMigration& row : *recorded) done.insert(row.version);

  // A version this binary does not know means a newer release migrated the database; running
  // old code against that schema could corrupt data, so refuse before changing anything.
  for (int version : done) {
    const bool known = std::any_of(migrations.begin(), migrations.end(),
                                   [version](const Migration& m) { return m.version == version; });
    if (!known) {
      return make_error(ErrorCode::internal_error,
                        "the database has migration " + version_text(version) +
                            ", which this build does not know; run a newer veyra");
    }
  }

  std::vector<AppliedMigration> applied_now;
  for (const Migration& migration : migrations) {
    if (done.contains(migration.version)) continue;
    Result<bool> applied = target.apply(migration);
    if (!applied) {
      Error error = std::move(applied).error();
      error.message = "migration " + version_text(migration.version) + "_" + migration.name +
                      " failed: " + error.message;
      return error;
    }
    if (*applied) applied_now.push_back(AppliedMigration{migration.version, migration.name});
  }
  return applied_now;
}

}  // namespace veyra::store
