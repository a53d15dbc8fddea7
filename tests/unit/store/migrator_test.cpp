#include "store/migrator.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/embedded.h"
#include "store/sqlite/sqlite_connection.h"
#include "store/sqlite/sqlite_migration_target.h"
#include "store_test_support.h"

namespace veyra::store {
namespace {

using embedded::EmbeddedFile;
using testing::LogCapture;
using testing::TempDirectory;

TEST(MigrationFileNameTest, ParsesVersionAndName) {
  Result<MigrationFileName> init = parse_migration_file_name("0001_init.sql");
  Result<MigrationFileName> keys = parse_migration_file_name("0012_add_api_keys2.sql");

  ASSERT_TRUE(init.ok());
  EXPECT_EQ(init->version, 1);
  EXPECT_EQ(init->name, "init");
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->version, 12);
  EXPECT_EQ(keys->name, "add_api_keys2");
}

TEST(MigrationFileNameTest, RejectsMalformedNames) {
  const std::vector<std::string> bad = {
      "init.sql",      "1_init.sql",        "00001_init.sql", "0001init.sql",   "0001_.sql",
      "0001_Init.sql", "0001_in-it.sql",    "0001_init.txt",  "0001_init.SQL",  "0000_init.sql",
      "00a1_init.sql", "sub/0001_init.sql", "0001_a/b.sql",   "0001_init.sql~", "",
      ".sql",
  };

  for (const std::string& name : bad) {
    Result<MigrationFileName> parsed = parse_migration_file_name(name);

    ASSERT_FALSE(parsed.ok()) << name;
    EXPECT_EQ(parsed.error().code, ErrorCode::internal_error);
    EXPECT_NE(parsed.error().message.find("\"" + name + "\""), std::string::npos) << name;
  }
}

TEST(LoadMigrationsTest, OrdersByVersion) {
  const EmbeddedFile files[] = {{"0002_second.sql", "SELECT 2"}, {"0001_first.sql", "SELECT 1"}};

  Result<std::vector<Migration>> migrations = load_migrations(files);

  ASSERT_TRUE(migrations.ok());
  ASSERT_EQ(migrations->size(), 2u);
  EXPECT_EQ((*migrations)[0].version, 1);
  EXPECT_EQ((*migrations)[0].name, "first");
  EXPECT_EQ((*migrations)[0].sql, "SELECT 1");
  EXPECT_EQ((*migrations)[1].version, 2);
}

TEST(LoadMigrationsTest, RejectsDuplicateVersions) {
  const EmbeddedFile files[] = {{"0001_a.sql", ""}, {"0001_b.sql", ""}, {"0002_c.sql", ""}};

  Result<std::vector<Migration>> migrations = load_migrations(files);

  ASSERT_FALSE(migrations.ok());
  EXPECT_NE(migrations.error().message.find("two migration files have version 0001"),
            std::string::npos);
}

TEST(LoadMigrationsTest, RejectsGaps) {
  const EmbeddedFile files[] = {{"0001_a.sql", ""}, {"0003_c.sql", ""}};

  Result<std::vector<Migration>> migrations = load_migrations(files);

  ASSERT_FALSE(migrations.ok());
  EXPECT_NE(migrations.error().message.find("0002 is missing"), std::string::npos);
}

TEST(LoadMigrationsTest, RejectsBadFileName) {
  const EmbeddedFile files[] = {{"0001_a.sql", ""}, {"notes.txt", ""}};

  Result<std::vector<Migration>> migrations = load_migrations(files);

  ASSERT_FALSE(migrations.ok());
  EXPECT_NE(migrations.error().message.find("notes.txt"), std::string::npos);
}

TEST(LoadMigrationsTest, EmbeddedMigrationsAreValidAndStartWithInit) {
  Result<std::vector<Migration>> migrations = load_migrations(embedded::migrations());

  ASSERT_TRUE(migrations.ok()) << migrations.error().message;
  ASSERT_FALSE(migrations->empty());
  EXPECT_EQ(migrations->front().version, 1);
  EXPECT_EQ(migrations->front().name, "init");
}

// The runner against a real SQLite file through SqliteMigrationTarget.
class RunMigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<SqliteConnection>> opened =
        SqliteConnection::open({dir_.file("test.db"), std::chrono::seconds(5), log_.sink()});
    ASSERT_TRUE(opened.ok());
    connection_ = std::move(*opened);
  }

  std::int64_t count(std::string_view sql) {
    Result<SqliteStatement> statement = connection_->prepare(sql);
    if (!statement || !statement->step().ok()) return -1;
    return statement->column_int64(0);
  }

  TempDirectory dir_;
  LogCapture log_;
  std::unique_ptr<SqliteConnection> connection_;
};

TEST_F(RunMigrationsTest, AppliesOnlyPendingMigrationsInOrder) {
  const std::vector<Migration> first = {{1, "a", "CREATE TABLE a (x BIGINT)"}};
  const std::vector<Migration> both = {first[0], {2, "b", "INSERT INTO a VALUES (7)"}};
  SqliteMigrationTarget target(*connection_);

  Result<std::vector<AppliedMigration>> run1 = run_migrations(target, first);
  Result<std::vector<AppliedMigration>> run2 = run_migrations(target, both);
  Result<std::vector<AppliedMigration>> run3 = run_migrations(target, both);

  ASSERT_TRUE(run1.ok() && run2.ok() && run3.ok());
  EXPECT_EQ(*run1, (std::vector<AppliedMigration>{{1, "a"}}));
  EXPECT_EQ(*run2, (std::vector<AppliedMigration>{{2, "b"}}));
  EXPECT_TRUE(run3->empty());
  EXPECT_EQ(count("SELECT count(*) FROM a"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM schema_migrations"), 2);
}

TEST_F(RunMigrationsTest, FailedMigrationLeavesNothingHalfApplied) {
  const std::vector<Migration> migrations = {
      {1, "good", "CREATE TABLE a (x BIGINT)"},
      {2, "broken", "CREATE TABLE b (x BIGINT); INSERT INTO b VALUES (1); CREATE TABL oops (x)"},
  };
  SqliteMigrationTarget target(*connection_);

  Result<std::vector<AppliedMigration>> run = run_migrations(target, migrations);

  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.error().code, ErrorCode::internal_error);
  EXPECT_NE(run.error().message.find("0002_broken"), std::string::npos);
  EXPECT_EQ(run.error().message.find("TABL"), std::string::npos);  // SQL stays in the log
  EXPECT_TRUE(log_.contains("CREATE TABL oops"));
  EXPECT_EQ(count("SELECT count(*) FROM sqlite_schema WHERE name = 'b'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM sqlite_schema WHERE name = 'a'"), 1);
  EXPECT_EQ(count("SELECT group_concat(version) = '1' FROM schema_migrations"), 1);
  EXPECT_FALSE(connection_->in_transaction());
}

TEST_F(RunMigrationsTest, RefusesDatabaseMigratedByNewerBuild) {
  const std::vector<Migration> newer = {{1, "a", "CREATE TABLE a (x BIGINT)"},
                                        {2, "b", "CREATE TABLE b (x BIGINT)"}};
  const std::vector<Migration> older = {newer[0]};
  SqliteMigrationTarget target(*connection_);
  ASSERT_TRUE(run_migrations(target, newer).ok());

  Result<std::vector<AppliedMigration>> run = run_migrations(target, older);

  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.error().message.find("0002"), std::string::npos);
}

}  // namespace
}  // namespace veyra::store
