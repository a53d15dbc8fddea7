// OpenAI chat completion request -> Anthropic Messages request, for models whose deployment
// is on an `anthropic` provider. A pure function with no state; safe to call from any thread.
//
// What is translated:
//   messages      system and developer messages, wherever they stand, become the top-level
//                 `system` string (their texts joined by a blank line, in order). user,
//                 assistant and tool messages become the alternating user/assistant turns
//                 Anthropic requires: a tool message is a user turn holding one tool_result
//                 block (tool_call_id -> tool_use_id), and consecutive turns of the same role
//                 are merged into one turn whose blocks keep their order. Content strings and
//                 content parts become text blocks (empty texts are dropped, a turn holding a
//                 single text is sent as a plain string); image_url parts become image blocks
//                 (data: URLs as a base64 source, http(s) URLs as a url source); assistant
//                 tool_calls become tool_use blocks whose `input` is the parsed `arguments`.
//                 A message left with no content at all is skipped.
//   max_completion_tokens, else max_tokens  -> max_tokens (default_max_tokens when absent)
//   stop (string or array)  -> stop_sequences
//   temperature             -> temperature, clamped to Anthropic's 0..1 (OpenAI allows 0..2)
//   top_p, stream           -> the same names
//   tools (type function)   -> tools {name, description, input_schema: parameters}
//   tool_choice             -> "auto" {type auto}, "none" {type none}, "required" {type any},
//                              {type function, function {name}} {type tool, name}; dropped
//                              when the request has no tools
//   parallel_tool_calls false -> tool_choice.disable_parallel_tool_use true
//   user                    -> metadata.user_id
//
// What is refused: n > 1 (Anthropic answers one choice), content parts other than text and
// image_url (input_audio, file), tools of a type other than function, and values of the wrong
// type or out of OpenAI's range. What is dropped silently, because Anthropic has no
// counterpart and the answer stays useful without it: logprobs, top_logprobs,
// response_format, seed, presence_penalty, frequency_penalty, logit_bias, stream_options
// (Anthropic always reports usage), service_tier, store, metadata, modalities, audio,
// prediction, reasoning_effort, web_search_options, message `name` fields, function `strict`,
// image `detail`, and any field this list does not know. A conversation whose first turn is
// the assistant's is sent as it is; Anthropic then refuses it with a 400.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string_view>

#include "core/result.h"

namespace veyra::providers::anthropic {

// The `anthropic-version` header every Messages API call must carry.
inline constexpr std::string_view kApiVersion = "2023-06-01";

// The body of POST {base_url}/messages for `chat_request`, an OpenAI chat completion request
// that has already been parsed as a JSON object. `upstream_model` becomes `model`;
// `default_max_tokens` is used when the request sets no limit (Anthropic requires one).
// Errors: missing_field (param "messages") when there are no messages; invalid_field naming
// the offending request field (`param` is always set: "messages", "n", "max_tokens",
// "tools"...) with a message saying what is wrong, e.g. an assistant tool call whose
// arguments are not a JSON object, or n > 1, which the model's provider does not support.
// REQUIRES: default_max_tokens > 0.
Result<boost::json::object> to_messages_request(const boost::json::object& chat_request,
                                                std::string_view upstream_model,
                                                std::uint32_t default_max_tokens);

}  // namespace veyra::providers::anthropic
