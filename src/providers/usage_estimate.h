// Token estimates for calls whose provider reports no usage (and for the built-in models),
// from veyra-echo's count_tokens. Usage built from them is marked as estimated.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>

namespace veyra::providers {

// The prompt of a chat request: every message's text content (string content, or the text
// parts of an array) plus 3 tokens per message for its role and framing.
std::uint64_t estimate_chat_prompt_tokens(const boost::json::object& request);

// The `input` of an embeddings request: a string or an array of strings (token arrays count
// one per element).
std::uint64_t estimate_input_tokens(const boost::json::value& input);

// The text of a chat completion's choices (message.content of each).
std::uint64_t estimate_completion_tokens(const boost::json::object& completion);

}  // namespace veyra::providers
