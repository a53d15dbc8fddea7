// Anthropic Messages answers -> OpenAI chat completion answers: the whole message of a
// non-streamed call, the error bodies of failed calls, and the small mappings the stream
// translator (stream_translation.h) shares. Pure functions with no state; safe to call from
// any thread.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/result.h"

namespace veyra::providers::anthropic {

// The OpenAI finish_reason for an Anthropic stop_reason: end_turn, stop_sequence and
// pause_turn -> "stop"; max_tokens and model_context_window_exceeded -> "length"; tool_use
// -> "tool_calls"; refusal -> "content_filter". Anything else (a reason newer than this code)
// -> "stop".
std::string_view finish_reason_for(std::string_view stop_reason);

// "chatcmpl-" followed by the Anthropic message id without its "msg_" prefix
// ("msg_01AbC" -> "chatcmpl-01AbC"); "chatcmpl-anthropic" when the id is empty.
std::string chat_completion_id(std::string_view message_id);

// The OpenAI prompt_tokens of an Anthropic `usage` object: input_tokens plus
// cache_creation_input_tokens plus cache_read_input_tokens (Anthropic counts cached prompt
// tokens apart; OpenAI counts them in prompt_tokens). Absent or negative members count 0.
std::uint64_t prompt_tokens_of(const boost::json::object& usage);

// The OpenAI `chat.completion` object for `messages_response`, the 200 body of a
// non-streamed Messages call: id from chat_completion_id, `model` = public_model, `created`
// as given, one choice whose message holds the text blocks joined (null when there is no
// text but there are tool calls) and the tool_use blocks as `tool_calls` (id kept, `input`
// serialized as `arguments`), finish_reason from finish_reason_for, and
// usage {prompt_tokens (prompt_tokens_of), completion_tokens (output_tokens), total_tokens}
// plus prompt_tokens_details.cached_tokens when cache_read_input_tokens > 0. Thinking and
// other block types are left out. `usage` is omitted when the message has none, so the
// caller knows to estimate.
// Errors: a body of type "error" gives error_from_error_event's Error; one without a content
// array gives upstream_error ("malformed answer").
Result<boost::json::object> to_chat_completion(const boost::json::object& messages_response,
                                               std::string_view public_model, std::int64_t created);

// The Error for a non-2xx answer of the Messages API, whose body is normally
// {"type":"error","error":{"type","message"}}. By status:
//   400       -> invalid_field carrying Anthropic's message (it is about the caller's request;
//                note that Anthropic also reports a spent credit balance this way), or a
//                generic one when the body has none; no `param` (Anthropic's field names are
//                not the caller's)
//   413       -> payload_too_large
//   401, 403  -> upstream_error with a generic message: the gateway's credentials were
//                refused, and nothing of Anthropic's text is echoed
//   404       -> upstream_error, generic (the upstream model or endpoint does not exist)
//   429, 529  -> upstream_unavailable, generic (rate limited, overloaded); the caller may try
//                another deployment
//   504       -> upstream_timeout
//   other 4xx and 5xx -> upstream_error, generic
// Only the 400 case shows any of the body to clients.
Error error_from_response(unsigned status, std::string_view body);

// The Error for an Anthropic error that arrives inside a 200 answer: the data of a stream's
// `error` event, or a whole body of type "error" ({"type":"error","error":{"type",
// "message"}}). overloaded_error and rate_limit_error -> upstream_unavailable; anything else
// -> upstream_error. The message names the error type and carries Anthropic's message (these
// are about the provider, not about anyone's credentials).
Error error_from_error_event(const boost::json::object& event);

}  // namespace veyra::providers::anthropic
