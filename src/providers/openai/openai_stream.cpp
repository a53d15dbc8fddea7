#include "providers/openai/openai_stream.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "providers/builtin/echo_model.h"
#include "providers/usage_estimate.h"

namespace veyra::providers::openai {

namespace {

constexpr std::size_t kMaxProviderMessage = 1000;

std::uint64_t number_member(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr) return 0;
  if (value->is_uint64()) return value->get_uint64();
  if (value->is_int64() && value->get_int64() > 0)
    return static_cast<std::uint64_t>(value->get_int64());
  return 0;
}

Error stream_error(const boost::json::value& error) {
  std::string message = "The provider failed during the stream.";
  if (const auto* object = error.if_object()) {
    if (const auto* text = object->if_contains("message"); text && text->is_string()) {
      std::string detail(text->get_string());
      if (detail.size() > kMaxProviderMessage) detail.resize(kMaxProviderMessage);
      message = "The provider failed during the stream: " + detail;
    }
  }
  return make_error(ErrorCode::upstream_error, std::move(message));
}

}  // namespace

ChunkOutcome ChunkRewriter::rewrite(std::string_view data) {
  ChunkOutcome outcome;
  if (data == "[DONE]") {
    outcome.kind = ChunkOutcome::Kind::done;
    return outcome;
  }
  // A chunk is a few hundred bytes: its values fit in a stack arena, with no allocation.
  unsigned char arena[4096];
  boost::json::monotonic_resource memory(arena, sizeof arena);
  boost::system::error_code ec;
  auto value = boost::json::parse(data, ec, &memory);
  if (ec || !value.is_object()) {
    outcome.kind = ChunkOutcome::Kind::error;
    outcome.error = make_error(ErrorCode::upstream_error, "The provider sent a malformed chunk.");
    return outcome;
  }
  auto& chunk = value.get_object();
  if (const auto* error = chunk.if_contains("error")) {
    outcome.kind = ChunkOutcome::Kind::error;
    outcome.error = stream_error(*error);
    return outcome;
  }

  if (chunk.contains("model")) chunk["model"] = public_model_;
  bool usage_only = false;
  if (auto* usage = chunk.if_contains("usage"); usage != nullptr && usage->is_object()) {
    const auto& counts = usage->get_object();
    usage_.prompt_tokens = number_member(counts, "prompt_tokens");
    usage_.completion_tokens = number_member(counts, "completion_tokens");
    usage_.reported = true;
    usage_reported_ = true;
    const auto* choices = chunk.if_contains("choices");
    usage_only = choices == nullptr || (choices->is_array() && choices->get_array().empty());
    if (!include_usage_) {
      if (usage_only) return outcome;  // skip: Veyra asked for it, the caller did not
      chunk.erase("usage");
    }
  }

  if (auto* choices = chunk.if_contains("choices"); choices != nullptr && choices->is_array()) {
    for (const auto& choice : choices->get_array()) {
      const auto* object = choice.if_object();
      if (object == nullptr) continue;
      if (const auto* reason = object->if_contains("finish_reason"); reason && !reason->is_null()) {
        finish_seen_ = true;
      }
      const auto* delta = object->if_contains("delta");
      if (delta == nullptr || !delta->is_object()) continue;
      if (const auto* content = delta->get_object().if_contains("content");
          content != nullptr && content->is_string()) {
        streamed_tokens_ += builtin::count_tokens(content->get_string());
      }
    }
  }
  outcome.kind = ChunkOutcome::Kind::send;
  outcome.chunk = boost::json::serialize(chunk);
  return outcome;
}

OpenAiChatStream::OpenAiChatStream(std::unique_ptr<http::UpstreamResponse> response,
                                   const ModelCall& call)
    : response_(std::move(response)),
      rewriter_(std::string(call.public_model), call.include_usage),
      request_(call.body) {}

boost::asio::awaitable<Result<std::optional<std::string>>> OpenAiChatStream::next() {
  while (!ended_) {
    while (auto event = parser_.next()) {
      ChunkOutcome outcome = rewriter_.rewrite(event->data);
      switch (outcome.kind) {
        case ChunkOutcome::Kind::send:
          co_return std::optional<std::string>(std::move(outcome.chunk));
        case ChunkOutcome::Kind::skip:
          continue;
        case ChunkOutcome::Kind::done:
          ended_ = true;
          co_return std::optional<std::string>();
        case ChunkOutcome::Kind::error:
          ended_ = true;
          response_->cancel();
          co_return outcome.error;
      }
    }
    if (parser_.failed()) {
      ended_ = true;
      response_->cancel();
      co_return make_error(ErrorCode::upstream_error, "The provider sent an oversized event.");
    }

    auto piece = co_await response_->read_some();
    if (!piece) {
      ended_ = true;
      co_return std::move(piece).error();
    }
    if (piece->empty()) {
      // Some servers end without [DONE]; a stream that finished its choices is still whole.
      ended_ = true;
      if (rewriter_.finish_seen() && !parser_.has_partial_event()) {
        co_return std::optional<std::string>();
      }
      co_return make_error(ErrorCode::upstream_error,
                           "The provider's stream ended before the answer was complete.");
    }
    parser_.feed(*piece);
  }
  co_return std::optional<std::string>();
}

Usage OpenAiChatStream::usage() const {
  if (rewriter_.usage_reported()) return rewriter_.reported_usage();
  Usage estimate;
  estimate.prompt_tokens = request_ != nullptr ? estimate_chat_prompt_tokens(*request_) : 0;
  estimate.completion_tokens = rewriter_.streamed_tokens();
  return estimate;
}

}  // namespace veyra::providers::openai
