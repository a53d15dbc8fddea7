// Slows down password guessing: counts failed sign-ins per email and per client address in
// a sliding window and refuses further attempts once a limit is reached. In memory, so
// each node counts alone; the multi-node issue moves the counters to Redis behind this class.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"

namespace veyra::auth {

struct LoginThrottleLimits {
  unsigned failures_per_email = 5;
  unsigned failures_per_address = 20;
  std::int64_t window_seconds = 15 * 60;
};

class LoginThrottle {
 public:
  LoginThrottle(const Clock& clock, LoginThrottleLimits limits = {});

  // Seconds to wait before another attempt for this email or address may be made; 0 when
  // one may be made now. `email_key` is the lower-cased email. Thread-safe.
  std::int64_t retry_after(std::string_view email_key, std::string_view address);

  // Counts a failed attempt against both keys. Thread-safe.
  void record_failure(std::string_view email_key, std::string_view address);

  // Forgets the email's failures after a successful sign-in. Thread-safe.
  void record_success(std::string_view email_key);

 private:
  using Failures = std::deque<std::int64_t>;  // times, oldest first

  // Drops entries older than the window; returns the wait for `failures` against `limit`.
  std::int64_t wait_for(Failures& failures, unsigned limit, std::int64_t now) const;
  void prune_all(std::int64_t now);

  const Clock& clock_;
  const LoginThrottleLimits limits_;
  std::mutex mutex_;
  std::unordered_map<std::string, Failures> by_email_;    // GUARDED_BY(mutex_)
  std::unordered_map<std::string, Failures> by_address_;  // GUARDED_BY(mutex_)
  std::int64_t last_prune_ = 0;                           // GUARDED_BY(mutex_)
};

}  // namespace veyra::auth
