#include "providers/anthropic/stream_translation.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <utility>

#include "core/error.h"
#include "core/json.h"
#include "providers/anthropic/response_translation.h"

namespace veyra::providers::anthropic {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

constexpr std::string_view kMalformedEvent = "The model's provider sent a malformed stream event.";
constexpr std::string_view kNotStarted =
    "The model's provider sent stream content before message_start.";

// The events that change the chunk sequence; every other name is skipped unparsed.
constexpr std::string_view kHandledEvents[] = {"message_start",       "content_block_start",
                                               "content_block_delta", "message_delta",
                                               "message_stop",        "error"};

Error malformed() {
  return make_error(ErrorCode::upstream_error, std::string(kMalformedEvent));
}

std::optional<std::uint64_t> unsigned_member(const object& object, std::string_view key) {
  const value* found = object.if_contains(key);
  if (found == nullptr) return std::nullopt;
  if (found->is_uint64()) return found->get_uint64();
  if (found->is_int64() && found->get_int64() >= 0) {
    return static_cast<std::uint64_t>(found->get_int64());
  }
  return std::nullopt;
}

const object* object_member(const object& object, std::string_view key) {
  const value* found = object.if_contains(key);
  return found != nullptr ? found->if_object() : nullptr;
}

bool handled(std::string_view event) {
  return std::find(std::begin(kHandledEvents), std::end(kHandledEvents), event) !=
         std::end(kHandledEvents);
}

}  // namespace

StreamTranslator::StreamTranslator(std::string public_model, std::int64_t created,
                                   bool include_usage)
    : model_(std::move(public_model)), created_(created), include_usage_(include_usage) {}

Result<void> StreamTranslator::on_event(std::string_view event_name, std::string_view data_json,
                                        std::vector<boost::json::object>& out_chunks) {
  if (finished_) return {};
  if (!event_name.empty() && !handled(event_name)) return {};

  Result<object> event = parse_json_object(data_json);
  if (!event) return malformed();
  const std::string_view type = event_name.empty() ? string_member(*event, "type") : event_name;
  if (!handled(type)) return {};

  if (type == "error") return error_from_error_event(*event);
  if (type == "message_start") return on_message_start(*event, out_chunks);
  if (!started_) return make_error(ErrorCode::upstream_error, std::string(kNotStarted));
  if (type == "content_block_start") return on_block_start(*event, out_chunks);
  if (type == "content_block_delta") return on_block_delta(*event, out_chunks);
  if (type == "message_delta") {
    on_message_delta(*event, out_chunks);
  } else {
    on_message_stop(out_chunks);
  }
  return {};
}

Result<void> StreamTranslator::on_message_start(const object& event, std::vector<object>& out) {
  // A repeated message_start would restart nothing a client could understand.
  if (started_) return {};
  const object* message = object_member(event, "message");
  if (message == nullptr) return malformed();

  id_ = chat_completion_id(string_member(*message, "id"));
  if (const object* usage = object_member(*message, "usage")) update_usage(*usage);
  started_ = true;
  out.push_back(chunk(object{{"role", "assistant"}, {"content", ""}}, {}));
  return {};
}

Result<void> StreamTranslator::on_block_start(const object& event, std::vector<object>& out) {
  const std::optional<std::uint64_t> index = unsigned_member(event, "index");
  const object* block = object_member(event, "content_block");
  if (!index || block == nullptr) return malformed();

  const std::string_view type = string_member(*block, "type");
  if (type == "text") {
    blocks_.push_back(Block{*index, BlockKind::text, 0});
    if (const std::string_view text = string_member(*block, "text"); !text.empty()) {
      out.push_back(chunk(object{{"content", text}}, {}));
    }
  } else if (type == "tool_use") {
    const std::uint64_t call = tool_calls_++;
    blocks_.push_back(Block{*index, BlockKind::tool_use, call});
    object function{{"name", string_member(*block, "name")}, {"arguments", ""}};
    object tool_call{{"index", call},
                     {"id", string_member(*block, "id")},
                     {"type", "function"},
                     {"function", std::move(function)}};
    out.push_back(chunk(object{{"tool_calls", array{std::move(tool_call)}}}, {}));
  } else {
    blocks_.push_back(Block{*index, BlockKind::ignored, 0});
  }
  return {};
}

Result<void> StreamTranslator::on_block_delta(const object& event, std::vector<object>& out) {
  const std::optional<std::uint64_t> index = unsigned_member(event, "index");
  const object* delta = object_member(event, "delta");
  if (!index || delta == nullptr) return malformed();
  const Block* block = find_block(*index);
  if (block == nullptr) return {};

  const std::string_view type = string_member(*delta, "type");
  if (type == "text_delta" && block->kind == BlockKind::text) {
    const std::string_view text = string_member(*delta, "text");
    if (!text.empty()) out.push_back(chunk(object{{"content", text}}, {}));
  } else if (type == "input_json_delta" && block->kind == BlockKind::tool_use) {
    const std::string_view partial = string_member(*delta, "partial_json");
    if (partial.empty()) return {};
    object tool_call{{"index", block->tool_call}, {"function", object{{"arguments", partial}}}};
    out.push_back(chunk(object{{"tool_calls", array{std::move(tool_call)}}}, {}));
  }
  return {};
}

void StreamTranslator::on_message_delta(const object& event, std::vector<object>& out) {
  if (const object* usage = object_member(event, "usage")) update_usage(*usage);

  const object* delta = object_member(event, "delta");
  const std::string_view stop_reason =
      delta != nullptr ? string_member(*delta, "stop_reason") : std::string_view();
  if (stop_reason.empty() || !finish_reason_.empty()) return;
  finish_reason_ = finish_reason_for(stop_reason);
  out.push_back(chunk(object{}, finish_reason_));
}

void StreamTranslator::on_message_stop(std::vector<object>& out) {
  if (finish_reason_.empty()) {
    finish_reason_ = finish_reason_for({});
    out.push_back(chunk(object{}, finish_reason_));
  }
  if (include_usage_) {
    object usage{{"prompt_tokens", usage_.prompt_tokens},
                 {"completion_tokens", usage_.completion_tokens},
                 {"total_tokens", usage_.prompt_tokens + usage_.completion_tokens}};
    out.push_back(object{{"id", id_},
                         {"object", "chat.completion.chunk"},
                         {"created", created_},
                         {"model", model_},
                         {"choices", array{}},
                         {"usage", std::move(usage)}});
  }
  finished_ = true;
}

object StreamTranslator::chunk(object delta, std::string_view finish_reason) const {
  object choice{{"index", 0}, {"delta", std::move(delta)}, {"logprobs", nullptr}};
  if (finish_reason.empty()) {
    choice["finish_reason"] = nullptr;
  } else {
    choice["finish_reason"] = finish_reason;
  }
  object out{{"id", id_},
             {"object", "chat.completion.chunk"},
             {"created", created_},
             {"model", model_},
             {"choices", array{std::move(choice)}}};
  if (include_usage_) out["usage"] = nullptr;
  return out;
}

void StreamTranslator::update_usage(const object& usage) {
  // message_delta repeats the input counts in newer API versions and omits them in older ones.
  if (const value* input = usage.if_contains("input_tokens"); input && !input->is_null()) {
    usage_.prompt_tokens = prompt_tokens_of(usage);
  }
  if (const std::optional<std::uint64_t> output = unsigned_member(usage, "output_tokens")) {
    usage_.completion_tokens = *output;
  }
  usage_.reported = true;
}

const StreamTranslator::Block* StreamTranslator::find_block(std::uint64_t index) const {
  // The latest start of an index wins, should a provider ever reuse one.
  const auto found = std::find_if(blocks_.rbegin(), blocks_.rend(),
                                  [index](const Block& block) { return block.index == index; });
  return found == blocks_.rend() ? nullptr : &*found;
}

}  // namespace veyra::providers::anthropic
