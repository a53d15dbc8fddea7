// Requests-per-minute and tokens-per-minute limits with the generic cell rate algorithm
// (GCRA): each key keeps one timestamp, the "theoretical arrival time" of its next unit, so
// a limit is exact, smooth (no burst at a window edge) and costs O(1) memory per key. The
// same arithmetic runs as one atomic Redis script when several nodes share limits (a later
// issue); callers see only the RateLimiter interface.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace veyra::gateway {

// The outcome of one check, with what OpenAI-style x-ratelimit-* headers report.
struct RateDecision {
  bool allowed = true;
  std::uint64_t limit = 0;          // units per minute
  std::uint64_t remaining = 0;      // units still available now, after this charge if allowed
  std::int64_t reset_ms = 0;        // until the budget is whole again
  std::int64_t retry_after_ms = 0;  // when refused: until `cost` units would fit
};

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;

  // Charges `cost` units to `key` under a limit of `per_minute` units a minute when they fit,
  // and says so; a refused charge changes nothing. `per_minute` 0 means unlimited (always
  // allowed, limit 0). A cost above the whole limit is refused with retry_after_ms of a
  // minute. Thread-safe.
  virtual RateDecision charge(std::string_view key, std::uint64_t per_minute, std::uint64_t cost,
                              std::int64_t now_ms) = 0;

  // Charges `cost` units whether or not they fit (tokens known only after a call): the key
  // then stays refused until its debt is paid back. Thread-safe.
  virtual void charge_after(std::string_view key, std::uint64_t per_minute, std::uint64_t cost,
                            std::int64_t now_ms) = 0;
};

// The single-node limiter: keys in sharded maps behind their own mutexes. Keys unused for a
// minute hold a full budget and are dropped by prune().
class MemoryRateLimiter final : public RateLimiter {
 public:
  MemoryRateLimiter();
  ~MemoryRateLimiter() override;

  RateDecision charge(std::string_view key, std::uint64_t per_minute, std::uint64_t cost,
                      std::int64_t now_ms) override;
  void charge_after(std::string_view key, std::uint64_t per_minute, std::uint64_t cost,
                    std::int64_t now_ms) override;

  // Forgets keys whose budget is whole at `now_ms`; returns how many remain.
  std::size_t prune(std::int64_t now_ms);

 private:
  struct Shards;
  std::unique_ptr<Shards> shards_;
};

// "6m0s", "1.5s", "20ms": the duration format of OpenAI's x-ratelimit-reset-* headers.
std::string reset_header_value(std::int64_t ms);

}  // namespace veyra::gateway
