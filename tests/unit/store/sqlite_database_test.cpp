#include "store/sqlite/sqlite_database.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "store/database.h"
#include "store_test_support.h"

namespace veyra::store {
namespace {

using testing::LogCapture;
using testing::TempDirectory;

class OpenDatabaseTest : public ::testing::Test {
 protected:
  DatabaseOptions options(std::string url) {
    DatabaseOptions result;
    result.url = std::move(url);
    result.error_log = log_.sink();
    return result;
  }

  TempDirectory dir_;
  LogCapture log_;
};

TEST_F(OpenDatabaseTest, PostgresUrlGivesClearError) {
  for (const char* url : {"postgres://veyra@db/veyra", "postgresql://veyra@db/veyra"}) {
    Result<std::unique_ptr<Database>> database = open_database(options(url));

    ASSERT_FALSE(database.ok()) << url;
    EXPECT_EQ(database.error().code, ErrorCode::invalid_field);
    EXPECT_EQ(database.error().message, "PostgreSQL support is not built yet; use sqlite://");
    EXPECT_EQ(database.error().param, "database_url");
  }
}

TEST_F(OpenDatabaseTest, RejectsUnknownSchemeAndMissingPath) {
  Result<std::unique_ptr<Database>> mysql = open_database(options("mysql://db/veyra"));
  Result<std::unique_ptr<Database>> bare = open_database(options(dir_.file("veyra.db")));
  Result<std::unique_ptr<Database>> empty = open_database(options("sqlite://"));
  Result<std::unique_ptr<Database>> memory = open_database(options("sqlite://:memory:"));

  for (const auto* result : {&mysql, &bare, &empty, &memory}) {
    ASSERT_FALSE(result->ok());
    EXPECT_EQ(result->error().code, ErrorCode::invalid_field);
    EXPECT_EQ(result->error().param, "database_url");
  }
}

TEST_F(OpenDatabaseTest, MissingDirectoryGivesErrorNotCrash) {
  const std::string url = dir_.sqlite_url("no-such-dir/veyra.db");

  Result<std::unique_ptr<Database>> database = open_database(options(url));

  ASSERT_FALSE(database.ok());
  EXPECT_EQ(database.error().code, ErrorCode::internal_error);
  EXPECT_EQ(database.error().message, kDatabaseErrorMessage);
  EXPECT_TRUE(log_.contains("no-such-dir/veyra.db"));
}

TEST_F(OpenDatabaseTest, AbsoluteUrlCreatesTheFile) {
  const std::string url = dir_.sqlite_url("veyra.db");

  Result<std::unique_ptr<Database>> database = open_database(options(url));

  ASSERT_TRUE(database.ok());
  EXPECT_EQ((*database)->kind(), "sqlite");
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "veyra.db"));
}

TEST_F(OpenDatabaseTest, RelativeUrlIsRelativeToWorkingDirectory) {
  const std::filesystem::path previous = std::filesystem::current_path();
  std::filesystem::current_path(dir_.path());

  Result<std::unique_ptr<Database>> database = open_database(options("sqlite://./relative.db"));
  const bool created = std::filesystem::exists(dir_.path() / "relative.db");
  std::filesystem::current_path(previous);

  ASSERT_TRUE(database.ok());
  EXPECT_TRUE(created);
}

class SqliteDatabaseTest : public OpenDatabaseTest {
 protected:
  std::unique_ptr<Database> open() {
    Result<std::unique_ptr<Database>> database = open_database(options(dir_.sqlite_url("v.db")));
    EXPECT_TRUE(database.ok());
    return database.ok() ? std::move(*database) : nullptr;
  }

  // Reads one integer through a separate connection, as another process would.
  std::int64_t query_int(std::string_view sql) {
    Result<std::unique_ptr<SqliteConnection>> connection =
        SqliteConnection::open({dir_.file("v.db"), std::chrono::seconds(5), log_.sink()});
    if (!connection) return -1;
    Result<SqliteStatement> statement = (*connection)->prepare(sql);
    if (!statement || !statement->step().ok()) return -1;
    return statement->column_int64(0);
  }
};

TEST_F(SqliteDatabaseTest, PingSucceeds) {
  std::unique_ptr<Database> database = open();
  ASSERT_NE(database, nullptr);

  Status status = database->ping();

  EXPECT_TRUE(status.ok());
}

TEST_F(SqliteDatabaseTest, MigrateAppliesInitOnceAndIsIdempotent) {
  std::unique_ptr<Database> database = open();
  ASSERT_NE(database, nullptr);

  Result<std::vector<AppliedMigration>> first = database->migrate();
  Result<std::vector<AppliedMigration>> second = database->migrate();

  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->empty());
  EXPECT_EQ(first->front(), (AppliedMigration{1, "init"}));
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->empty());
  EXPECT_EQ(query_int("SELECT count(*) FROM schema_migrations WHERE version = 1 AND name = 'init'"),
            1);
  EXPECT_EQ(query_int("SELECT count(*) FROM sqlite_schema WHERE name = 'server_secrets'"), 1);
}

TEST_F(SqliteDatabaseTest, ReopenedDatabaseHasNothingToMigrate) {
  {
    std::unique_ptr<Database> database = open();
    ASSERT_NE(database, nullptr);
    ASSERT_TRUE(database->migrate().ok());
  }
  std::unique_ptr<Database> reopened = open();
  ASSERT_NE(reopened, nullptr);

  Result<std::vector<AppliedMigration>> applied = reopened->migrate();

  ASSERT_TRUE(applied.ok());
  EXPECT_TRUE(applied->empty());
}

TEST_F(SqliteDatabaseTest, FileIsInWalModeWithForeignKeysOnEveryConnection) {
  Result<std::unique_ptr<SqliteDatabase>> database =
      SqliteDatabase::open({{dir_.file("v.db"), std::chrono::seconds(1), log_.sink()}, 3});
  ASSERT_TRUE(database.ok());
  SqlitePool& pool = (*database)->pool();

  std::vector<SqlitePool::Lease> leases;
  std::vector<std::int64_t> foreign_keys;
  for (unsigned i = 0; i < pool.size(); ++i) {
    Result<SqlitePool::Lease> lease = pool.acquire();
    ASSERT_TRUE(lease.ok());
    Result<SqliteStatement> pragma = (*lease)->prepare("PRAGMA foreign_keys");
    ASSERT_TRUE(pragma.ok() && pragma->step().ok());
    foreign_keys.push_back(pragma->column_int64(0));
    leases.push_back(std::move(*lease));
  }
  const std::int64_t wal = query_int("SELECT journal_mode = 'wal' FROM pragma_journal_mode");

  EXPECT_EQ(foreign_keys, (std::vector<std::int64_t>{1, 1, 1}));
  EXPECT_EQ(wal, 1);
}

TEST_F(SqliteDatabaseTest, ConcurrentMigrateFromTwoInstancesAppliesEachMigrationOnce) {
  std::unique_ptr<Database> a = open();
  std::unique_ptr<Database> b = open();
  ASSERT_TRUE(a && b);
  std::latch start(2);
  Result<std::vector<AppliedMigration>> from_a = std::vector<AppliedMigration>{};
  Result<std::vector<AppliedMigration>> from_b = std::vector<AppliedMigration>{};

  std::thread thread_a([&] {
    start.arrive_and_wait();
    from_a = a->migrate();
  });
  std::thread thread_b([&] {
    start.arrive_and_wait();
    from_b = b->migrate();
  });
  thread_a.join();
  thread_b.join();

  ASSERT_TRUE(from_a.ok());
  ASSERT_TRUE(from_b.ok());
  EXPECT_EQ(from_a->size() + from_b->size(),
            static_cast<std::size_t>(query_int("SELECT count(*) FROM schema_migrations")));
  EXPECT_GE(query_int("SELECT count(*) FROM schema_migrations"), 1);
}

TEST_F(SqliteDatabaseTest, ConcurrentMigrateFromTwoProcessesAppliesEachMigrationOnce) {
  const pid_t child = fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    // The child reports how many migrations it applied through its exit status.
    std::unique_ptr<Database> database = open();
    Result<std::vector<AppliedMigration>> applied =
        database ? database->migrate() : Result<std::vector<AppliedMigration>>(Error{});
    _exit(applied.ok() ? static_cast<int>(applied->size()) : 100);
  }
  std::unique_ptr<Database> database = open();
  ASSERT_NE(database, nullptr);

  Result<std::vector<AppliedMigration>> applied = database->migrate();
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);

  ASSERT_TRUE(applied.ok());
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_NE(WEXITSTATUS(status), 100);
  const auto child_applied = static_cast<std::size_t>(WEXITSTATUS(status));
  EXPECT_EQ(applied->size() + child_applied,
            static_cast<std::size_t>(query_int("SELECT count(*) FROM schema_migrations")));
}

}  // namespace
}  // namespace veyra::store
