#include "providers/usage_estimate.h"

#include <boost/json/array.hpp>

#include "providers/builtin/echo_model.h"

namespace veyra::providers {

namespace {

constexpr std::uint64_t kPerMessageTokens = 3;

std::uint64_t content_tokens(const boost::json::value& content) {
  if (const auto* text = content.if_string()) return builtin::count_tokens(*text);
  std::uint64_t tokens = 0;
  if (const auto* parts = content.if_array()) {
    for (const auto& part : *parts) {
      const auto* object = part.if_object();
      if (object == nullptr) continue;
      if (const auto* text = object->if_contains("text"); text != nullptr && text->is_string()) {
        tokens += builtin::count_tokens(text->get_string());
      }
    }
  }
  return tokens;
}

}  // namespace

std::uint64_t estimate_chat_prompt_tokens(const boost::json::object& request) {
  const auto* messages = request.if_contains("messages");
  if (messages == nullptr || !messages->is_array()) return 0;
  std::uint64_t tokens = 0;
  for (const auto& message : messages->get_array()) {
    tokens += kPerMessageTokens;
    if (const auto* object = message.if_object()) {
      if (const auto* content = object->if_contains("content")) tokens += content_tokens(*content);
    }
  }
  return tokens;
}

std::uint64_t estimate_input_tokens(const boost::json::value& input) {
  if (const auto* text = input.if_string()) return builtin::count_tokens(*text);
  std::uint64_t tokens = 0;
  if (const auto* items = input.if_array()) {
    for (const auto& item : *items) {
      if (const auto* text = item.if_string()) {
        tokens += builtin::count_tokens(*text);
      } else if (const auto* ids = item.if_array()) {
        tokens += ids->size();
      } else {
        tokens += 1;  // one token id
      }
    }
  }
  return tokens;
}

std::uint64_t estimate_completion_tokens(const boost::json::object& completion) {
  const auto* choices = completion.if_contains("choices");
  if (choices == nullptr || !choices->is_array()) return 0;
  std::uint64_t tokens = 0;
  for (const auto& choice : choices->get_array()) {
    const auto* object = choice.if_object();
    if (object == nullptr) continue;
    const auto* message = object->if_contains("message");
    if (message == nullptr || !message->is_object()) continue;
    if (const auto* content = message->get_object().if_contains("content")) {
      tokens += content_tokens(*content);
    }
  }
  return tokens;
}

}  // namespace veyra::providers
