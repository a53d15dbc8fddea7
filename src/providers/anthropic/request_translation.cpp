#include "providers/anthropic/request_translation.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/json.h"

namespace veyra::providers::anthropic {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

constexpr double kMaxOpenAiTemperature = 2.0;
constexpr double kMaxAnthropicTemperature = 1.0;
constexpr std::string_view kSystemSeparator = "\n\n";
constexpr std::string_view kDataUrlPrefix = "data:";
constexpr std::string_view kBase64Marker = ";base64,";
constexpr std::string_view kImageMediaTypes[] = {"image/jpeg", "image/png", "image/gif",
                                                 "image/webp"};

// Which content parts a message of a given role may carry.
enum class PartRole { system, user, assistant, tool };

struct Turn {
  std::string_view role;  // "user" or "assistant"
  array blocks;
};

Error invalid(std::string_view param, std::string message) {
  return make_error(ErrorCode::invalid_field, std::move(message), std::string(param));
}

// The member `key`, or nullptr when it is absent or null: OpenAI clients send null for unset.
const value* present(const object& object, std::string_view key) {
  const value* found = object.if_contains(key);
  return found == nullptr || found->is_null() ? nullptr : found;
}

std::string_view view(const boost::json::string& text) {
  return {text.data(), text.size()};
}

std::optional<double> as_number(const value& number) {
  if (number.is_int64()) return static_cast<double>(number.get_int64());
  if (number.is_uint64()) return static_cast<double>(number.get_uint64());
  if (number.is_double()) return number.get_double();
  return std::nullopt;
}

// An integer, also when written as an integral double (100.0); nullopt otherwise.
std::optional<std::int64_t> as_integer(const value& number) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  if (number.is_int64()) return number.get_int64();
  if (number.is_uint64())
    return static_cast<std::int64_t>(
        std::min<std::uint64_t>(number.get_uint64(), static_cast<std::uint64_t>(kMax)));
  if (number.is_double()) {
    const double real = number.get_double();
    if (real > -9e18 && real < 9e18 && std::trunc(real) == real) {
      return static_cast<std::int64_t>(real);
    }
  }
  return std::nullopt;
}

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

object text_block(std::string_view text) {
  return object{{"type", "text"}, {"text", text}};
}

// A turn or tool result holding one text block is sent as that text alone.
value simplified(array blocks) {
  if (blocks.size() == 1 && string_member(blocks[0].as_object(), "type") == "text") {
    return blocks[0].as_object()["text"];
  }
  return blocks;
}

Result<object> image_block(const object& part, const std::string& where) {
  std::string_view url;
  if (const value* image = present(part, "image_url")) {
    if (image->is_object()) url = string_member(image->get_object(), "url");
    if (image->is_string()) url = view(image->get_string());
  }
  if (url.empty()) return invalid("messages", where + ": image_url.url is required.");

  object source;
  if (url.starts_with(kDataUrlPrefix)) {
    const std::size_t marker = url.find(kBase64Marker);
    if (marker == std::string_view::npos) {
      return invalid("messages", where + ": image data URLs must be base64-encoded.");
    }
    const std::string_view media_type =
        url.substr(kDataUrlPrefix.size(), marker - kDataUrlPrefix.size());
    if (std::find(std::begin(kImageMediaTypes), std::end(kImageMediaTypes), media_type) ==
        std::end(kImageMediaTypes)) {
      return invalid("messages", where + ": image type '" + std::string(media_type) +
                                     "' is not supported by this model's provider (jpeg, png, "
                                     "gif and webp are).");
    }
    source["type"] = "base64";
    source["media_type"] = media_type;
    source["data"] = url.substr(marker + kBase64Marker.size());
  } else if (url.starts_with("https://") || url.starts_with("http://")) {
    source["type"] = "url";
    source["url"] = url;
  } else {
    return invalid("messages", where + ": an image URL must be an http(s) or a data: URL.");
  }
  return object{{"type", "image"}, {"source", std::move(source)}};
}

// Appends the blocks of an OpenAI `content` (a string or an array of parts) to `blocks`.
Status append_content(const value& content, const std::string& where, PartRole role,
                      array& blocks) {
  if (content.is_string()) {
    if (!content.get_string().empty()) blocks.push_back(text_block(view(content.get_string())));
    return {};
  }
  if (!content.is_array()) {
    return invalid("messages", where + ".content must be a string or an array of parts.");
  }

  for (std::size_t i = 0; i < content.get_array().size(); ++i) {
    const std::string part_where = where + ".content[" + std::to_string(i) + "]";
    const object* part = content.get_array()[i].if_object();
    if (part == nullptr) return invalid("messages", part_where + " must be an object.");

    const std::string_view type = string_member(*part, "type");
    if (type == "text" || (type == "refusal" && role == PartRole::assistant)) {
      const std::string_view text = string_member(*part, type);
      if (!text.empty()) blocks.push_back(text_block(text));
    } else if (type == "image_url" && role == PartRole::user) {
      Result<object> image = image_block(*part, part_where);
      if (!image) return std::move(image).error();
      blocks.push_back(std::move(*image));
    } else {
      return invalid("messages", part_where + ": content parts of type '" + std::string(type) +
                                     "' are not supported here by this model's provider.");
    }
  }
  return {};
}

// `arguments` of an OpenAI tool call, parsed into the object Anthropic wants as `input`.
Result<object> tool_input(const object& function, const std::string& where) {
  const value* arguments = present(function, "arguments");
  if (arguments == nullptr) return object{};
  if (!arguments->is_string()) {
    return invalid("messages", where + ".function.arguments must be a string of JSON.");
  }
  if (is_blank(view(arguments->get_string()))) return object{};

  boost::system::error_code ec;
  value parsed = boost::json::parse(view(arguments->get_string()), ec);
  if (ec || !parsed.is_object()) {
    return invalid("messages", where + ".function.arguments is not a JSON object.");
  }
  return std::move(parsed.get_object());
}

Status append_tool_calls(const value& tool_calls, const std::string& where, array& blocks) {
  if (!tool_calls.is_array()) return invalid("messages", where + ".tool_calls must be an array.");

  for (std::size_t i = 0; i < tool_calls.get_array().size(); ++i) {
    const std::string call_where = where + ".tool_calls[" + std::to_string(i) + "]";
    const object* call = tool_calls.get_array()[i].if_object();
    const value* function_value = call != nullptr ? present(*call, "function") : nullptr;
    const object* function = function_value != nullptr ? function_value->if_object() : nullptr;
    if (function == nullptr || string_member(*call, "id").empty() ||
        string_member(*function, "name").empty()) {
      return invalid("messages", call_where + " needs an id and a function with a name.");
    }
    if (present(*call, "type") != nullptr && string_member(*call, "type") != "function") {
      return invalid("messages", call_where + ": only function tool calls are supported.");
    }

    Result<object> input = tool_input(*function, call_where);
    if (!input) return std::move(input).error();
    blocks.push_back(object{{"type", "tool_use"},
                            {"id", string_member(*call, "id")},
                            {"name", string_member(*function, "name")},
                            {"input", std::move(*input)}});
  }
  return {};
}

// Adds a turn, merging it into the previous one when both have the same role. A user turn
// keeps its tool_result blocks first, as Anthropic requires.
void add_turn(std::vector<Turn>& turns, std::string_view role, array blocks) {
  if (blocks.empty()) return;
  if (turns.empty() || turns.back().role != role) {
    turns.push_back(Turn{role, std::move(blocks)});
    return;
  }
  array& merged = turns.back().blocks;
  for (value& block : blocks) merged.push_back(std::move(block));
  std::stable_partition(merged.begin(), merged.end(), [](const value& block) {
    return string_member(block.as_object(), "type") == "tool_result";
  });
}

// Translates `messages` into `system` and the alternating turns.
Status translate_messages(const array& messages, std::string& system, std::vector<Turn>& turns) {
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const std::string where = "messages[" + std::to_string(i) + "]";
    const object* message = messages[i].if_object();
    if (message == nullptr) return invalid("messages", where + " must be an object.");
    const std::string_view role = string_member(*message, "role");
    const value* content = present(*message, "content");

    if (role == "system" || role == "developer") {
      array parts;
      if (content != nullptr) {
        if (Status added = append_content(*content, where, PartRole::system, parts); !added) {
          return added;
        }
      }
      for (const value& part : parts) {
        if (!system.empty()) system += kSystemSeparator;
        system += string_member(part.as_object(), "text");
      }
    } else if (role == "user" || role == "assistant") {
      const PartRole part_role = role == "user" ? PartRole::user : PartRole::assistant;
      array blocks;
      if (content != nullptr) {
        if (Status added = append_content(*content, where, part_role, blocks); !added) {
          return added;
        }
      }
      if (const value* calls = present(*message, "tool_calls"); calls && role == "assistant") {
        if (Status added = append_tool_calls(*calls, where, blocks); !added) return added;
      }
      add_turn(turns, role == "user" ? "user" : "assistant", std::move(blocks));
    } else if (role == "tool") {
      const std::string_view tool_call_id = string_member(*message, "tool_call_id");
      if (tool_call_id.empty()) {
        return invalid("messages", where + ".tool_call_id is required for a tool message.");
      }
      array result;
      if (content != nullptr) {
        if (Status added = append_content(*content, where, PartRole::tool, result); !added) {
          return added;
        }
      }
      object block{{"type", "tool_result"}, {"tool_use_id", tool_call_id}};
      if (!result.empty()) block["content"] = simplified(std::move(result));
      add_turn(turns, "user", array{std::move(block)});
    } else {
      return invalid("messages",
                     where + ".role must be system, developer, user, assistant or tool.");
    }
  }

  if (turns.empty()) {
    return invalid("messages",
                   "messages must hold at least one user, assistant or tool "
                   "message with content.");
  }
  return {};
}

Result<std::int64_t> max_tokens(const object& request, std::uint32_t default_max_tokens) {
  for (const std::string_view key : {"max_completion_tokens", "max_tokens"}) {
    if (const value* limit = present(request, key)) {
      const std::optional<std::int64_t> tokens = as_integer(*limit);
      if (!tokens || *tokens < 1) {
        return invalid(key, std::string(key) + " must be a positive integer.");
      }
      return *tokens;
    }
  }
  return static_cast<std::int64_t>(default_max_tokens);
}

Status translate_stop(const value& stop, object& out) {
  array sequences;
  if (stop.is_string()) {
    if (!stop.get_string().empty()) sequences.push_back(stop);
  } else if (stop.is_array()) {
    for (const value& sequence : stop.get_array()) {
      if (!sequence.is_string()) {
        return invalid("stop", "stop must be a string or an array of strings.");
      }
      if (!sequence.get_string().empty()) sequences.push_back(sequence);
    }
  } else {
    return invalid("stop", "stop must be a string or an array of strings.");
  }
  if (!sequences.empty()) out["stop_sequences"] = std::move(sequences);
  return {};
}

Status translate_sampling(const object& request, object& out) {
  if (const value* temperature = present(request, "temperature")) {
    const std::optional<double> number = as_number(*temperature);
    if (!number || *number < 0 || *number > kMaxOpenAiTemperature) {
      return invalid("temperature", "temperature must be a number between 0 and 2.");
    }
    // Anthropic's scale ends at 1: the hottest OpenAI settings become its hottest.
    out["temperature"] = *number > kMaxAnthropicTemperature ? value(1) : *temperature;
  }
  if (const value* top_p = present(request, "top_p")) {
    const std::optional<double> number = as_number(*top_p);
    if (!number || *number < 0 || *number > 1) {
      return invalid("top_p", "top_p must be a number between 0 and 1.");
    }
    out["top_p"] = *top_p;
  }
  if (const value* n = present(request, "n")) {
    const std::optional<std::int64_t> choices = as_integer(*n);
    if (!choices || *choices < 1) return invalid("n", "n must be a positive integer.");
    if (*choices > 1) {
      return invalid("n",
                     "n > 1 is not supported by this model's provider; ask for one "
                     "choice per request.");
    }
  }
  return {};
}

Result<array> translate_tools(const array& tools) {
  array translated;
  for (std::size_t i = 0; i < tools.size(); ++i) {
    const std::string where = "tools[" + std::to_string(i) + "]";
    const object* tool = tools[i].if_object();
    if (tool == nullptr || string_member(*tool, "type") != "function") {
      return invalid("tools", where +
                                  ": only tools of type function are supported by this "
                                  "model's provider.");
    }
    const value* function_value = present(*tool, "function");
    const object* function = function_value != nullptr ? function_value->if_object() : nullptr;
    if (function == nullptr || string_member(*function, "name").empty()) {
      return invalid("tools", where + ".function.name is required.");
    }

    object out{{"name", string_member(*function, "name")}};
    if (const std::string_view description = string_member(*function, "description");
        !description.empty()) {
      out["description"] = description;
    }
    const value* parameters = present(*function, "parameters");
    if (parameters != nullptr && !parameters->is_object()) {
      return invalid("tools", where + ".function.parameters must be a JSON Schema object.");
    }
    // Anthropic requires a schema; OpenAI's absent parameters mean "takes no arguments".
    out["input_schema"] = parameters != nullptr
                              ? *parameters
                              : value(object{{"type", "object"}, {"properties", object{}}});
    translated.push_back(std::move(out));
  }
  return translated;
}

Result<object> translate_tool_choice(const value& choice) {
  const std::string_view mode = choice.is_string() ? view(choice.get_string()) : "";
  if (mode == "auto") return object{{"type", "auto"}};
  if (mode == "none") return object{{"type", "none"}};
  if (mode == "required") return object{{"type", "any"}};
  const object* named = choice.if_object();
  if (named != nullptr && string_member(*named, "type") == "function") {
    const value* function = present(*named, "function");
    if (function != nullptr && function->is_object() &&
        !string_member(function->get_object(), "name").empty()) {
      return object{{"type", "tool"}, {"name", string_member(function->get_object(), "name")}};
    }
  }
  return invalid("tool_choice",
                 "tool_choice must be \"auto\", \"none\", \"required\" or "
                 "{\"type\":\"function\",\"function\":{\"name\":...}}.");
}

// tools, tool_choice and parallel_tool_calls; nothing is added when there are no tools.
Status translate_tool_fields(const object& request, object& out) {
  const value* tools = present(request, "tools");
  if (tools == nullptr) return {};
  if (!tools->is_array()) return invalid("tools", "tools must be an array.");
  Result<array> translated = translate_tools(tools->get_array());
  if (!translated) return std::move(translated).error();
  if (translated->empty()) return {};
  out["tools"] = std::move(*translated);

  std::optional<object> choice;
  if (const value* requested = present(request, "tool_choice")) {
    Result<object> mapped = translate_tool_choice(*requested);
    if (!mapped) return std::move(mapped).error();
    choice = std::move(*mapped);
  }
  if (const value* parallel = present(request, "parallel_tool_calls")) {
    if (!parallel->is_bool()) {
      return invalid("parallel_tool_calls", "parallel_tool_calls must be a boolean.");
    }
    if (!parallel->get_bool() && (!choice || string_member(*choice, "type") != "none")) {
      if (!choice) choice = object{{"type", "auto"}};
      (*choice)["disable_parallel_tool_use"] = true;
    }
  }
  if (choice) out["tool_choice"] = std::move(*choice);
  return {};
}

}  // namespace

Result<boost::json::object> to_messages_request(const boost::json::object& chat_request,
                                                std::string_view upstream_model,
                                                std::uint32_t default_max_tokens) {
  const value* messages = chat_request.if_contains("messages");
  if (messages == nullptr || messages->is_null()) {
    return make_error(ErrorCode::missing_field, "messages is required.", "messages");
  }
  if (!messages->is_array()) return invalid("messages", "messages must be an array.");
  std::string system;
  std::vector<Turn> turns;
  if (Status translated = translate_messages(messages->get_array(), system, turns); !translated) {
    return std::move(translated).error();
  }

  Result<std::int64_t> limit = max_tokens(chat_request, default_max_tokens);
  if (!limit) return std::move(limit).error();
  object out;
  out["model"] = upstream_model;
  out["max_tokens"] = *limit;
  if (!system.empty()) out["system"] = system;
  array& out_messages = out["messages"].emplace_array();
  for (Turn& turn : turns) {
    out_messages.push_back(
        object{{"role", turn.role}, {"content", simplified(std::move(turn.blocks))}});
  }

  if (const value* stop = present(chat_request, "stop")) {
    if (Status translated = translate_stop(*stop, out); !translated) {
      return std::move(translated).error();
    }
  }
  if (Status translated = translate_sampling(chat_request, out); !translated) {
    return std::move(translated).error();
  }
  if (const value* stream = present(chat_request, "stream")) {
    if (!stream->is_bool()) return invalid("stream", "stream must be a boolean.");
    if (stream->get_bool()) out["stream"] = true;
  }
  if (Status translated = translate_tool_fields(chat_request, out); !translated) {
    return std::move(translated).error();
  }
  if (const value* user = present(chat_request, "user")) {
    if (!user->is_string()) return invalid("user", "user must be a string.");
    if (!user->get_string().empty()) out["metadata"] = object{{"user_id", *user}};
  }
  return out;
}

}  // namespace veyra::providers::anthropic
