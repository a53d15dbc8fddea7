#include "store/sqlite/sqlite_usage_repository.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>

#include "store/sqlite/sqlite_pool.h"
#include "store/sqlite/sqlite_transaction.h"

namespace veyra::store {
namespace {

// ON CONFLICT DO NOTHING (SQLite 3.24+, PostgreSQL 9.5+) makes a retried batch idempotent.
constexpr std::string_view kInsertRecord =
    "INSERT INTO usage_records (id, request_id, user_id, session_id, api_key_id, model, "
    "deployment, endpoint, prompt_tokens, completion_tokens, estimated, status, streamed, "
    "abandoned, latency_ms, ttfb_ms, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) "
    "ON CONFLICT (id) DO NOTHING";

// Each summary SELECT returns (group key, requests, prompt tokens, completion tokens); the key
// is text for model and api_key grouping, and the day number since 1970-01-01 for day grouping.
constexpr std::string_view kSumByModel =
    "SELECT model, COUNT(*), SUM(prompt_tokens), SUM(completion_tokens) FROM usage_records "
    "WHERE user_id = ?1 AND created_at >= ?2 AND created_at < ?3 GROUP BY model";
constexpr std::string_view kSumByApiKey =
    "SELECT COALESCE(api_key_id, 'session'), COUNT(*), SUM(prompt_tokens), "
    "SUM(completion_tokens) FROM usage_records "
    "WHERE user_id = ?1 AND created_at >= ?2 AND created_at < ?3 "
    "GROUP BY COALESCE(api_key_id, 'session')";
constexpr std::string_view kSumByDay =
    "SELECT created_at / 86400, COUNT(*), SUM(prompt_tokens), SUM(completion_tokens) "
    "FROM usage_records WHERE user_id = ?1 AND created_at >= ?2 AND created_at < ?3 "
    "GROUP BY created_at / 86400";

static_assert(kUsageSessionGroup == "session", "kSumByApiKey spells the session group");

std::string_view summary_sql(UsageGrouping grouping) {
  switch (grouping) {
    case UsageGrouping::model:
      return kSumByModel;
    case UsageGrouping::api_key:
      return kSumByApiKey;
    case UsageGrouping::day:
      return kSumByDay;
  }
  return kSumByModel;
}

// "YYYY-MM-DD" of the UTC day `days` after 1970-01-01.
std::string day_name(std::int64_t days) {
  const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{days}}};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
}

// Empty text is stored as NULL, so "none" reads the same in every column and engine.
void bind_optional_text(SqliteStatement& statement, int index, std::string_view value) {
  if (value.empty()) {
    statement.bind_null(index);
  } else {
    statement.bind_text(index, value);
  }
}

Status insert_record(SqliteConnection& connection, const UsageRecord& record) {
  Result<SqliteStatement> insert = connection.prepare(kInsertRecord);
  if (!insert) return std::move(insert).error();
  insert->bind_text(1, record.id);
  insert->bind_text(2, record.request_id);
  insert->bind_text(3, record.user_id);
  bind_optional_text(*insert, 4, record.session_id);
  bind_optional_text(*insert, 5, record.api_key_id);
  insert->bind_text(6, record.model);
  bind_optional_text(*insert, 7, record.deployment);
  insert->bind_text(8, record.endpoint);
  insert->bind_int64(9, static_cast<std::int64_t>(record.prompt_tokens));
  insert->bind_int64(10, static_cast<std::int64_t>(record.completion_tokens));
  insert->bind_int64(11, record.estimated ? 1 : 0);
  insert->bind_int64(12, record.status);
  insert->bind_int64(13, record.streamed ? 1 : 0);
  insert->bind_int64(14, record.abandoned ? 1 : 0);
  insert->bind_int64(15, record.latency_ms);
  if (record.ttfb_ms < 0) {
    insert->bind_null(16);
  } else {
    insert->bind_int64(16, record.ttfb_ms);
  }
  insert->bind_int64(17, record.created_at);
  if (Result<std::int64_t> inserted = insert->run(); !inserted) return std::move(inserted).error();
  return {};
}

}  // namespace

Status SqliteUsageRepository::insert(std::span<const UsageRecord> records) {
  if (records.empty()) return {};
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();
  Result<SqliteTransaction> transaction = SqliteTransaction::begin_write(**connection);
  if (!transaction) return std::move(transaction).error();

  for (const UsageRecord& record : records) {
    if (Status status = insert_record(**connection, record); !status) return status;
  }
  return transaction->commit();
}

Result<std::vector<UsageGroup>> SqliteUsageRepository::summarize(std::string_view user_id,
                                                                 std::int64_t start,
                                                                 std::int64_t end,
                                                                 UsageGrouping grouping) {
  std::vector<UsageGroup> groups;
  if (end <= start) return groups;
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();

  Result<SqliteStatement> select = (*connection)->prepare(summary_sql(grouping));
  if (!select) return std::move(select).error();
  select->bind_text(1, user_id);
  select->bind_int64(2, start);
  select->bind_int64(3, end);
  for (;;) {
    Result<bool> row = select->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    UsageGroup group;
    group.group = grouping == UsageGrouping::day ? day_name(select->column_int64(0))
                                                 : std::string(select->column_text(0));
    group.requests = static_cast<std::uint64_t>(select->column_int64(1));
    group.prompt_tokens = static_cast<std::uint64_t>(select->column_int64(2));
    group.completion_tokens = static_cast<std::uint64_t>(select->column_int64(3));
    groups.push_back(std::move(group));
  }

  // Sorted here rather than by ORDER BY, so that every engine orders names bytewise whatever
  // its collation.
  std::sort(groups.begin(), groups.end(),
            [](const UsageGroup& a, const UsageGroup& b) { return a.group < b.group; });
  return groups;
}

Result<std::vector<UsageGroup>> SqliteUsageRepository::totals_since(std::int64_t start) {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();
  Result<SqliteStatement> select = (*connection)->prepare(
      "SELECT user_id, COUNT(*), SUM(prompt_tokens), SUM(completion_tokens) "
      "FROM usage_records WHERE created_at >= ?1 GROUP BY user_id");
  if (!select) return std::move(select).error();
  select->bind_int64(1, start);
  std::vector<UsageGroup> groups;
  while (true) {
    Result<bool> row = select->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    UsageGroup group;
    group.group = std::string(select->column_text(0));
    group.requests = static_cast<std::uint64_t>(select->column_int64(1));
    group.prompt_tokens = static_cast<std::uint64_t>(select->column_int64(2));
    group.completion_tokens = static_cast<std::uint64_t>(select->column_int64(3));
    groups.push_back(std::move(group));
  }
  return groups;
}

}  // namespace veyra::store
