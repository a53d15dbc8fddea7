#include "auth/login_throttle.h"

namespace veyra::auth {

LoginThrottle::LoginThrottle(const Clock& clock, LoginThrottleLimits limits)
    : clock_(clock), limits_(limits) {}

std::int64_t LoginThrottle::wait_for(Failures& failures, unsigned limit, std::int64_t now) const {
  while (!failures.empty() && failures.front() <= now - limits_.window_seconds) {
    failures.pop_front();
  }
  if (failures.size() < limit) return 0;
  // Blocked until the oldest failure that keeps the count at the limit leaves the window.
  std::int64_t frees_at = failures[failures.size() - limit] + limits_.window_seconds;
  return frees_at > now ? frees_at - now : 1;
}

std::int64_t LoginThrottle::retry_after(std::string_view email_key, std::string_view address) {
  std::int64_t now = clock_.now();
  std::lock_guard lock(mutex_);
  std::int64_t wait = 0;
  if (auto it = by_email_.find(std::string(email_key)); it != by_email_.end()) {
    wait = std::max(wait, wait_for(it->second, limits_.failures_per_email, now));
  }
  if (auto it = by_address_.find(std::string(address)); it != by_address_.end()) {
    wait = std::max(wait, wait_for(it->second, limits_.failures_per_address, now));
  }
  return wait;
}

void LoginThrottle::record_failure(std::string_view email_key, std::string_view address) {
  std::int64_t now = clock_.now();
  std::lock_guard lock(mutex_);
  by_email_[std::string(email_key)].push_back(now);
  by_address_[std::string(address)].push_back(now);
  if (now - last_prune_ > limits_.window_seconds) prune_all(now);
}

void LoginThrottle::record_success(std::string_view email_key) {
  std::lock_guard lock(mutex_);
  by_email_.erase(std::string(email_key));
}

void LoginThrottle::prune_all(std::int64_t now) {
  // Keeps memory bounded by the attempts of one window, whatever the number of keys tried.
  for (auto* map : {&by_email_, &by_address_}) {
    for (auto it = map->begin(); it != map->end();) {
      Failures& failures = it->second;
      while (!failures.empty() && failures.front() <= now - limits_.window_seconds) {
        failures.pop_front();
      }
      it = failures.empty() ? map->erase(it) : std::next(it);
    }
  }
  last_prune_ = now;
}

}  // namespace veyra::auth
