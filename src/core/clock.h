// Time as services see it. Production uses SystemClock; tests pass a FakeClock they move.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace veyra {

class Clock {
 public:
  virtual ~Clock() = default;
  // Unix seconds. Thread-safe.
  virtual std::int64_t now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t now() const override {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that stands still until told otherwise. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::int64_t start) : now_(start) {}
  std::int64_t now() const override { return now_.load(); }
  void advance(std::int64_t seconds) { now_ += seconds; }
  void set(std::int64_t seconds) { now_ = seconds; }

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace veyra
