#include "gateway/stream_relay.h"

#include <string>

#include "gateway/usage_meter.h"
#include "http/sse.h"

namespace veyra::gateway {

namespace {

using SteadyClock = std::chrono::steady_clock;

std::int64_t ms_between(SteadyClock::time_point from, SteadyClock::time_point to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

}  // namespace

void submit_usage(UsageMeter& meter, const Clock& clock, CallRecord& record,
                  const providers::Usage& usage) {
  auto now = SteadyClock::now();
  record.usage.prompt_tokens = usage.prompt_tokens;
  record.usage.completion_tokens = usage.completion_tokens;
  record.usage.estimated = !usage.reported;
  record.usage.latency_ms = ms_between(record.started, now);
  record.usage.ttfb_ms = record.first_byte ? ms_between(record.started, *record.first_byte) : -1;
  record.usage.created_at = clock.now();
  if (record.on_tokens) record.on_tokens(usage.prompt_tokens + usage.completion_tokens);
  meter.record(std::move(record.usage));
}

StreamRelay::StreamRelay(std::unique_ptr<providers::ChatStream> stream, CallRecord record,
                         UsageMeter& meter, const Clock& clock, http::ClientWatch* client)
    : stream_(std::move(stream)),
      record_(std::move(record)),
      meter_(meter),
      clock_(clock),
      client_(client) {}

boost::asio::awaitable<void> StreamRelay::run(http::BodyWriter& writer) {
  std::string event;
  bool ended = false;
  while (true) {
    auto chunk = co_await stream_->next();
    if (!chunk) {
      // Mid-stream failure: the status line is long gone, so the error travels in the stream.
      if (!writer.client_gone()) {
        event.clear();
        http::append_sse_event(event, error_body(chunk.error()));
        co_await writer.write(event);
      }
      break;
    }
    if (!*chunk) {
      event.clear();
      http::append_sse_event(event, "[DONE]");
      ended = co_await writer.write(event);
      break;
    }
    if (!record_.first_byte) record_.first_byte = SteadyClock::now();
    event.clear();
    http::append_sse_event(event, **chunk);
    if (!co_await writer.write(event)) break;
  }

  record_.usage.abandoned =
      !ended && (writer.client_gone() || (client_ != nullptr && client_->client_gone()));
  submit_usage(meter_, clock_, record_, stream_->usage());
}

}  // namespace veyra::gateway
