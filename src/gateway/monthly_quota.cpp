#include "gateway/monthly_quota.h"

#include "core/calendar.h"

namespace veyra::gateway {

Status MonthlyQuota::load(store::UsageRepository& usage) {
  std::int64_t start = month_start_utc(clock_.now());
  auto totals = usage.totals_since(start);
  if (!totals) return std::move(totals).error();
  std::lock_guard lock(mutex_);
  month_start_ = start;
  used_.clear();
  for (const store::UsageGroup& group : *totals) {
    used_[group.group] = group.prompt_tokens + group.completion_tokens;
  }
  return {};
}

void MonthlyQuota::roll_over() {
  std::int64_t start = month_start_utc(clock_.now());
  if (start != month_start_) {
    month_start_ = start;
    used_.clear();
  }
}

std::uint64_t MonthlyQuota::used(std::string_view user_id) {
  std::lock_guard lock(mutex_);
  roll_over();
  auto found = used_.find(user_id);
  return found == used_.end() ? 0 : found->second;
}

void MonthlyQuota::add(std::string_view user_id, std::uint64_t tokens) {
  if (tokens == 0) return;
  std::lock_guard lock(mutex_);
  roll_over();
  auto found = used_.find(user_id);
  if (found == used_.end()) {
    used_.emplace(std::string(user_id), tokens);
  } else {
    found->second += tokens;
  }
}

std::int64_t MonthlyQuota::seconds_to_reset() const {
  std::int64_t now = clock_.now();
  return next_month_start_utc(now) - now;
}

}  // namespace veyra::gateway
