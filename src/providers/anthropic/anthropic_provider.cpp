#include "providers/anthropic/anthropic_provider.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <deque>

#include "http/sse.h"
#include "providers/anthropic/translate.h"

namespace veyra::providers::anthropic {

namespace {

constexpr std::size_t kMaxAnswerBytes = 32 * 1024 * 1024;
constexpr std::size_t kMaxErrorBytes = 64 * 1024;

std::uint64_t count_member(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr) return 0;
  if (value->is_uint64()) return value->get_uint64();
  if (value->is_int64() && value->get_int64() > 0)
    return static_cast<std::uint64_t>(value->get_int64());
  return 0;
}

// Anthropic's events, translated into chat chunks as they arrive.
class AnthropicChatStream final : public ChatStream {
 public:
  AnthropicChatStream(std::unique_ptr<http::UpstreamResponse> response, const ModelCall& call,
                      std::int64_t created)
      : response_(std::move(response)),
        translator_(std::string(call.public_model), created, call.include_usage) {}

  boost::asio::awaitable<Result<std::optional<std::string>>> next() override {
    while (true) {
      if (!pending_.empty()) {
        std::string chunk = boost::json::serialize(pending_.front());
        pending_.pop_front();
        co_return std::optional<std::string>(std::move(chunk));
      }
      if (translator_.finished() || ended_) co_return std::optional<std::string>();

      while (auto event = parser_.next()) {
        std::vector<boost::json::object> chunks;
        auto consumed = translator_.on_event(event->event, event->data, chunks);
        for (auto& chunk : chunks) pending_.push_back(std::move(chunk));
        if (!consumed) {
          ended_ = true;
          response_->cancel();
          if (pending_.empty()) co_return consumed.error();
          failure_ = consumed.error();
          break;
        }
      }
      if (failure_ && pending_.empty()) co_return *failure_;
      if (!pending_.empty() || translator_.finished()) continue;
      if (parser_.failed()) {
        response_->cancel();
        co_return make_error(ErrorCode::upstream_error, "The provider sent an oversized event.");
      }

      auto piece = co_await response_->read_some();
      if (!piece) co_return std::move(piece).error();
      if (piece->empty()) {
        co_return make_error(ErrorCode::upstream_error,
                             "The provider's stream ended before the answer was complete.");
      }
      parser_.feed(*piece);
    }
  }

  Usage usage() const override {
    const auto& seen = translator_.usage();
    return Usage{seen.prompt_tokens, seen.completion_tokens, seen.reported};
  }

 private:
  std::unique_ptr<http::UpstreamResponse> response_;
  http::SseParser parser_;
  StreamTranslator translator_;
  std::deque<boost::json::object> pending_;
  std::optional<Error> failure_;
  bool ended_ = false;
};

}  // namespace

AnthropicProvider::AnthropicProvider(const ProviderConfig& config, std::uint32_t default_max_tokens,
                                     http::UpstreamClient& client, const Clock& clock)
    : api_key_(config.api_key),
      default_max_tokens_(default_max_tokens),
      client_(client),
      clock_(clock) {
  std::string base = config.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  messages_url_ = base + "/messages";
}

boost::asio::awaitable<Result<ProviderAnswer>> AnthropicProvider::call(
    ModelCall& call, std::string_view upstream_model) {
  if (call.capability != Capability::chat || call.body == nullptr) {
    co_return make_error(ErrorCode::unsupported_capability,
                         "Anthropic models answer chat completions only.", "model");
  }
  auto translated = to_messages_request(*call.body, upstream_model, default_max_tokens_);
  if (!translated) co_return std::move(translated).error();
  translated->insert_or_assign("stream", call.stream);

  http::UpstreamRequest request;
  request.url = messages_url_;
  request.headers.emplace_back("x-api-key", api_key_);
  request.headers.emplace_back("anthropic-version", std::string(kApiVersion));
  request.headers.emplace_back("Content-Type", "application/json");
  request.headers.emplace_back("Accept", call.stream ? "text/event-stream" : "application/json");
  request.body = boost::json::serialize(*translated);

  auto sent = co_await client_.send(std::move(request), call.client);
  if (!sent) co_return std::move(sent).error();
  std::unique_ptr<http::UpstreamResponse> response = std::move(*sent);
  unsigned status = response->status();
  if (status < 200 || status >= 300) {
    auto body = co_await response->read_all(kMaxErrorBytes);
    co_return error_from_response(status, body ? std::string_view(*body) : std::string_view());
  }

  ProviderAnswer answer;
  if (call.stream) {
    if (response->header("Content-Type").find("text/event-stream") == std::string_view::npos) {
      response->cancel();
      co_return make_error(ErrorCode::upstream_error, "The provider did not answer with a stream.");
    }
    answer.stream = std::make_unique<AnthropicChatStream>(std::move(response), call, clock_.now());
    co_return answer;
  }

  auto body = co_await response->read_all(kMaxAnswerBytes);
  if (!body) co_return std::move(body).error();
  boost::system::error_code ec;
  auto parsed = boost::json::parse(*body, ec);
  if (ec || !parsed.is_object()) {
    co_return make_error(ErrorCode::upstream_error, "The provider's answer is not valid JSON.");
  }
  auto completion = to_chat_completion(parsed.get_object(), call.public_model, clock_.now());
  if (!completion) co_return std::move(completion).error();
  if (const auto* usage = completion->if_contains("usage"); usage && usage->is_object()) {
    answer.usage = Usage{count_member(usage->get_object(), "prompt_tokens"),
                         count_member(usage->get_object(), "completion_tokens"), true};
  }
  answer.body = boost::json::serialize(*completion);
  co_return answer;
}

}  // namespace veyra::providers::anthropic
