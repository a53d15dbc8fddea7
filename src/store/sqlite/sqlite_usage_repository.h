// UsageRepository over the usage_records table of a SQLite database.
#pragma once

#include "store/usage_repository.h"

namespace veyra::store {

class SqlitePool;

// Safe to call from several threads at once: each call leases its own connection.
class SqliteUsageRepository final : public UsageRepository {
 public:
  // `pool` must outlive the repository.
  explicit SqliteUsageRepository(SqlitePool& pool) : pool_(pool) {}

  // An empty span succeeds without touching the database.
  Status insert(std::span<const UsageRecord> records) override;

  // REQUIRES: created_at of the stored records is not before 1970 (day groups divide by
  // 86,400 and would round toward zero).
  Result<std::vector<UsageGroup>> summarize(std::string_view user_id, std::int64_t start,
                                            std::int64_t end, UsageGrouping grouping) override;
  Result<std::vector<UsageGroup>> totals_since(std::int64_t start) override;

 private:
  SqlitePool& pool_;
};

}  // namespace veyra::store
