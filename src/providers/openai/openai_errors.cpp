#include <boost/json/parse.hpp>
#include <string>

#include "providers/openai/openai_provider.h"

namespace veyra::providers::openai {

namespace {

constexpr std::size_t kMaxMessageBytes = 1000;

// The error object's message and param, when the body is the OpenAI envelope.
std::pair<std::string, std::string> envelope_fields(std::string_view body) {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) return {};
  const auto* error = value.get_object().if_contains("error");
  if (error == nullptr) return {};
  if (const auto* text = error->if_string()) return {std::string(*text), {}};
  if (!error->is_object()) return {};
  std::pair<std::string, std::string> fields;
  const auto& object = error->get_object();
  if (const auto* message = object.if_contains("message"); message && message->is_string()) {
    fields.first = std::string(message->get_string());
  }
  if (const auto* param = object.if_contains("param"); param && param->is_string()) {
    fields.second = std::string(param->get_string());
  }
  if (fields.first.size() > kMaxMessageBytes) fields.first.resize(kMaxMessageBytes);
  return fields;
}

}  // namespace

Error error_from_response(unsigned status, std::string_view body) {
  switch (status) {
    case 400:
    case 409:
    case 413:
    case 415:
    case 422: {
      auto [message, param] = envelope_fields(body);
      if (message.empty()) message = "The provider rejected the request.";
      return make_error(ErrorCode::invalid_field, "The provider rejected the request: " + message,
                        param);
    }
    case 408:
    case 504:
      return make_error(ErrorCode::upstream_timeout, "The provider timed out.");
    case 429:
      return make_error(ErrorCode::upstream_unavailable, "The provider is rate limiting requests.");
    case 503:
    case 529:
      return make_error(ErrorCode::upstream_unavailable, "The provider is unavailable.");
    case 401:
    case 403:
      return make_error(ErrorCode::upstream_error,
                        "The provider refused the gateway's credentials.");
    default:
      return make_error(ErrorCode::upstream_error,
                        "The provider failed (HTTP " + std::to_string(status) + ").");
  }
}

}  // namespace veyra::providers::openai
