// The streamed chat answer, in OpenAI's chunk sequence.
//
// A cut stream (mock.cut_after = K) sends the role chunk and K content chunks, then ends the
// chunked body cleanly: the client sees the HTTP response finish normally but without a
// finish_reason, a usage chunk or [DONE]; the connection stays usable for keep-alive.
// TODO(mock): a hard cut (a reset in the middle of the chunked body) needs a way to abort
// the connection from a StreamProducer in src/http; until then gateways can only detect the
// missing [DONE].
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "chat_plan.h"

namespace veyra::mock {
namespace {

// An unpaced stream's events are gathered up to this size before a write.
constexpr std::size_t kBatchBytes = 16 * 1024;

// Formats events as `data: <head><tail>\n\n` and hands them to the writer. Every chunk of a
// stream shares its head (id, created, model...), so it is rendered once per stream.
class EventSink {
 public:
  EventSink(http::BodyWriter& writer, std::string head, bool batch)
      : writer_(writer), head_(std::move(head)), batch_(batch) {
    pending_.reserve(batch_ ? kBatchBytes + 1024 : head_.size() + 256);
  }

  // Queues one event and writes when not batching or the batch is full. Returns false once
  // the client is gone.
  boost::asio::awaitable<bool> event(std::string_view tail) {
    pending_.append("data: ").append(head_).append(tail).append("\n\n");
    if (batch_ && pending_.size() < kBatchBytes) co_return true;
    co_return co_await flush();
  }

  boost::asio::awaitable<bool> done() {
    pending_.append("data: [DONE]\n\n");
    co_return co_await flush();
  }

  boost::asio::awaitable<bool> flush() {
    if (pending_.empty()) co_return !writer_.client_gone();
    bool sent = co_await writer_.write(pending_);
    pending_.clear();
    co_return sent;
  }

 private:
  http::BodyWriter& writer_;
  const std::string head_;
  const bool batch_;
  std::string pending_;
};

std::string chunk_head(const ChatPlan& plan) {
  return R"({"id":")" + plan.id + R"(","object":"chat.completion.chunk","created":)" +
         std::to_string(plan.created) + R"(,"model":)" + boost::json::serialize(plan.model) +
         R"(,"system_fingerprint":null,"choices":)";
}

}  // namespace

boost::asio::awaitable<void> produce_stream(std::shared_ptr<const ChatPlan> plan, MockStats& stats,
                                            http::BodyWriter& writer) {
  stats.stream_started();
  const Controls& controls = plan->controls;
  EventSink sink(writer, chunk_head(*plan), controls.chunk_delay_ms == 0);

  bool sent = co_await sink.event(
      R"([{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,)"
      R"("finish_reason":null}]})");
  for (std::size_t i = 0; sent && i < plan->pieces.size(); ++i) {
    if (controls.cut_after && i >= *controls.cut_after) {
      co_await sink.flush();
      stats.stream_cut();
      co_return;
    }
    co_await sleep_ms(controls.chunk_delay_ms);
    sent = co_await sink.event(R"([{"index":0,"delta":{"content":)" +
                               boost::json::serialize(plan->pieces[i]) +
                               R"(},"logprobs":null,"finish_reason":null}]})");
  }

  if (sent) {
    co_await sleep_ms(controls.chunk_delay_ms);
    sent = co_await sink.event(R"([{"index":0,"delta":{},"logprobs":null,"finish_reason":")" +
                               std::string(plan->finish_reason) + R"("}]})");
  }
  if (sent && plan->include_usage) {
    sent =
        co_await sink.event(R"([],"usage":)" + boost::json::serialize(usage_object(*plan)) + "}");
  }
  if (sent) sent = co_await sink.done();

  if (sent) {
    stats.stream_completed();
  } else {
    stats.stream_client_gone();
  }
}

}  // namespace veyra::mock
