#include "store/sqlite/sqlite_usage_repository.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "store/database.h"
#include "store/sqlite/sqlite_connection.h"
#include "store_test_support.h"

namespace veyra::store {
namespace {

using testing::LogCapture;
using testing::TempDirectory;

// 2023-11-14 22:13:20 UTC.
constexpr std::int64_t kNow = 1'700'000'000;
// 2023-11-15 00:00:00 UTC.
constexpr std::int64_t kMidnight = 1'700'006'400;
constexpr std::int64_t kDay = 24 * 60 * 60;

class UsageRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DatabaseOptions options;
    options.url = dir_.sqlite_url("usage.db");
    options.error_log = log_.sink();
    Result<std::unique_ptr<Database>> database = open_database(options);
    ASSERT_TRUE(database.ok());
    ASSERT_TRUE((*database)->migrate().ok());
    database_ = std::move(*database);
  }

  UsageRepository& usage() { return database_->usage(); }

  // A second connection to the file, for SQL the repository does not offer.
  std::unique_ptr<SqliteConnection> raw_connection() {
    Result<std::unique_ptr<SqliteConnection>> connection =
        SqliteConnection::open({dir_.file("usage.db"), std::chrono::seconds(5), log_.sink()});
    EXPECT_TRUE(connection.ok());
    return connection.ok() ? std::move(*connection) : nullptr;
  }

  // A session call of usr_ann to `model` at `created_at` with 10 + 5 tokens.
  static UsageRecord record(std::string id, std::string model = "veyra-echo",
                            std::int64_t created_at = kNow) {
    UsageRecord usage;
    usage.id = std::move(id);
    usage.request_id = "req_" + usage.id;
    usage.user_id = "usr_ann";
    usage.session_id = "ses_1";
    usage.model = std::move(model);
    usage.deployment = "builtin/veyra-echo";
    usage.endpoint = "chat";
    usage.prompt_tokens = 10;
    usage.completion_tokens = 5;
    usage.status = 200;
    usage.latency_ms = 12;
    usage.ttfb_ms = 3;
    usage.created_at = created_at;
    return usage;
  }

  static UsageRecord key_record(std::string id, std::string key_id) {
    UsageRecord usage = record(std::move(id));
    usage.session_id.clear();
    usage.api_key_id = std::move(key_id);
    return usage;
  }

  std::vector<UsageGroup> summary(UsageGrouping grouping, std::int64_t start = kNow - kDay,
                                  std::int64_t end = kNow + kDay,
                                  std::string_view user_id = "usr_ann") {
    Result<std::vector<UsageGroup>> groups = usage().summarize(user_id, start, end, grouping);
    EXPECT_TRUE(groups.ok());
    return groups.ok() ? *groups : std::vector<UsageGroup>{};
  }

  TempDirectory dir_;
  LogCapture log_;
  std::unique_ptr<Database> database_;
};

TEST_F(UsageRepositoryTest, InsertedRecordsAreSummedByModel) {
  UsageRecord big = record("usg_3", "gpt-5.4-mini");
  big.prompt_tokens = 1000;
  big.completion_tokens = 250;
  const std::vector<UsageRecord> records = {record("usg_1"), record("usg_2"), big};

  Status status = usage().insert(records);

  ASSERT_TRUE(status.ok());
  EXPECT_EQ(summary(UsageGrouping::model),
            (std::vector<UsageGroup>{{"gpt-5.4-mini", 1, 1000, 250}, {"veyra-echo", 2, 20, 10}}));
}

TEST_F(UsageRepositoryTest, SummaryCountsOnlyTheUserWithinTheRange) {
  UsageRecord bob = record("usg_bob");
  bob.user_id = "usr_bob";
  const std::vector<UsageRecord> records = {
      record("usg_before", "m", kNow - 1), record("usg_start", "m", kNow),
      record("usg_last", "m", kNow + 99), record("usg_end", "m", kNow + 100), bob};
  ASSERT_TRUE(usage().insert(records).ok());

  std::vector<UsageGroup> groups = summary(UsageGrouping::model, kNow, kNow + 100);

  // start is inclusive and end exclusive.
  EXPECT_EQ(groups, (std::vector<UsageGroup>{{"m", 2, 20, 10}}));
}

TEST_F(UsageRepositoryTest, EmptyOrReversedRangeIsEmpty) {
  const std::vector<UsageRecord> records = {record("usg_1")};
  ASSERT_TRUE(usage().insert(records).ok());

  EXPECT_TRUE(summary(UsageGrouping::model, kNow, kNow).empty());
  EXPECT_TRUE(summary(UsageGrouping::model, kNow + 1, kNow).empty());
  EXPECT_TRUE(summary(UsageGrouping::model, kNow + 1, kNow + 10).empty());
}

TEST_F(UsageRepositoryTest, ApiKeyGroupingPutsSessionCallsUnderSession) {
  const std::vector<UsageRecord> records = {key_record("usg_1", "key_b"),
                                            key_record("usg_2", "key_a"),
                                            key_record("usg_3", "key_b"), record("usg_4")};
  ASSERT_TRUE(usage().insert(records).ok());

  std::vector<UsageGroup> groups = summary(UsageGrouping::api_key);

  EXPECT_EQ(groups, (std::vector<UsageGroup>{{"key_a", 1, 10, 5},
                                             {"key_b", 2, 20, 10},
                                             {std::string(kUsageSessionGroup), 1, 10, 5}}));
}

TEST_F(UsageRepositoryTest, DayGroupingUsesUtcCalendarDays) {
  const std::vector<UsageRecord> records = {
      record("usg_1", "m", kMidnight - 1), record("usg_2", "m", kMidnight),
      record("usg_3", "m", kMidnight + kDay - 1), record("usg_4", "m", kMidnight + 47 * kDay)};
  ASSERT_TRUE(usage().insert(records).ok());

  std::vector<UsageGroup> groups = summary(UsageGrouping::day, kNow, kMidnight + 50 * kDay);

  EXPECT_EQ(groups,
            (std::vector<UsageGroup>{
                {"2023-11-14", 1, 10, 5}, {"2023-11-15", 2, 20, 10}, {"2024-01-01", 1, 10, 5}}));
}

TEST_F(UsageRepositoryTest, GroupsAreSortedBytewise) {
  const std::vector<UsageRecord> records = {record("usg_1", "b"), record("usg_2", "B"),
                                            record("usg_3", "a"), record("usg_4", "A")};
  ASSERT_TRUE(usage().insert(records).ok());

  std::vector<UsageGroup> groups = summary(UsageGrouping::model);

  ASSERT_EQ(groups.size(), 4u);
  EXPECT_EQ(groups[0].group, "A");
  EXPECT_EQ(groups[1].group, "B");
  EXPECT_EQ(groups[2].group, "a");
  EXPECT_EQ(groups[3].group, "b");
}

TEST_F(UsageRepositoryTest, RetriedBatchSkipsStoredIds) {
  const std::vector<UsageRecord> first = {record("usg_1"), record("usg_2")};
  const std::vector<UsageRecord> retried = {record("usg_1"), record("usg_2"), record("usg_3")};
  ASSERT_TRUE(usage().insert(first).ok());

  Status status = usage().insert(retried);

  ASSERT_TRUE(status.ok());
  EXPECT_EQ(summary(UsageGrouping::model), (std::vector<UsageGroup>{{"veyra-echo", 3, 30, 15}}));
}

TEST_F(UsageRepositoryTest, FailedBatchLeavesNothing) {
  std::unique_ptr<SqliteConnection> raw = raw_connection();
  ASSERT_NE(raw, nullptr);
  ASSERT_TRUE(raw->exec("CREATE TRIGGER refuse_poison BEFORE INSERT ON usage_records "
                        "WHEN NEW.model = 'poison' BEGIN SELECT RAISE(ABORT, 'poison'); END")
                  .ok());
  const std::vector<UsageRecord> records = {record("usg_1"), record("usg_2", "poison"),
                                            record("usg_3")};

  Status status = usage().insert(records);

  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::internal_error);
  EXPECT_TRUE(log_.contains("poison"));
  EXPECT_TRUE(summary(UsageGrouping::model).empty());
}

TEST_F(UsageRepositoryTest, StoresEveryFieldAndNullForWhatDoesNotApply) {
  UsageRecord streamed = key_record("usg_1", "key_a");
  streamed.prompt_tokens = 7;
  streamed.completion_tokens = 9;
  streamed.estimated = true;
  streamed.status = 502;
  streamed.streamed = true;
  streamed.abandoned = true;
  streamed.latency_ms = 1500;
  streamed.ttfb_ms = 40;
  UsageRecord refused = record("usg_2");
  refused.deployment.clear();
  refused.ttfb_ms = -1;
  const std::vector<UsageRecord> records = {streamed, refused};
  ASSERT_TRUE(usage().insert(records).ok());
  std::unique_ptr<SqliteConnection> raw = raw_connection();
  ASSERT_NE(raw, nullptr);

  Result<SqliteStatement> select = raw->prepare(
      "SELECT request_id, user_id, session_id, api_key_id, model, deployment, endpoint, "
      "prompt_tokens, completion_tokens, estimated, status, streamed, abandoned, latency_ms, "
      "ttfb_ms, created_at FROM usage_records ORDER BY id");
  ASSERT_TRUE(select.ok());

  ASSERT_TRUE(select->step().value());
  EXPECT_EQ(select->column_text(0), "req_usg_1");
  EXPECT_EQ(select->column_text(1), "usr_ann");
  EXPECT_TRUE(select->column_is_null(2));
  EXPECT_EQ(select->column_text(3), "key_a");
  EXPECT_EQ(select->column_text(4), "veyra-echo");
  EXPECT_EQ(select->column_text(5), "builtin/veyra-echo");
  EXPECT_EQ(select->column_text(6), "chat");
  EXPECT_EQ(select->column_int64(7), 7);
  EXPECT_EQ(select->column_int64(8), 9);
  EXPECT_EQ(select->column_int64(9), 1);
  EXPECT_EQ(select->column_int64(10), 502);
  EXPECT_EQ(select->column_int64(11), 1);
  EXPECT_EQ(select->column_int64(12), 1);
  EXPECT_EQ(select->column_int64(13), 1500);
  EXPECT_EQ(select->column_int64(14), 40);
  EXPECT_EQ(select->column_int64(15), kNow);

  ASSERT_TRUE(select->step().value());
  EXPECT_EQ(select->column_text(2), "ses_1");
  EXPECT_TRUE(select->column_is_null(3));
  EXPECT_TRUE(select->column_is_null(5));
  EXPECT_EQ(select->column_int64(9), 0);
  EXPECT_TRUE(select->column_is_null(14));
  EXPECT_FALSE(select->step().value());
}

TEST_F(UsageRepositoryTest, EmptyInsertSucceeds) {
  Status status = usage().insert({});

  EXPECT_TRUE(status.ok());
}

}  // namespace
}  // namespace veyra::store
