#include "api/model_requests.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace veyra::api {

namespace {

Result<std::string> model_of(const boost::json::object& body) {
  const auto* model = body.if_contains("model");
  if (model == nullptr || model->is_null()) {
    return make_error(ErrorCode::missing_field, "model is required.", "model");
  }
  if (!model->is_string() || model->get_string().empty()) {
    return make_error(ErrorCode::invalid_field, "model must be a non-empty string.", "model");
  }
  return std::string(model->get_string());
}

bool is_positive_integer(const boost::json::value& value) {
  return (value.is_int64() && value.get_int64() > 0) ||
         (value.is_uint64() && value.get_uint64() > 0);
}

bool is_token_ids(const boost::json::array& items) {
  if (items.empty()) return false;
  for (const auto& item : items) {
    if (!item.is_int64() && !item.is_uint64()) return false;
  }
  return true;
}

Status validate_message(const boost::json::value& value, std::size_t index) {
  static constexpr std::array<std::string_view, 6> kRoles = {"system",    "developer", "user",
                                                             "assistant", "tool",      "function"};
  std::string where = "messages[" + std::to_string(index) + "]";
  const auto* message = value.if_object();
  if (message == nullptr) {
    return make_error(ErrorCode::invalid_field, where + " must be an object.", where);
  }
  const auto* role = message->if_contains("role");
  if (role == nullptr) {
    return make_error(ErrorCode::missing_field, where + ".role is required.", where + ".role");
  }
  if (!role->is_string() || std::find(kRoles.begin(), kRoles.end(),
                                      std::string_view(role->get_string())) == kRoles.end()) {
    return make_error(ErrorCode::invalid_field,
                      where + ".role must be one of system, developer, user, assistant, tool.",
                      where + ".role");
  }
  const auto* content = message->if_contains("content");
  bool assistant = role->get_string() == "assistant";
  if (content == nullptr || content->is_null()) {
    if (assistant) return {};
    return make_error(ErrorCode::missing_field, where + ".content is required.",
                      where + ".content");
  }
  if (!content->is_string() && !content->is_array()) {
    return make_error(ErrorCode::invalid_field,
                      where + ".content must be a string or an array of content parts.",
                      where + ".content");
  }
  if (const auto* parts = content->if_array()) {
    for (std::size_t i = 0; i < parts->size(); ++i) {
      const auto* part = (*parts)[i].if_object();
      std::string part_where = where + ".content[" + std::to_string(i) + "]";
      if (part == nullptr || !part->contains("type") || !(*part).at("type").is_string()) {
        return make_error(ErrorCode::invalid_field,
                          part_where + " must be an object with a string type.", part_where);
      }
    }
  }
  return {};
}

}  // namespace

Result<ChatRequest> validate_chat_request(const boost::json::object& body) {
  ChatRequest request;
  auto model = model_of(body);
  if (!model) return std::move(model).error();
  request.model = std::move(*model);

  const auto* messages = body.if_contains("messages");
  if (messages == nullptr || messages->is_null()) {
    return make_error(ErrorCode::missing_field, "messages is required.", "messages");
  }
  if (!messages->is_array() || messages->get_array().empty()) {
    return make_error(ErrorCode::invalid_field, "messages must be a non-empty array.", "messages");
  }
  const auto& list = messages->get_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (Status valid = validate_message(list[i], i); !valid) return valid.error();
  }

  if (const auto* stream = body.if_contains("stream"); stream != nullptr && !stream->is_null()) {
    if (!stream->is_bool()) {
      return make_error(ErrorCode::invalid_field, "stream must be a boolean.", "stream");
    }
    request.stream = stream->get_bool();
  }
  if (const auto* options = body.if_contains("stream_options");
      options != nullptr && !options->is_null()) {
    if (!options->is_object()) {
      return make_error(ErrorCode::invalid_field, "stream_options must be an object.",
                        "stream_options");
    }
    if (const auto* usage = options->get_object().if_contains("include_usage")) {
      if (!usage->is_bool()) {
        return make_error(ErrorCode::invalid_field,
                          "stream_options.include_usage must be a boolean.",
                          "stream_options.include_usage");
      }
      request.include_usage = usage->get_bool();
    }
  }
  return request;
}

Result<std::string> validate_embeddings_request(const boost::json::object& body) {
  auto model = model_of(body);
  if (!model) return model;

  const auto* input = body.if_contains("input");
  if (input == nullptr || input->is_null()) {
    return make_error(ErrorCode::missing_field, "input is required.", "input");
  }
  bool valid = false;
  if (input->is_string()) {
    valid = !input->get_string().empty();
  } else if (const auto* items = input->if_array(); items != nullptr && !items->empty()) {
    valid = true;
    bool strings = (*items)[0].is_string();
    for (const auto& item : *items) {
      if (strings) {
        valid = valid && item.is_string() && !item.get_string().empty();
      } else if (const auto* ids = item.if_array()) {
        valid = valid && is_token_ids(*ids);
      } else {
        valid = valid && (item.is_int64() || item.is_uint64());
      }
    }
  }
  if (!valid) {
    return make_error(ErrorCode::invalid_field,
                      "input must be a non-empty string, an array of non-empty strings, or token "
                      "ids.",
                      "input");
  }

  if (const auto* format = body.if_contains("encoding_format");
      format != nullptr && !format->is_null()) {
    if (!format->is_string() ||
        (format->get_string() != "float" && format->get_string() != "base64")) {
      return make_error(ErrorCode::invalid_field, "encoding_format must be float or base64.",
                        "encoding_format");
    }
  }
  if (const auto* dimensions = body.if_contains("dimensions");
      dimensions != nullptr && !dimensions->is_null() && !is_positive_integer(*dimensions)) {
    return make_error(ErrorCode::invalid_field, "dimensions must be a positive integer.",
                      "dimensions");
  }
  return model;
}

Result<std::string> validate_image_request(const boost::json::object& body) {
  auto model = model_of(body);
  if (!model) return model;
  const auto* prompt = body.if_contains("prompt");
  if (prompt == nullptr || prompt->is_null()) {
    return make_error(ErrorCode::missing_field, "prompt is required.", "prompt");
  }
  if (!prompt->is_string() || prompt->get_string().empty()) {
    return make_error(ErrorCode::invalid_field, "prompt must be a non-empty string.", "prompt");
  }
  if (const auto* n = body.if_contains("n");
      n != nullptr && !n->is_null() && !is_positive_integer(*n)) {
    return make_error(ErrorCode::invalid_field, "n must be a positive integer.", "n");
  }
  return model;
}

Result<TranscriptionRequest> validate_transcription_form(const http::MultipartForm& form) {
  TranscriptionRequest request;
  const http::MultipartField* file = form.find("file");
  if (file == nullptr) {
    return make_error(ErrorCode::missing_field, "file is required.", "file");
  }
  if (!file->filename || file->data.empty()) {
    return make_error(ErrorCode::invalid_field, "file must be a non-empty file upload.", "file");
  }
  const http::MultipartField* model = form.find("model");
  if (model == nullptr) return make_error(ErrorCode::missing_field, "model is required.", "model");
  if (model->data.empty() || model->filename) {
    return make_error(ErrorCode::invalid_field, "model must be a non-empty text field.", "model");
  }
  request.model = model->data;

  if (const auto* format = form.find("response_format")) {
    static constexpr std::array<std::string_view, 5> kFormats = {"json", "text", "srt", "vtt",
                                                                 "verbose_json"};
    if (std::find(kFormats.begin(), kFormats.end(), format->data) == kFormats.end()) {
      return make_error(ErrorCode::invalid_field,
                        "response_format must be one of json, text, srt, vtt, verbose_json.",
                        "response_format");
    }
    request.response_format = format->data;
  }
  if (const auto* temperature = form.find("temperature")) {
    double value = 0;
    const char* end = temperature->data.data() + temperature->data.size();
    auto parsed = std::from_chars(temperature->data.data(), end, value);
    if (parsed.ec != std::errc() || parsed.ptr != end || value < 0 || value > 1) {
      return make_error(ErrorCode::invalid_field, "temperature must be a number from 0 to 1.",
                        "temperature");
    }
  }
  return request;
}

}  // namespace veyra::api
