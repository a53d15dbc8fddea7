#include "providers/anthropic/response_translation.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <utility>

#include "core/json.h"

namespace veyra::providers::anthropic {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

constexpr std::string_view kMessageIdPrefix = "msg_";
constexpr std::string_view kChatIdPrefix = "chatcmpl-";
constexpr std::string_view kMalformedAnswer = "The upstream provider returned a malformed answer.";

// A non-negative integer member, 0 when absent, negative or not an integer.
std::uint64_t count_member(const object& object, std::string_view key) {
  const value* found = object.if_contains(key);
  if (found == nullptr) return 0;
  if (found->is_uint64()) return found->get_uint64();
  if (found->is_int64() && found->get_int64() > 0) {
    return static_cast<std::uint64_t>(found->get_int64());
  }
  return 0;
}

// The `error` member of an Anthropic error body, or nullptr.
const object* error_member(const object& body) {
  const value* error = body.if_contains("error");
  return error != nullptr ? error->if_object() : nullptr;
}

object usage_of(const object& usage) {
  const std::uint64_t prompt = prompt_tokens_of(usage);
  const std::uint64_t completion = count_member(usage, "output_tokens");
  object out{{"prompt_tokens", prompt},
             {"completion_tokens", completion},
             {"total_tokens", prompt + completion}};
  if (const std::uint64_t cached = count_member(usage, "cache_read_input_tokens"); cached > 0) {
    out["prompt_tokens_details"] = object{{"cached_tokens", cached}};
  }
  return out;
}

object tool_call(const object& block) {
  const value* input = block.if_contains("input");
  std::string arguments =
      input != nullptr && !input->is_null() ? boost::json::serialize(*input) : std::string("{}");
  return object{{"id", string_member(block, "id")},
                {"type", "function"},
                {"function", object{{"name", string_member(block, "name")},
                                    {"arguments", std::move(arguments)}}}};
}

}  // namespace

std::string_view finish_reason_for(std::string_view stop_reason) {
  if (stop_reason == "max_tokens" || stop_reason == "model_context_window_exceeded") {
    return "length";
  }
  if (stop_reason == "tool_use") return "tool_calls";
  if (stop_reason == "refusal") return "content_filter";
  return "stop";
}

std::string chat_completion_id(std::string_view message_id) {
  if (message_id.starts_with(kMessageIdPrefix)) message_id.remove_prefix(kMessageIdPrefix.size());
  if (message_id.empty()) message_id = "anthropic";
  return std::string(kChatIdPrefix) + std::string(message_id);
}

std::uint64_t prompt_tokens_of(const boost::json::object& usage) {
  return count_member(usage, "input_tokens") + count_member(usage, "cache_creation_input_tokens") +
         count_member(usage, "cache_read_input_tokens");
}

Result<boost::json::object> to_chat_completion(const boost::json::object& messages_response,
                                               std::string_view public_model,
                                               std::int64_t created) {
  if (string_member(messages_response, "type") == "error") {
    return error_from_error_event(messages_response);
  }
  const value* content = messages_response.if_contains("content");
  if (content == nullptr || !content->is_array()) {
    return make_error(ErrorCode::upstream_error, std::string(kMalformedAnswer));
  }

  std::string text;
  array tool_calls;
  for (const value& block_value : content->get_array()) {
    const object* block = block_value.if_object();
    if (block == nullptr) continue;
    const std::string_view type = string_member(*block, "type");
    if (type == "text") {
      text += string_member(*block, "text");
    } else if (type == "tool_use") {
      tool_calls.push_back(tool_call(*block));
    }
  }

  object message{{"role", "assistant"}};
  if (text.empty() && !tool_calls.empty()) {
    message["content"] = nullptr;
  } else {
    message["content"] = std::move(text);
  }
  message["refusal"] = nullptr;
  if (!tool_calls.empty()) message["tool_calls"] = std::move(tool_calls);
  object choice{
      {"index", 0},
      {"message", std::move(message)},
      {"logprobs", nullptr},
      {"finish_reason", finish_reason_for(string_member(messages_response, "stop_reason"))}};

  object completion{{"id", chat_completion_id(string_member(messages_response, "id"))},
                    {"object", "chat.completion"},
                    {"created", created},
                    {"model", public_model},
                    {"choices", array{std::move(choice)}}};
  if (const value* usage = messages_response.if_contains("usage"); usage && usage->is_object()) {
    completion["usage"] = usage_of(usage->get_object());
  }
  return completion;
}

Error error_from_response(unsigned status, std::string_view body) {
  switch (status) {
    case 400: {
      std::string message;
      if (Result<object> parsed = parse_json_object(body); parsed) {
        if (const object* error = error_member(*parsed)) {
          message = string_member(*error, "message");
        }
      }
      if (message.empty()) message = "The model's provider rejected the request as invalid.";
      return make_error(ErrorCode::invalid_field, std::move(message));
    }
    case 401:
    case 403:
      return make_error(ErrorCode::upstream_error,
                        "The model's provider refused the gateway's credentials.");
    case 404:
      return make_error(ErrorCode::upstream_error,
                        "The model's provider does not know the configured model.");
    case 413:
      return make_error(ErrorCode::payload_too_large,
                        "The request is too large for the model's provider.");
    case 429:
      return make_error(ErrorCode::upstream_unavailable,
                        "The model's provider is rate limiting the gateway.");
    case 529:
      return make_error(ErrorCode::upstream_unavailable, "The model's provider is overloaded.");
    case 504:
      return make_error(ErrorCode::upstream_timeout);
    default:
      return make_error(ErrorCode::upstream_error);
  }
}

Error error_from_error_event(const boost::json::object& event) {
  std::string_view type;
  std::string_view message;
  if (const object* error = error_member(event)) {
    type = string_member(*error, "type");
    message = string_member(*error, "message");
  }

  const ErrorCode code = type == "overloaded_error" || type == "rate_limit_error"
                             ? ErrorCode::upstream_unavailable
                             : ErrorCode::upstream_error;
  if (type.empty() && message.empty()) return make_error(code);
  std::string text = "The model's provider reported an error";
  if (!type.empty()) text.append(" (").append(type).append(")");
  if (!message.empty()) text.append(": ").append(message);
  if (!text.ends_with('.')) text += '.';
  return make_error(code, std::move(text));
}

}  // namespace veyra::providers::anthropic
