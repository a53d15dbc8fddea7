// POST /v1/chat/completions. The answer is `tokens` deterministic words ("tok1 tok2 ..."),
// or with mock.echo_headers the request headers as a JSON string; max_completion_tokens or
// max_tokens below that shorten it with finish_reason "length". `stream: true` answers
// server-sent events (chat_stream.cpp). prompt_tokens is the messages' text bytes / 4.
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chat_plan.h"
#include "core/ids.h"
#include "core/json.h"
#include "mock_routes.h"

namespace veyra::mock {

boost::json::object usage_object(const ChatPlan& plan) {
  boost::json::object usage;
  usage["prompt_tokens"] = plan.prompt_tokens;
  usage["completion_tokens"] = plan.completion_tokens;
  usage["total_tokens"] = plan.prompt_tokens + plan.completion_tokens;
  return usage;
}

namespace {

using http::BodyWriter;
using http::Request;
using http::Response;

// Bytes of text in the messages: string contents and the text of content parts.
std::size_t message_bytes(const boost::json::array& messages) {
  std::size_t bytes = 0;
  for (const boost::json::value& message : messages) {
    const boost::json::object* object = message.if_object();
    if (object == nullptr) continue;
    const boost::json::value* content = object->if_contains("content");
    if (content == nullptr) continue;
    if (const boost::json::string* text = content->if_string()) {
      bytes += text->size();
    } else if (const boost::json::array* parts = content->if_array()) {
      for (const boost::json::value& part : *parts) {
        if (const boost::json::object* part_object = part.if_object()) {
          bytes += string_member(*part_object, "text").size();
        }
      }
    }
  }
  return bytes;
}

// The completion limit the client asked for, if any (max_completion_tokens wins).
std::optional<unsigned> completion_limit(const boost::json::object& body) {
  for (std::string_view key : {"max_completion_tokens", "max_tokens"}) {
    const boost::json::value* found = body.if_contains(key);
    if (found != nullptr && found->is_int64() && found->get_int64() >= 0) {
      return static_cast<unsigned>(std::min<std::int64_t>(found->get_int64(), kMaxTokens));
    }
  }
  return std::nullopt;
}

bool include_usage(const boost::json::object& body) {
  const boost::json::value* options = body.if_contains("stream_options");
  if (options == nullptr || !options->is_object()) return false;
  const boost::json::value* flag = options->get_object().if_contains("include_usage");
  return flag != nullptr && flag->is_bool() && flag->get_bool();
}

ChatPlan make_plan(const Request& request, const boost::json::object& body,
                   const boost::json::array& messages, Controls controls) {
  ChatPlan plan;
  plan.id = new_id("chatcmpl-", 24);
  plan.created = unix_now();
  plan.model = string_member(body, "model");
  plan.prompt_tokens = approx_tokens(message_bytes(messages));
  plan.include_usage = include_usage(body);

  if (controls.echo_headers) {
    plan.pieces.push_back(headers_json(request));
    plan.completion_tokens = approx_tokens(plan.pieces.back().size());
  } else {
    unsigned tokens = controls.tokens;
    if (auto limit = completion_limit(body); limit && *limit < tokens) {
      tokens = *limit;
      plan.finish_reason = "length";
    }
    plan.pieces.reserve(tokens);
    for (unsigned i = 1; i <= tokens; ++i) {
      plan.pieces.push_back((i == 1 ? "tok" : " tok") + std::to_string(i));
    }
    plan.completion_tokens = tokens;
  }
  plan.controls = controls;
  return plan;
}

std::string completion_json(const ChatPlan& plan) {
  std::string content;
  for (const std::string& piece : plan.pieces) content += piece;

  boost::json::object message;
  message["role"] = "assistant";
  message["content"] = std::move(content);
  message["refusal"] = nullptr;
  boost::json::object choice;
  choice["index"] = 0;
  choice["message"] = std::move(message);
  choice["logprobs"] = nullptr;
  choice["finish_reason"] = plan.finish_reason;

  boost::json::object completion;
  completion["id"] = plan.id;
  completion["object"] = "chat.completion";
  completion["created"] = plan.created;
  completion["model"] = plan.model;
  completion["choices"] = boost::json::array{std::move(choice)};
  completion["usage"] = usage_object(plan);
  return boost::json::serialize(completion);
}

boost::asio::awaitable<Response> handle_chat(MockContext& context, Request& request) {
  context.stats.record_request(request);
  Result<boost::json::object> body = parse_json_object(request.body);
  if (!body) co_return Response::error(body.error());

  const boost::json::value* messages = body->if_contains("messages");
  if (messages == nullptr || !messages->is_array()) {
    co_return Response::error(ErrorCode::missing_field, "messages must be an array.", "messages");
  }
  std::string_view model = string_member(*body, "model");
  if (model.empty()) {
    co_return Response::error(ErrorCode::missing_field, "model is required.", "model");
  }
  Controls controls = resolve_controls(context.defaults, model, mock_field(*body));
  if (auto failure = co_await run_prelude(controls)) co_return std::move(*failure);

  auto plan =
      std::make_shared<const ChatPlan>(make_plan(request, *body, messages->get_array(), controls));
  const boost::json::value* stream = body->if_contains("stream");
  if (stream == nullptr || !stream->is_bool() || !stream->get_bool()) {
    co_return Response::json(200, completion_json(*plan));
  }

  Response response = Response::text(200, "", "text/event-stream");
  response.set_header("X-Accel-Buffering", "no");
  MockStats& stats = context.stats;
  response.stream = [plan = std::move(plan), &stats](BodyWriter& writer) {
    return produce_stream(plan, stats, writer);
  };
  co_return response;
}

}  // namespace

void add_chat_routes(http::Router& router, MockContext& context) {
  router.add(http::Method::post, "/v1/chat/completions",
             [&context](Request& request) { return handle_chat(context, request); },
             {.max_body_bytes = kJsonBodyLimit});
}

}  // namespace veyra::mock
