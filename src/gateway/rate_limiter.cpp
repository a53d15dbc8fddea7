#include "gateway/rate_limiter.h"

#include <algorithm>
#include <array>
#include <functional>
#include <mutex>
#include <unordered_map>

namespace veyra::gateway {

namespace {

constexpr std::int64_t kMinuteMs = 60'000;  // for reset_header_value
constexpr std::size_t kShardCount = 16;

// Costs are capped so that a cost times a minute in nanoseconds fits in 64 bits; no real
// charge comes near.
constexpr std::uint64_t kMaxCost = 100'000'000;
constexpr std::int64_t kMinuteNs = 60'000'000'000;
constexpr std::int64_t kNsPerMs = 1'000'000;

// GCRA with nanosecond time, so that limits far above 60,000 a minute stay exact: `tat` is
// when the key's budget would be whole again if nothing else came.
struct Gcra {
  std::uint64_t limit;

  // Nanoseconds that `cost` units occupy, rounded up.
  std::int64_t span(std::uint64_t cost) const {
    std::uint64_t product = std::min(cost, kMaxCost) * static_cast<std::uint64_t>(kMinuteNs);
    return static_cast<std::int64_t>((product + limit - 1) / limit);
  }
  // Whole units still free when the tat is `tat` (for headers: a double is exact enough).
  std::uint64_t free_units(std::int64_t tat, std::int64_t now) const {
    std::int64_t used = std::max<std::int64_t>(tat - now, 0);
    if (used >= kMinuteNs) return 0;
    double free = static_cast<double>(kMinuteNs - used) * static_cast<double>(limit) /
                  static_cast<double>(kMinuteNs);
    return std::min<std::uint64_t>(static_cast<std::uint64_t>(free + 1e-6), limit);
  }
};

std::int64_t to_ms_ceil(std::int64_t ns) {
  return (ns + kNsPerMs - 1) / kNsPerMs;
}

// Hashes and compares std::string keys and string_view probes alike (no copy per lookup).
struct KeyHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
};

}  // namespace

struct MemoryRateLimiter::Shards {
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, std::int64_t, KeyHash, std::equal_to<>> tat;  // GUARDED_BY
  };
  std::array<Shard, kShardCount> shard;

  Shard& of(std::string_view key) {
    return shard[std::hash<std::string_view>{}(key) % kShardCount];
  }
};

MemoryRateLimiter::MemoryRateLimiter() : shards_(std::make_unique<Shards>()) {}

MemoryRateLimiter::~MemoryRateLimiter() = default;

RateDecision MemoryRateLimiter::charge(std::string_view key, std::uint64_t per_minute,
                                       std::uint64_t cost, std::int64_t now_ms) {
  RateDecision decision;
  if (per_minute == 0) return decision;
  decision.limit = per_minute;
  Gcra gcra{per_minute};
  const std::int64_t now = now_ms * kNsPerMs;

  auto& shard = shards_->of(key);
  std::lock_guard lock(shard.mutex);
  auto found = shard.tat.find(key);
  std::int64_t tat = found == shard.tat.end() ? now : std::max(found->second, now);

  std::int64_t new_tat = tat + gcra.span(cost);
  if (cost > per_minute || new_tat - now > kMinuteNs) {
    decision.allowed = false;
    decision.remaining = gcra.free_units(tat, now);
    decision.reset_ms = to_ms_ceil(tat - now);
    decision.retry_after_ms =
        cost > per_minute ? kMinuteNs / kNsPerMs : to_ms_ceil(new_tat - now - kMinuteNs);
    return decision;
  }
  if (found == shard.tat.end()) {
    shard.tat.emplace(std::string(key), new_tat);
  } else {
    found->second = new_tat;
  }
  decision.remaining = gcra.free_units(new_tat, now);
  decision.reset_ms = to_ms_ceil(new_tat - now);
  return decision;
}

void MemoryRateLimiter::charge_after(std::string_view key, std::uint64_t per_minute,
                                     std::uint64_t cost, std::int64_t now_ms) {
  if (per_minute == 0 || cost == 0) return;
  Gcra gcra{per_minute};
  const std::int64_t now = now_ms * kNsPerMs;
  auto& shard = shards_->of(key);
  std::lock_guard lock(shard.mutex);
  auto entry = shard.tat.find(key);
  if (entry == shard.tat.end()) entry = shard.tat.emplace(std::string(key), now).first;
  entry->second = std::max(entry->second, now) + gcra.span(cost);
}

std::size_t MemoryRateLimiter::prune(std::int64_t now_ms) {
  std::size_t remaining = 0;
  for (auto& shard : shards_->shard) {
    std::lock_guard lock(shard.mutex);
    std::erase_if(shard.tat,
                  [now_ms](const auto& entry) { return entry.second <= now_ms * kNsPerMs; });
    remaining += shard.tat.size();
  }
  return remaining;
}

std::string reset_header_value(std::int64_t ms) {
  if (ms <= 0) return "0s";
  if (ms < 1000) return std::to_string(ms) + "ms";
  std::int64_t minutes = ms / kMinuteMs;
  std::int64_t rest_ms = ms % kMinuteMs;
  std::string seconds = std::to_string(rest_ms / 1000);
  if (rest_ms % 1000 != 0) {
    std::string fraction = std::to_string(rest_ms % 1000);
    fraction.insert(0, 3 - fraction.size(), '0');
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    seconds += "." + fraction;
  }
  return minutes > 0 ? std::to_string(minutes) + "m" + seconds + "s" : seconds + "s";
}

}  // namespace veyra::gateway
