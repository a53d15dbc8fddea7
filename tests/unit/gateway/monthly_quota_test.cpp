#include "gateway/monthly_quota.h"

#include <gtest/gtest.h>

namespace veyra::gateway {
namespace {

// 2024-02-29 12:00:00 UTC; March starts 1'709'251'200.
constexpr std::int64_t kLeapDay = 1'709'208'000;

class NoUsage final : public store::UsageRepository {
 public:
  Status insert(std::span<const store::UsageRecord>) override { return {}; }
  Result<std::vector<store::UsageGroup>> summarize(std::string_view, std::int64_t, std::int64_t,
                                                   store::UsageGrouping) override {
    return std::vector<store::UsageGroup>{};
  }
  Result<std::vector<store::UsageGroup>> totals_since(std::int64_t start) override {
    since = start;
    return std::vector<store::UsageGroup>{{"usr_ann", 3, 100, 20}};
  }
  std::int64_t since = -1;
};

TEST(MonthlyQuota, LoadsThisMonthsTotalsAndCountsCallsOnTop) {
  FakeClock clock(kLeapDay);
  NoUsage usage;
  MonthlyQuota quota(clock);

  ASSERT_TRUE(quota.load(usage).ok());
  quota.add("usr_ann", 30);
  quota.add("usr_bob", 5);

  EXPECT_EQ(usage.since, 1'706'745'600);  // 2024-02-01
  EXPECT_EQ(quota.used("usr_ann"), 150u);
  EXPECT_EQ(quota.used("usr_bob"), 5u);
  EXPECT_EQ(quota.used("usr_nobody"), 0u);
  EXPECT_EQ(quota.seconds_to_reset(), 1'709'251'200 - kLeapDay);
}

TEST(MonthlyQuota, ANewMonthStartsEveryAccountAgain) {
  FakeClock clock(kLeapDay);
  NoUsage usage;
  MonthlyQuota quota(clock);
  ASSERT_TRUE(quota.load(usage).ok());

  clock.set(1'709'251'200);  // 2024-03-01 00:00:00

  EXPECT_EQ(quota.used("usr_ann"), 0u);
  quota.add("usr_ann", 7);
  EXPECT_EQ(quota.used("usr_ann"), 7u);
}

}  // namespace
}  // namespace veyra::gateway
