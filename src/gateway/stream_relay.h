// The end of a model call: its usage record, and for streams the relay that sends a started
// chat stream to the caller as server-sent events.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "core/clock.h"
#include "http/request.h"
#include "http/response.h"
#include "providers/provider.h"
#include "store/usage_repository.h"

namespace veyra::gateway {

class UsageMeter;

// What the gateway knows of one call, completed into its usage record when the call ends.
struct CallRecord {
  std::chrono::steady_clock::time_point started;
  std::optional<std::chrono::steady_clock::time_point> first_byte;
  store::UsageRecord usage;  // identity, model, deployment, endpoint and status filled in
  std::function<void(std::uint64_t tokens)> on_tokens;  // the call's, when it has one
};

// Fills in the counts, the timings and the creation time, and hands the record to `meter`.
void submit_usage(UsageMeter& meter, const Clock& clock, CallRecord& record,
                  const providers::Usage& usage);

// Sends each chunk as `data: {...}` as soon as the provider yields it and ends with
// `data: [DONE]`; a failure after the start becomes one `data: {"error": ...}` event and the
// end of the stream. Stops reading the provider when the caller goes away. Records the call's
// usage once, however it ends. Runs on the caller's connection strand.
class StreamRelay {
 public:
  // `meter`, `clock` and `client` (may be null) must outlive run().
  StreamRelay(std::unique_ptr<providers::ChatStream> stream, CallRecord record, UsageMeter& meter,
              const Clock& clock, http::ClientWatch* client);

  boost::asio::awaitable<void> run(http::BodyWriter& writer);

 private:
  std::unique_ptr<providers::ChatStream> stream_;
  CallRecord record_;
  UsageMeter& meter_;
  const Clock& clock_;
  http::ClientWatch* client_;
};

}  // namespace veyra::gateway
