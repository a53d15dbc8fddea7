// veyra-echo behind the Provider interface: the answer of echo_model, whole or as chunks.
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <deque>

#include "core/ids.h"
#include "providers/builtin/builtin_provider.h"
#include "providers/builtin/echo_model.h"

namespace veyra::providers::builtin {

namespace {

// The text of a message's content: a string, or the text parts of an array joined.
std::string content_text(const boost::json::value* content) {
  if (content == nullptr) return {};
  if (const auto* text = content->if_string()) return std::string(*text);
  std::string joined;
  if (const auto* parts = content->if_array()) {
    for (const auto& part : *parts) {
      const auto* object = part.if_object();
      if (object == nullptr) continue;
      const auto* text = object->if_contains("text");
      if (text == nullptr || !text->is_string()) continue;
      if (!joined.empty()) joined += ' ';
      joined += text->get_string();
    }
  }
  return joined;
}

std::optional<std::uint32_t> max_tokens_of(const boost::json::object& request) {
  for (std::string_view key : {"max_completion_tokens", "max_tokens"}) {
    const auto* value = request.if_contains(key);
    if (value == nullptr || value->is_null()) continue;
    if (value->is_int64() && value->get_int64() >= 0) {
      return static_cast<std::uint32_t>(std::min<std::int64_t>(value->get_int64(), UINT32_MAX));
    }
    if (value->is_uint64()) {
      return static_cast<std::uint32_t>(std::min<std::uint64_t>(value->get_uint64(), UINT32_MAX));
    }
  }
  return std::nullopt;
}

boost::json::object usage_object(const EchoAnswer& answer) {
  return {{"prompt_tokens", answer.prompt_tokens},
          {"completion_tokens", answer.completion_tokens},
          {"total_tokens", answer.prompt_tokens + answer.completion_tokens}};
}

boost::json::object chunk_object(std::string_view id, std::int64_t created, std::string_view model,
                                 boost::json::object delta, boost::json::value finish_reason) {
  boost::json::object choice{{"index", 0},
                             {"delta", std::move(delta)},
                             {"logprobs", nullptr},
                             {"finish_reason", std::move(finish_reason)}};
  return {{"id", id},
          {"object", "chat.completion.chunk"},
          {"created", created},
          {"model", model},
          {"system_fingerprint", "veyra"},
          {"choices", boost::json::array{std::move(choice)}}};
}

// The prepared chunks of one echo answer, handed out one per next().
class EchoStream final : public ChatStream {
 public:
  EchoStream(std::deque<std::string> chunks, Usage usage)
      : chunks_(std::move(chunks)), usage_(usage) {}

  boost::asio::awaitable<Result<std::optional<std::string>>> next() override {
    if (chunks_.empty()) co_return std::optional<std::string>();
    std::string chunk = std::move(chunks_.front());
    chunks_.pop_front();
    co_return std::optional<std::string>(std::move(chunk));
  }

  Usage usage() const override { return usage_; }

 private:
  std::deque<std::string> chunks_;
  Usage usage_;
};

}  // namespace

Result<ProviderAnswer> BuiltinProvider::chat(const ModelCall& call) const {
  const boost::json::object& request = *call.body;
  std::vector<std::string> texts;
  std::vector<std::string> roles;
  if (const auto* messages = request.if_contains("messages"); messages && messages->is_array()) {
    for (const auto& message : messages->get_array()) {
      const auto* object = message.if_object();
      if (object == nullptr) continue;
      const auto* role = object->if_contains("role");
      roles.emplace_back(role != nullptr && role->is_string() ? std::string(role->get_string())
                                                              : std::string());
      texts.push_back(content_text(object->if_contains("content")));
    }
  }
  std::vector<EchoMessage> messages;
  messages.reserve(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) messages.push_back({roles[i], texts[i]});
  EchoAnswer answer = echo_answer(messages, max_tokens_of(request));

  Usage usage{answer.prompt_tokens, answer.completion_tokens, true};
  std::string id = new_id("chatcmpl-");
  std::int64_t created = clock_.now();
  ProviderAnswer result;
  result.usage = usage;

  if (!call.stream) {
    boost::json::object message{
        {"role", "assistant"}, {"content", answer.text}, {"refusal", nullptr}};
    boost::json::object choice{{"index", 0},
                               {"message", std::move(message)},
                               {"logprobs", nullptr},
                               {"finish_reason", answer.finish_reason}};
    boost::json::object completion{{"id", id},
                                   {"object", "chat.completion"},
                                   {"created", created},
                                   {"model", call.public_model},
                                   {"system_fingerprint", "veyra"},
                                   {"choices", boost::json::array{std::move(choice)}},
                                   {"usage", usage_object(answer)}};
    result.body = boost::json::serialize(completion);
    return result;
  }

  std::deque<std::string> chunks;
  chunks.push_back(boost::json::serialize(chunk_object(
      id, created, call.public_model, {{"role", "assistant"}, {"content", ""}}, nullptr)));
  for (const std::string& piece : answer.chunks) {
    chunks.push_back(boost::json::serialize(
        chunk_object(id, created, call.public_model, {{"content", piece}}, nullptr)));
  }
  chunks.push_back(boost::json::serialize(
      chunk_object(id, created, call.public_model, {}, boost::json::string(answer.finish_reason))));
  if (call.include_usage) {
    boost::json::object last = chunk_object(id, created, call.public_model, {}, nullptr);
    last["choices"] = boost::json::array();
    last["usage"] = usage_object(answer);
    chunks.push_back(boost::json::serialize(last));
  }
  result.stream = std::make_unique<EchoStream>(std::move(chunks), usage);
  return result;
}

}  // namespace veyra::providers::builtin
