// Process-wide counters for GET /metrics in the Prometheus text format (version 0.0.4).
// Recording is lock-free (atomics in slots fixed at start); rendering walks the slots.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace veyra {

// Requests by route and status, a latency histogram per route, and requests in flight.
// Routes are fixed when the router is built; status codes 100..599 each get a slot.
class HttpMetrics {
 public:
  static constexpr std::array<double, 14> kBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0};

  // `routes` are {method, pattern} labels; route index i refers to routes[i].
  explicit HttpMetrics(std::vector<std::pair<std::string, std::string>> routes);

  // Thread-safe. `route` is an index given to the constructor.
  void observe(std::size_t route, unsigned status, double seconds, std::uint64_t bytes_in,
               std::uint64_t bytes_out);

  void request_started() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void request_finished() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }
  std::int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

  // Appends this family's lines to `out`.
  void render(std::string& out) const;

 private:
  struct RouteSlots {
    std::array<std::atomic<std::uint64_t>, 500> by_status{};  // index status - 100
    std::array<std::atomic<std::uint64_t>, kBuckets.size()> buckets{};
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_micros{0};
  };

  std::vector<std::pair<std::string, std::string>> labels_;
  std::unique_ptr<RouteSlots[]> slots_;
  std::atomic<std::int64_t> in_flight_{0};
  std::atomic<std::uint64_t> bytes_in_{0};
  std::atomic<std::uint64_t> bytes_out_{0};
};

// The /metrics document: HTTP metrics plus gauges and counters read on demand from their
// owners (blocking pool depth, usage queue, ...). Register everything before serving.
class MetricsRegistry {
 public:
  // `read` is called on the rendering thread and must be thread-safe.
  void add_gauge(std::string name, std::string help, std::function<double()> read);
  void add_counter(std::string name, std::string help, std::function<double()> read);
  void set_http(const HttpMetrics* http) { http_ = http; }

  std::string render() const;

 private:
  struct Family {
    std::string name;
    std::string help;
    std::string type;
    std::function<double()> read;
  };
  std::vector<Family> families_;
  const HttpMetrics* http_ = nullptr;
};

}  // namespace veyra
