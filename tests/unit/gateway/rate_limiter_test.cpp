#include "gateway/rate_limiter.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace veyra::gateway {
namespace {

constexpr std::int64_t kStart = 1'700'000'000'000;

TEST(MemoryRateLimiter, AllowsTheLimitAtOnceThenRefuses) {
  MemoryRateLimiter limiter;

  for (int i = 0; i < 60; ++i) {
    RateDecision decision = limiter.charge("user", 60, 1, kStart);
    ASSERT_TRUE(decision.allowed) << i;
    EXPECT_EQ(decision.remaining, static_cast<std::uint64_t>(59 - i));
  }
  RateDecision refused = limiter.charge("user", 60, 1, kStart);

  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.limit, 60u);
  EXPECT_EQ(refused.remaining, 0u);
  EXPECT_EQ(refused.retry_after_ms, 1000);
  EXPECT_EQ(refused.reset_ms, 60'000);
}

TEST(MemoryRateLimiter, OneUnitComesBackPerIntervalNotAWholeWindowAtOnce) {
  MemoryRateLimiter limiter;
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(limiter.charge("user", 60, 1, kStart).allowed);

  EXPECT_FALSE(limiter.charge("user", 60, 1, kStart + 999).allowed);
  EXPECT_TRUE(limiter.charge("user", 60, 1, kStart + 1000).allowed);
  EXPECT_FALSE(limiter.charge("user", 60, 1, kStart + 1000).allowed);
}

TEST(MemoryRateLimiter, ARefusedChargeCostsNothing) {
  MemoryRateLimiter limiter;
  ASSERT_TRUE(limiter.charge("user", 10, 10, kStart).allowed);

  for (int i = 0; i < 100; ++i) EXPECT_FALSE(limiter.charge("user", 10, 1, kStart).allowed);

  EXPECT_TRUE(limiter.charge("user", 10, 1, kStart + 6000).allowed);
}

TEST(MemoryRateLimiter, KeysAreIndependentAndZeroMeansUnlimited) {
  MemoryRateLimiter limiter;
  ASSERT_TRUE(limiter.charge("a", 1, 1, kStart).allowed);

  EXPECT_FALSE(limiter.charge("a", 1, 1, kStart).allowed);
  EXPECT_TRUE(limiter.charge("b", 1, 1, kStart).allowed);
  RateDecision unlimited = limiter.charge("c", 0, 1'000'000, kStart);
  EXPECT_TRUE(unlimited.allowed);
  EXPECT_EQ(unlimited.limit, 0u);
}

TEST(MemoryRateLimiter, ACostAboveTheWholeLimitIsRefusedForAMinute) {
  MemoryRateLimiter limiter;

  RateDecision decision = limiter.charge("tokens", 1000, 1001, kStart);

  EXPECT_FALSE(decision.allowed);
  EXPECT_EQ(decision.retry_after_ms, 60'000);
  EXPECT_EQ(decision.remaining, 1000u);
}

TEST(MemoryRateLimiter, ChargesAfterTheFactPutTheKeyInDebt) {
  MemoryRateLimiter limiter;

  limiter.charge_after("tokens", 1000, 3000, kStart);  // three minutes' worth at once

  RateDecision refused = limiter.charge("tokens", 1000, 0, kStart + 60'000);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_ms, 60'000);
  EXPECT_TRUE(limiter.charge("tokens", 1000, 0, kStart + 120'000).allowed);
}

TEST(MemoryRateLimiter, LimitsAboveOnePerMillisecondStayExact) {
  MemoryRateLimiter limiter;

  int allowed = 0;
  while (limiter.charge("fast", 600'000, 1, kStart).allowed) ++allowed;

  EXPECT_EQ(allowed, 600'000);
}

TEST(MemoryRateLimiter, ConcurrentChargesNeverExceedTheLimit) {
  MemoryRateLimiter limiter;
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;

  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (limiter.charge("shared", 500, 1, kStart).allowed) ++allowed;
      }
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(allowed.load(), 500);
}

TEST(MemoryRateLimiter, PruneForgetsWholeBudgets) {
  MemoryRateLimiter limiter;
  ASSERT_TRUE(limiter.charge("a", 60, 1, kStart).allowed);
  ASSERT_TRUE(limiter.charge("b", 60, 30, kStart).allowed);

  EXPECT_EQ(limiter.prune(kStart + 1000), 1u);
  EXPECT_EQ(limiter.prune(kStart + 30'000), 0u);
}

TEST(ResetHeaderValue, FollowsOpenAisDurationFormat) {
  EXPECT_EQ(reset_header_value(0), "0s");
  EXPECT_EQ(reset_header_value(20), "20ms");
  EXPECT_EQ(reset_header_value(1000), "1s");
  EXPECT_EQ(reset_header_value(1500), "1.5s");
  EXPECT_EQ(reset_header_value(360'000), "6m0s");
  EXPECT_EQ(reset_header_value(61'250), "1m1.25s");
}

}  // namespace
}  // namespace veyra::gateway
