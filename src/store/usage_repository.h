// Usage records: one row per model call (chat, embeddings, images, audio), written in batches
// by the gateway's UsageMeter and summed for the dashboard's GET /v1/usage.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace veyra::store {

struct UsageRecord {
  std::string id;  // "usg_" + new_id, assigned by the meter when empty
  std::string request_id;
  std::string user_id;
  std::string session_id;  // empty when the call used an API key
  std::string api_key_id;  // empty when the call used a session
  std::string model;       // the public model id the caller sent
  std::string deployment;  // "provider_id/upstream_model", empty when no deployment was tried
  std::string endpoint;    // chat | embeddings | images | audio
  std::uint64_t prompt_tokens = 0;
  std::uint64_t completion_tokens = 0;
  bool estimated = false;  // counts estimated by Veyra rather than reported by the provider
  unsigned status = 0;     // the HTTP status the caller got
  bool streamed = false;
  bool abandoned = false;  // the caller went away before the answer ended
  std::int64_t latency_ms = 0;
  std::int64_t ttfb_ms = -1;    // time to the first byte of the answer; -1 when none came
  std::int64_t created_at = 0;  // Unix seconds
};

// How summarize() groups records.
enum class UsageGrouping {
  model,    // by the public model id the caller sent
  api_key,  // by API key id; calls made with a session form the group kUsageSessionGroup
  day,      // by the UTC calendar day of created_at, "YYYY-MM-DD"
};

// The api_key group of calls made with a session rather than a key. Key ids start with
// "key_", so no key can share this name.
inline constexpr std::string_view kUsageSessionGroup = "session";

struct UsageGroup {
  std::string group;
  std::uint64_t requests = 0, prompt_tokens = 0, completion_tokens = 0;

  bool operator==(const UsageGroup&) const = default;
};

// Every method blocks (run it on the blocking pool) and is safe from several threads.
class UsageRepository {
 public:
  virtual ~UsageRepository() = default;

  // Inserts `records` in one transaction: all of them or, on failure, none. A record whose id
  // is already stored is skipped, so a batch retried after an uncertain failure (the commit
  // reached the database but its answer did not) is not counted twice.
  virtual Status insert(std::span<const UsageRecord> records) = 0;

  // The records of `user_id` with start <= created_at < end, grouped by `grouping`; one
  // UsageGroup per group with at least one record, sorted by name (bytewise). For api_key
  // grouping, calls made with a session are grouped under kUsageSessionGroup ("session");
  // day groups are "YYYY-MM-DD" in UTC. Empty when end <= start.
  virtual Result<std::vector<UsageGroup>> summarize(std::string_view user_id, std::int64_t start,
                                                    std::int64_t end, UsageGrouping grouping) = 0;

  // Every user's tokens (prompt plus completion) in records created at or after `start`,
  // one UsageGroup per user (group = user id), for the monthly quota loaded at start.
  virtual Result<std::vector<UsageGroup>> totals_since(std::int64_t start) = 0;
};

}  // namespace veyra::store
