// The tokens each account has used in the current UTC calendar month, in memory: loaded from
// the usage records at start, then counted as calls end, so the quota check of a model call
// touches no database. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "core/result.h"
#include "store/usage_repository.h"

namespace veyra::gateway {

class MonthlyQuota {
 public:
  explicit MonthlyQuota(const Clock& clock) : clock_(clock) {}

  // Reads this month's totals per account. Blocks (database): call at start.
  Status load(store::UsageRepository& usage);

  // Tokens `user_id` has used this month (0 after the month turns).
  std::uint64_t used(std::string_view user_id);

  // Counts tokens of a call that ended.
  void add(std::string_view user_id, std::uint64_t tokens);

  // Seconds until the month turns and every account starts again.
  std::int64_t seconds_to_reset() const;

 private:
  // Starts a new month when the clock has crossed into one. REQUIRES: mutex_ held.
  void roll_over();

  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>{}(key);
    }
  };

  const Clock& clock_;
  std::mutex mutex_;
  std::int64_t month_start_ = 0;  // GUARDED_BY(mutex_)
  std::unordered_map<std::string, std::uint64_t, Hash, std::equal_to<>> used_;  // GUARDED_BY
};

}  // namespace veyra::gateway
