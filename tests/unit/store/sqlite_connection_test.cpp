#include "store/sqlite/sqlite_connection.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <future>
#include <limits>
#include <memory>
#include <string>

#include "store/sqlite/sqlite_pool.h"
#include "store/sqlite/sqlite_transaction.h"
#include "store_test_support.h"

namespace veyra::store {
namespace {

using testing::LogCapture;
using testing::TempDirectory;

class SqliteConnectionTest : public ::testing::Test {
 protected:
  SqliteConnectionOptions options(
      std::chrono::milliseconds busy_timeout = std::chrono::seconds(5)) {
    return SqliteConnectionOptions{dir_.file("test.db"), busy_timeout, log_.sink()};
  }

  std::unique_ptr<SqliteConnection> open_connection() {
    Result<std::unique_ptr<SqliteConnection>> connection = SqliteConnection::open(options());
    EXPECT_TRUE(connection.ok());
    return connection.ok() ? std::move(*connection) : nullptr;
  }

  // The single integer a query returns, or -1.
  static std::int64_t query_int(SqliteConnection& connection, std::string_view sql) {
    Result<SqliteStatement> statement = connection.prepare(sql);
    if (!statement || !statement->step().ok()) return -1;
    return statement->column_int64(0);
  }

  static std::string query_text(SqliteConnection& connection, std::string_view sql) {
    Result<SqliteStatement> statement = connection.prepare(sql);
    if (!statement || !statement->step().ok()) return "<error>";
    return std::string(statement->column_text(0));
  }

  TempDirectory dir_;
  LogCapture log_;
};

TEST_F(SqliteConnectionTest, OpensWithWalForeignKeysAndNormalSync) {
  std::unique_ptr<SqliteConnection> connection = open_connection();
  ASSERT_NE(connection, nullptr);

  const std::string journal_mode = query_text(*connection, "PRAGMA journal_mode");
  const std::int64_t foreign_keys = query_int(*connection, "PRAGMA foreign_keys");
  const std::int64_t synchronous = query_int(*connection, "PRAGMA synchronous");

  EXPECT_EQ(journal_mode, "wal");
  EXPECT_EQ(foreign_keys, 1);
  EXPECT_EQ(synchronous, 1);  // NORMAL
}

TEST_F(SqliteConnectionTest, RoundTripsEveryBoundType) {
  std::unique_ptr<SqliteConnection> connection = open_connection();
  ASSERT_NE(connection, nullptr);
  ASSERT_TRUE(connection->exec("CREATE TABLE t (i BIGINT, s TEXT, e TEXT, b BLOB, n TEXT)").ok());
  const std::array<unsigned char, 4> bytes{0x00, 0xff, 0x10, 0x00};
  const std::string text("caf\xc3\xa9 \"quoted\" 'single'");

  Result<SqliteStatement> insert = connection->prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)");
  ASSERT_TRUE(insert.ok());
  insert->bind_int64(1, std::numeric_limits<std::int64_t>::min());
  insert->bind_text(2, text);
  insert->bind_text(3, "");
  insert->bind_blob(4, bytes);
  insert->bind_null(5);
  Result<std::int64_t> changed = insert->run();
  Result<SqliteStatement> select = connection->prepare("SELECT i, s, e, e IS NULL, b, n FROM t");
  ASSERT_TRUE(select.ok());
  Result<bool> row = select->step();

  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(*changed, 1);
  ASSERT_TRUE(row.ok());
  ASSERT_TRUE(*row);
  EXPECT_EQ(select->column_int64(0), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(select->column_text(1), text);
  EXPECT_EQ(select->column_text(2), "");
  EXPECT_EQ(select->column_int64(3), 0);  // an empty string binds as '', not NULL
  const std::span<const unsigned char> blob = select->column_blob(4);
  EXPECT_TRUE(std::equal(blob.begin(), blob.end(), bytes.begin(), bytes.end()));
  EXPECT_TRUE(select->column_is_null(5));
}

TEST_F(SqliteConnectionTest, SameSqlCanBeUsedTwiceAtOnce) {
  std::unique_ptr<SqliteConnection> connection = open_connection();
  ASSERT_NE(connection, nullptr);
  constexpr std::string_view kSql = "SELECT ?1";

  Result<SqliteStatement> outer = connection->prepare(kSql);
  ASSERT_TRUE(outer.ok());
  outer->bind_int64(1, 1);
  Result<SqliteStatement> inner = connection->prepare(kSql);
  ASSERT_TRUE(inner.ok());
  inner->bind_int64(1, 2);
  Result<bool> outer_row = outer->step();
  Result<bool> inner_row = inner->step();

  ASSERT_TRUE(outer_row.ok() && *outer_row);
  ASSERT_TRUE(inner_row.ok() && *inner_row);
  EXPECT_EQ(outer->column_int64(0), 1);
  EXPECT_EQ(inner->column_int64(0), 2);
}

TEST_F(SqliteConnectionTest, ReusedStatementStartsWithoutOldBindings) {
  std::unique_ptr<SqliteConnection> connection = open_connection();
  ASSERT_NE(connection, nullptr);
  {
    Result<SqliteStatement> first = connection->prepare("SELECT ?1");
    ASSERT_TRUE(first.ok());
    first->bind_int64(1, 42);
    ASSERT_TRUE(first->step().ok());
  }

  Result<SqliteStatement> second = connection->prepare("SELECT ?1");
  ASSERT_TRUE(second.ok());
  Result<bool> row = second->step();

  ASSERT_TRUE(row.ok() && *row);
  EXPECT_TRUE(second->column_is_null(0));
}

TEST_F(SqliteConnectionTest, BadBindIndexFailsAtStepWithGenericMessage) {
  std::unique_ptr<SqliteConnection> connection = open_connection();
  ASSERT_NE(connection, nullptr);
  Result<SqliteStatement> select = connection->prepare("SELECT ?1");
  ASSERT_TRUE(select.ok());

  select->bind_int64(7, 1);
  Result<bool> row = select->step();

  ASSERT_FALSE(row.ok());
  EXPECT_EQ(row.error().code, ErrorCode::internal_error);
  EXPECT_EQ(row.error().message, kDatabaseErrorMessage);
  EXPECT_TRUE(log_.contains("bind ?7"));
}

TEST_F(SqliteConnectionTest, PrepareRejectsBadSqlWithoutLeakingIt) {
  std::unique_ptr<SqliteConnection> connection = open_connection();
  ASSERT_NE(connection, nullptr);

  Result<SqliteStatement> typo = connection->prepare("SELEC 1");
  Result<SqliteStatement> two = connection->prepare("SELECT 1; SELECT 2");
  Result<SqliteStatement> empty = connection->prepare("  ");

  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.error().message, kDatabaseErrorMessage);
  EXPECT_TRUE(log_.contains("SELEC 1"));
  EXPECT_FALSE(two.ok());
  EXPECT_FALSE(empty.ok());
}

TEST_F(SqliteConnectionTest, TransactionRollsBackUnlessCommitted) {
  std::unique_ptr<SqliteConnection> connection = open_connection();
  ASSERT_NE(connection, nullptr);
  ASSERT_TRUE(connection->exec("CREATE TABLE t (x BIGINT)").ok());

  {
    Result<SqliteTransaction> dropped = SqliteTransaction::begin_write(*connection);
    ASSERT_TRUE(dropped.ok());
    ASSERT_TRUE(connection->exec("INSERT INTO t VALUES (1)").ok());
  }
  {
    Result<SqliteTransaction> kept = SqliteTransaction::begin_write(*connection);
    ASSERT_TRUE(kept.ok());
    ASSERT_TRUE(connection->exec("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE(kept->commit().ok());
  }

  EXPECT_FALSE(connection->in_transaction());
  EXPECT_EQ(query_int(*connection, "SELECT group_concat(x) = '2' FROM t"), 1);
}

TEST_F(SqliteConnectionTest, WriteLockHeldElsewhereGivesServerBusyAfterTimeout) {
  std::unique_ptr<SqliteConnection> holder = open_connection();
  ASSERT_NE(holder, nullptr);
  Result<std::unique_ptr<SqliteConnection>> waiter =
      SqliteConnection::open(options(std::chrono::milliseconds(50)));
  ASSERT_TRUE(waiter.ok());
  Result<SqliteTransaction> held = SqliteTransaction::begin_write(*holder);
  ASSERT_TRUE(held.ok());

  Result<SqliteTransaction> blocked = SqliteTransaction::begin_write(**waiter);

  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().code, ErrorCode::server_busy);
  EXPECT_EQ(blocked.error().message, kDatabaseBusyMessage);
}

TEST_F(SqliteConnectionTest, MissingDirectoryFailsToOpen) {
  SqliteConnectionOptions bad = options();
  bad.path = dir_.file("missing/test.db");

  Result<std::unique_ptr<SqliteConnection>> connection = SqliteConnection::open(bad);

  ASSERT_FALSE(connection.ok());
  EXPECT_EQ(connection.error().code, ErrorCode::internal_error);
  EXPECT_EQ(connection.error().message, kDatabaseErrorMessage);
  EXPECT_TRUE(log_.contains("missing/test.db"));
}

class SqlitePoolTest : public SqliteConnectionTest {
 protected:
  std::unique_ptr<SqlitePool> open_pool(unsigned size, std::chrono::milliseconds wait) {
    Result<std::unique_ptr<SqlitePool>> pool = SqlitePool::open({options(wait), size});
    EXPECT_TRUE(pool.ok());
    return pool.ok() ? std::move(*pool) : nullptr;
  }
};

TEST_F(SqlitePoolTest, EveryPooledConnectionHasForeignKeysOn) {
  std::unique_ptr<SqlitePool> pool = open_pool(3, std::chrono::seconds(1));
  ASSERT_NE(pool, nullptr);

  Result<SqlitePool::Lease> a = pool->acquire();
  Result<SqlitePool::Lease> b = pool->acquire();
  Result<SqlitePool::Lease> c = pool->acquire();

  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(pool->size(), 3u);
  EXPECT_EQ(query_int(**a, "PRAGMA foreign_keys"), 1);
  EXPECT_EQ(query_int(**b, "PRAGMA foreign_keys"), 1);
  EXPECT_EQ(query_int(**c, "PRAGMA foreign_keys"), 1);
  EXPECT_NE(&**a, &**b);
}

TEST_F(SqlitePoolTest, AcquireGivesServerBusyWhenNoConnectionFreesUp) {
  std::unique_ptr<SqlitePool> pool = open_pool(1, std::chrono::milliseconds(50));
  ASSERT_NE(pool, nullptr);
  Result<SqlitePool::Lease> held = pool->acquire();
  ASSERT_TRUE(held.ok());

  Result<SqlitePool::Lease> waiting =
      std::async(std::launch::async, [&] { return pool->acquire(); }).get();

  ASSERT_FALSE(waiting.ok());
  EXPECT_EQ(waiting.error().code, ErrorCode::server_busy);
  EXPECT_TRUE(log_.contains("stayed busy"));
}

TEST_F(SqlitePoolTest, LeaseRollsBackTransactionLeftOpen) {
  std::unique_ptr<SqlitePool> pool = open_pool(1, std::chrono::seconds(1));
  ASSERT_NE(pool, nullptr);
  {
    Result<SqlitePool::Lease> lease = pool->acquire();
    ASSERT_TRUE(lease.ok());
    ASSERT_TRUE((*lease)->exec("CREATE TABLE t (x BIGINT)").ok());
    ASSERT_TRUE((*lease)->exec("BEGIN IMMEDIATE; INSERT INTO t VALUES (1)").ok());
  }

  Result<SqlitePool::Lease> next = pool->acquire();

  ASSERT_TRUE(next.ok());
  EXPECT_FALSE((*next)->in_transaction());
  EXPECT_EQ(query_int(**next, "SELECT count(*) FROM t"), 0);
}

TEST_F(SqlitePoolTest, ForeignKeyViolationIsAGenericError) {
  std::unique_ptr<SqlitePool> pool = open_pool(1, std::chrono::seconds(1));
  ASSERT_NE(pool, nullptr);
  Result<SqlitePool::Lease> lease = pool->acquire();
  ASSERT_TRUE(lease.ok());
  ASSERT_TRUE((*lease)
                  ->exec("CREATE TABLE parent (id BIGINT PRIMARY KEY);"
                         "CREATE TABLE child (parent_id BIGINT NOT NULL REFERENCES parent (id))")
                  .ok());

  Status orphan = (*lease)->exec("INSERT INTO child (parent_id) VALUES (99)");

  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().code, ErrorCode::internal_error);
  EXPECT_EQ(orphan.error().message, kDatabaseErrorMessage);
  EXPECT_TRUE(log_.contains("FOREIGN KEY"));
}

}  // namespace
}  // namespace veyra::store
