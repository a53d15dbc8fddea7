// What the mock upstream has seen, for tests to assert on: counters of requests and stream
// outcomes, and a snapshot of the last /v1 request. Thread-safe: the server calls these from
// every I/O thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "http/request.h"
#include "http/router.h"

namespace veyra::mock {

class MockStats {
 public:
  // Counts one /v1 request and keeps a copy of it as the last request. Bodies longer than
  // kLastBodyLimit are kept truncated (and reported as such).
  void record_request(const http::Request& request);

  void stream_started() { streams_started_.fetch_add(1, std::memory_order_relaxed); }
  void stream_completed() { streams_completed_.fetch_add(1, std::memory_order_relaxed); }
  void stream_cut() { streams_cut_.fetch_add(1, std::memory_order_relaxed); }
  void stream_client_gone() { streams_client_gone_.fetch_add(1, std::memory_order_relaxed); }

  // {"requests","streams_started","streams_completed","streams_cut","streams_client_gone"}.
  std::string stats_json() const;

  // {"method","path","headers":{lower-cased name: value},"body": parsed JSON or raw string,
  // "body_bytes","body_truncated"}, or {} before the first /v1 request.
  std::string last_request_json() const;

  // Zeroes the counters and forgets the last request.
  void reset();

  static constexpr std::size_t kLastBodyLimit = 1024 * 1024;

 private:
  struct Snapshot {
    std::string method;
    std::string path;
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
    std::string body;
    std::size_t body_bytes = 0;  // before truncation
  };

  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> streams_started_{0};
  std::atomic<std::uint64_t> streams_completed_{0};
  std::atomic<std::uint64_t> streams_cut_{0};
  std::atomic<std::uint64_t> streams_client_gone_{0};

  mutable std::mutex last_mutex_;
  std::shared_ptr<const Snapshot> last_;  // GUARDED_BY(last_mutex_)
};

// GET /_mock/stats, GET /_mock/last and POST /_mock/reset.
// REQUIRES: `stats` outlives the router.
void add_stats_routes(http::Router& router, MockStats& stats);

}  // namespace veyra::mock
