// POST /v1/messages: a fake of Anthropic's Messages API, for testing the gateway's
// `anthropic` provider against the wire format it must speak.
//
// It checks what Anthropic checks before answering: an `x-api-key` header (401
// authentication_error), an `anthropic-version` header, a JSON body with `model`, a positive
// integer `max_tokens`, and `messages` that start with the user and alternate roles (400
// invalid_request_error). Then it answers deterministically:
//   - with `tools` and a last user message containing "weather" (any case): one tool_use block
//     calling the first tool with {"city":"Paris"}, stop_reason "tool_use";
//   - otherwise veyra-echo's answer to the last user message ("You said: ..."; the text of a
//     message is its text blocks and tool results), cut at max_tokens (stop_reason
//     "max_tokens") or before the first of `stop_sequences` it contains (stop_reason
//     "stop_sequence"), else stop_reason "end_turn".
// usage.input_tokens counts the system prompt and messages as veyra-echo does; output_tokens
// the answer's tokens. `stream: true` sends the real event sequence: message_start,
// content_block_start, ping, the content deltas (a text answer one word per delta, a tool's
// input JSON in two pieces), content_block_stop, message_delta, message_stop.
//
// Controls (controls.h) apply: latency_ms, chunk_delay_ms (before each delta and the closing
// events), cut_after (a stream ends cleanly after that many deltas, without message_delta
// and message_stop), echo_headers (the answer's text is the request headers as JSON) and
// fail_status, answered with an Anthropic error body (mock-fail-529 -> overloaded_error).
// `tokens` does not apply: the answer's length comes from the prompt. Two more, for this
// route only, also as model names so that a gateway deployment can select them:
// mock.error_after = K or model "mock-error-after-K" makes a stream send an `error` event
// (overloaded_error) after K deltas; model "mock-cut-K" is cut_after = K.
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "controls.h"
#include "core/ids.h"
#include "core/json.h"
#include "mock_routes.h"
#include "providers/builtin/echo_model.h"

namespace veyra::mock {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;
using http::BodyWriter;
using http::Request;
using http::Response;

constexpr std::string_view kToolInputPieces[] = {R"({"city": )", R"("Paris"})"};
constexpr std::string_view kErrorAfterPrefix = "mock-error-after-";
constexpr std::string_view kCutPrefix = "mock-cut-";

// Everything an answer needs, copied out of the request so a stream never points into it.
struct MessagePlan {
  std::string id;  // "msg_" and base62 characters
  std::string model;
  Controls controls;
  std::optional<unsigned> error_after;
  std::string tool_id;  // set for a tool_use answer
  std::string tool_name;
  std::vector<std::string> pieces;  // the text, or the tool input JSON, one per delta
  std::string stop_reason = "end_turn";
  std::optional<std::string> stop_sequence;
  unsigned input_tokens = 0;
  unsigned output_tokens = 0;
};

std::string_view error_type_for(unsigned status) {
  switch (status) {
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 529:
      return "overloaded_error";
    default:
      return status < 500 ? "invalid_request_error" : "api_error";
  }
}

object error_event(std::string_view type, std::string_view message) {
  return object{{"type", "error"}, {"error", object{{"type", type}, {"message", message}}}};
}

// {"type":"error","error":{...},"request_id"} with the status and Anthropic's type for it.
Response error_response(unsigned status, std::string_view message) {
  object error{{"type", error_type_for(status)}, {"message", message}};
  object body{{"type", "error"}, {"error", std::move(error)}, {"request_id", new_id("req_", 24)}};
  Response response = Response::json(status, boost::json::serialize(body));
  if (status == 429) response.set_header("retry-after", "1");
  return response;
}

Response invalid_request(std::string_view message) {
  return error_response(400, message);
}

// The number after `prefix` when `model` is that directive.
std::optional<unsigned> directive(std::string_view model, std::string_view prefix) {
  if (!model.starts_with(prefix)) return std::nullopt;
  std::string_view digits = model.substr(prefix.size());
  unsigned number = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return number;
}

// The text of a content value: a string, or its text blocks and tool results joined.
std::string content_text(const value& content) {
  if (const boost::json::string* text = content.if_string()) return std::string(*text);
  std::string joined;
  if (const array* blocks = content.if_array()) {
    for (const value& block : *blocks) {
      const object* fields = block.if_object();
      if (fields == nullptr) continue;
      std::string_view type = string_member(*fields, "type");
      if (type == "text") joined += string_member(*fields, "text");
      if (type == "tool_result" && fields->contains("content")) {
        joined += content_text(fields->at("content"));
      }
      if (!joined.empty() && !joined.ends_with(' ')) joined += ' ';
    }
  }
  return joined;
}

// Anthropic's own checks of a Messages body, in its words; nullopt when the body passes.
std::optional<std::string> invalid_body(const object& body) {
  if (string_member(body, "model").empty()) return "model: Field required";
  const value* max_tokens = body.if_contains("max_tokens");
  if (max_tokens == nullptr) return "max_tokens: Field required";
  if (!max_tokens->is_int64() || max_tokens->get_int64() < 1) {
    return "max_tokens: Input should be a valid integer greater than or equal to 1";
  }

  const value* messages = body.if_contains("messages");
  if (messages == nullptr || !messages->is_array()) return "messages: Field required";
  if (messages->get_array().empty()) return "messages: at least one message is required";
  std::string_view previous;
  for (std::size_t i = 0; i < messages->get_array().size(); ++i) {
    const object* message = messages->get_array()[i].if_object();
    std::string_view role = message != nullptr ? string_member(*message, "role") : "";
    if (role != "user" && role != "assistant") {
      return "messages." + std::to_string(i) + ".role: Input should be 'user' or 'assistant'";
    }
    const value* content = message->if_contains("content");
    if (content == nullptr || !(content->is_string() || content->is_array())) {
      return "messages." + std::to_string(i) + ".content: Field required";
    }
    if (i == 0 && role != "user") return "messages: first message must use the \"user\" role";
    if (role == previous) {
      return "messages: roles must alternate between \"user\" and \"assistant\", but found "
             "multiple \"" +
             std::string(role) + "\" roles in a row";
    }
    previous = role;
  }
  return std::nullopt;
}

// The pieces of `chunks` that fit in the first `length` bytes of their concatenation.
std::vector<std::string> pieces_within(const std::vector<std::string>& chunks, std::size_t length) {
  std::vector<std::string> pieces;
  std::size_t used = 0;
  for (const std::string& chunk : chunks) {
    if (used >= length) break;
    pieces.push_back(chunk.substr(0, length - used));
    used += pieces.back().size();
  }
  return pieces;
}

// Cuts the text answer before the earliest stop sequence it contains.
void apply_stop_sequences(const object& body, std::string& text, MessagePlan& plan) {
  const value* sequences = body.if_contains("stop_sequences");
  if (sequences == nullptr || !sequences->is_array()) return;
  std::size_t earliest = text.size();
  for (const value& sequence : sequences->get_array()) {
    if (!sequence.is_string() || sequence.get_string().empty()) continue;
    const std::size_t found = text.find(std::string_view(sequence.get_string()));
    if (found != std::string::npos && found < earliest) {
      earliest = found;
      plan.stop_sequence = std::string(sequence.get_string());
    }
  }
  if (!plan.stop_sequence) return;
  plan.pieces = pieces_within(plan.pieces, earliest);
  text.resize(earliest);
  plan.stop_reason = "stop_sequence";
}

MessagePlan make_plan(const Request& request, const object& body, Controls controls) {
  MessagePlan plan;
  plan.id = new_id("msg_", 24);
  plan.model = string_member(body, "model");
  plan.controls = controls;
  if (auto cut = directive(plan.model, kCutPrefix)) plan.controls.cut_after = *cut;
  plan.error_after = directive(plan.model, kErrorAfterPrefix);
  if (const object* mock = mock_field(body)) {
    const value* after = mock->if_contains("error_after");
    if (after != nullptr && after->is_int64() && after->get_int64() >= 0) {
      plan.error_after =
          static_cast<unsigned>(std::min<std::int64_t>(after->get_int64(), kMaxTokens));
    }
  }

  // The texts outlive the echo messages that view them.
  std::vector<std::string> texts;
  std::vector<providers::builtin::EchoMessage> messages;
  texts.reserve(body.at("messages").get_array().size() + 1);
  if (const value* system = body.if_contains("system")) {
    texts.push_back(content_text(*system));
    messages.push_back({"system", texts.back()});
  }
  for (const value& message : body.at("messages").get_array()) {
    texts.push_back(content_text(message.at("content")));
    messages.push_back({string_member(message.get_object(), "role"), texts.back()});
  }
  const auto max_tokens = static_cast<std::uint32_t>(
      std::min<std::int64_t>(body.at("max_tokens").get_int64(), kMaxTokens));
  providers::builtin::EchoAnswer answer = providers::builtin::echo_answer(messages, max_tokens);
  plan.input_tokens = answer.prompt_tokens;

  const auto last_user = std::find_if(messages.rbegin(), messages.rend(),
                                      [](const auto& message) { return message.role == "user"; });
  const value* tools = body.if_contains("tools");
  if (tools != nullptr && tools->is_array() && !tools->get_array().empty() &&
      last_user != messages.rend() &&
      ascii_lower(last_user->content).find("weather") != std::string::npos) {
    const object* tool = tools->get_array()[0].if_object();
    std::string_view name = tool != nullptr ? string_member(*tool, "name") : "";
    plan.tool_id = new_id("toolu_", 24);
    plan.tool_name = name.empty() ? "tool" : name;
    plan.pieces.assign(std::begin(kToolInputPieces), std::end(kToolInputPieces));
    plan.stop_reason = "tool_use";
    plan.output_tokens = providers::builtin::count_tokens(R"({"city": "Paris"})");
    return plan;
  }

  std::string text = std::move(answer.text);
  plan.pieces = std::move(answer.chunks);
  if (controls.echo_headers) {
    text = headers_json(request);
    plan.pieces = {text};
  } else if (answer.finish_reason == "length") {
    plan.stop_reason = "max_tokens";
  } else {
    apply_stop_sequences(body, text, plan);
  }
  plan.output_tokens = providers::builtin::count_tokens(text);
  return plan;
}

object usage_json(const MessagePlan& plan) {
  return object{{"input_tokens", plan.input_tokens},
                {"cache_creation_input_tokens", 0},
                {"cache_read_input_tokens", 0},
                {"output_tokens", plan.output_tokens}};
}

std::string joined(const std::vector<std::string>& pieces) {
  std::string text;
  for (const std::string& piece : pieces) text += piece;
  return text;
}

object first_block(const MessagePlan& plan, bool streamed) {
  if (plan.tool_id.empty()) {
    return object{{"type", "text"}, {"text", streamed ? std::string() : joined(plan.pieces)}};
  }
  value input = streamed ? value(object{}) : value(object{{"city", "Paris"}});
  return object{
      {"type", "tool_use"}, {"id", plan.tool_id}, {"name", plan.tool_name}, {"input", input}};
}

object message_object(const MessagePlan& plan) {
  object message{{"id", plan.id},
                 {"type", "message"},
                 {"role", "assistant"},
                 {"model", plan.model},
                 {"content", array{first_block(plan, false)}},
                 {"stop_reason", plan.stop_reason},
                 {"stop_sequence", nullptr},
                 {"usage", usage_json(plan)}};
  if (plan.stop_sequence) message["stop_sequence"] = *plan.stop_sequence;
  return message;
}

// Writes events as `event: TYPE` / `data: JSON` pairs; paced streams write each one, others
// gather them into one write.
class EventWriter {
 public:
  EventWriter(BodyWriter& writer, bool paced) : writer_(writer), paced_(paced) {}

  boost::asio::awaitable<bool> event(const object& data) {
    pending_.append("event: ").append(string_member(data, "type")).append("\ndata: ");
    pending_.append(boost::json::serialize(data)).append("\n\n");
    if (!paced_) co_return true;
    co_return co_await flush();
  }

  boost::asio::awaitable<bool> flush() {
    if (pending_.empty()) co_return !writer_.client_gone();
    bool sent = co_await writer_.write(pending_);
    pending_.clear();
    co_return sent;
  }

 private:
  BodyWriter& writer_;
  const bool paced_;
  std::string pending_;
};

struct StreamEvent {
  object data;
  bool paced;  // waits chunk_delay_ms first: the content deltas and the block's end
  bool delta;  // one of the plan's pieces, counted by cut_after and error_after
};

// The whole event sequence of a streamed answer, built before the first byte is sent.
std::vector<StreamEvent> stream_events(const MessagePlan& plan) {
  std::vector<StreamEvent> events;
  object start = message_object(plan);
  start["content"] = array{};
  start["stop_reason"] = nullptr;
  start["stop_sequence"] = nullptr;
  start["usage"].as_object()["output_tokens"] = 1;
  events.push_back(
      {object{{"type", "message_start"}, {"message", std::move(start)}}, false, false});
  events.push_back({object{{"type", "content_block_start"},
                           {"index", 0},
                           {"content_block", first_block(plan, true)}},
                    false, false});
  events.push_back({object{{"type", "ping"}}, false, false});

  for (const std::string& piece : plan.pieces) {
    object delta = plan.tool_id.empty()
                       ? object{{"type", "text_delta"}, {"text", piece}}
                       : object{{"type", "input_json_delta"}, {"partial_json", piece}};
    events.push_back(
        {object{{"type", "content_block_delta"}, {"index", 0}, {"delta", std::move(delta)}}, true,
         true});
  }

  events.push_back({object{{"type", "content_block_stop"}, {"index", 0}}, true, false});
  object delta{{"stop_reason", plan.stop_reason}, {"stop_sequence", nullptr}};
  if (plan.stop_sequence) delta["stop_sequence"] = *plan.stop_sequence;
  events.push_back({object{{"type", "message_delta"},
                           {"delta", std::move(delta)},
                           {"usage", object{{"output_tokens", plan.output_tokens}}}},
                    false, false});
  events.push_back({object{{"type", "message_stop"}}, false, false});
  return events;
}

boost::asio::awaitable<void> produce_events(std::shared_ptr<const MessagePlan> plan,
                                            MockStats& stats, BodyWriter& writer) {
  stats.stream_started();
  const Controls& controls = plan->controls;
  const std::vector<StreamEvent> events = stream_events(*plan);
  const object overloaded = error_event("overloaded_error", "Overloaded");
  EventWriter out(writer, controls.chunk_delay_ms > 0);

  bool sent = true;
  unsigned deltas = 0;
  for (const StreamEvent& event : events) {
    if (!sent) break;
    if (event.delta && plan->error_after && deltas >= *plan->error_after) {
      co_await out.event(overloaded);
      co_await out.flush();
      stats.stream_cut();
      co_return;
    }
    if (event.delta && controls.cut_after && deltas >= *controls.cut_after) {
      co_await out.flush();
      stats.stream_cut();
      co_return;
    }
    if (event.paced) co_await sleep_ms(controls.chunk_delay_ms);
    sent = co_await out.event(event.data);
    if (event.delta) ++deltas;
  }
  if (sent) sent = co_await out.flush();

  if (sent) {
    stats.stream_completed();
  } else {
    stats.stream_client_gone();
  }
}

boost::asio::awaitable<Response> handle_messages(MockContext& context, Request& request) {
  context.stats.record_request(request);
  if (request.header("x-api-key").empty()) {
    co_return error_response(401, "x-api-key header is required");
  }
  if (request.header("anthropic-version").empty()) {
    co_return invalid_request("anthropic-version: header is required");
  }
  Result<object> body = parse_json_object(request.body);
  if (!body) co_return invalid_request("The request body is not a valid JSON object.");
  if (std::optional<std::string> problem = invalid_body(*body)) {
    co_return invalid_request(*problem);
  }

  Controls controls =
      resolve_controls(context.defaults, string_member(*body, "model"), mock_field(*body));
  co_await sleep_ms(controls.latency_ms);
  if (controls.fail_status != 0) {
    co_return error_response(controls.fail_status, "mock upstream failure with status " +
                                                       std::to_string(controls.fail_status));
  }

  auto plan = std::make_shared<const MessagePlan>(make_plan(request, *body, controls));
  const value* stream = body->if_contains("stream");
  if (stream == nullptr || !stream->is_bool() || !stream->get_bool()) {
    Response response = Response::json(200, boost::json::serialize(message_object(*plan)));
    response.set_header("request-id", new_id("req_", 24));
    co_return response;
  }

  Response response = Response::text(200, "", "text/event-stream");
  response.set_header("cache-control", "no-cache");
  response.set_header("request-id", new_id("req_", 24));
  MockStats& stats = context.stats;
  response.stream = [plan = std::move(plan), &stats](BodyWriter& writer) {
    return produce_events(plan, stats, writer);
  };
  co_return response;
}

}  // namespace

void add_anthropic_routes(http::Router& router, MockContext& context) {
  router.add(http::Method::post, "/v1/messages",
             [&context](Request& request) { return handle_messages(context, request); },
             {.max_body_bytes = kJsonBodyLimit});
}

}  // namespace veyra::mock
