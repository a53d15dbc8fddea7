// Validation of the model endpoints' requests: only what Veyra itself needs (the model, the
// shape of messages, the input type, the audio form); every other field passes through to
// the provider untouched, so new OpenAI fields keep working. Errors name the `param`.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "core/result.h"
#include "http/multipart.h"

namespace veyra::api {

struct ChatRequest {
  std::string model;
  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage
};

// Errors: missing_field / invalid_field for model, messages (non-empty array of objects with
// a string role and string, array or null content; param "messages[i].role" ...), stream,
// stream_options.
Result<ChatRequest> validate_chat_request(const boost::json::object& body);

// input: a non-empty string or array of strings, or token ids (array of integers, or array
// of such arrays); encoding_format float|base64; dimensions a positive integer.
Result<std::string> validate_embeddings_request(const boost::json::object& body);

// prompt: a non-empty string; n a positive integer when present.
Result<std::string> validate_image_request(const boost::json::object& body);

struct TranscriptionRequest {
  std::string model;
  std::string response_format = "json";
};

// The collected form: a file part, a model, and when present a response_format of json, text,
// srt, vtt or verbose_json and a numeric temperature.
Result<TranscriptionRequest> validate_transcription_form(const http::MultipartForm& form);

}  // namespace veyra::api
