#include "providers/openai/openai_provider.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "http/multipart.h"
#include "providers/openai/openai_stream.h"
#include "providers/usage_estimate.h"

namespace veyra::providers::openai {

namespace {

constexpr std::size_t kMaxAnswerBytes = 128 * 1024 * 1024;  // images in base64 are large
constexpr std::size_t kMaxErrorBytes = 64 * 1024;

std::string_view endpoint_path(Capability capability) {
  switch (capability) {
    case Capability::chat:
      return "/chat/completions";
    case Capability::embeddings:
      return "/embeddings";
    case Capability::images:
      return "/images/generations";
    case Capability::audio:
      return "/audio/transcriptions";
  }
  return "/chat/completions";
}

bool is_json(std::string_view content_type) {
  return content_type.empty() || content_type.find("json") != std::string_view::npos;
}

std::uint64_t count_member(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr) return 0;
  if (value->is_uint64()) return value->get_uint64();
  if (value->is_int64() && value->get_int64() > 0)
    return static_cast<std::uint64_t>(value->get_int64());
  return 0;
}

// The usage an answer reports (chat, embeddings, transcription token shapes), or an estimate.
Usage answer_usage(const ModelCall& call, const boost::json::object& answer) {
  Usage usage;
  if (const auto* reported = answer.if_contains("usage"); reported && reported->is_object()) {
    const auto& counts = reported->get_object();
    usage.prompt_tokens =
        count_member(counts, "prompt_tokens") + count_member(counts, "input_tokens");
    usage.completion_tokens =
        count_member(counts, "completion_tokens") + count_member(counts, "output_tokens");
    usage.reported = true;
    return usage;
  }
  if (call.body != nullptr && call.capability == Capability::chat) {
    usage.prompt_tokens = estimate_chat_prompt_tokens(*call.body);
    usage.completion_tokens = estimate_completion_tokens(answer);
  } else if (call.body != nullptr && call.capability == Capability::embeddings) {
    if (const auto* input = call.body->if_contains("input")) {
      usage.prompt_tokens = estimate_input_tokens(*input);
    }
  }
  return usage;
}

}  // namespace

OpenAiProvider::OpenAiProvider(const ProviderConfig& config, http::UpstreamClient& client)
    : base_url_(config.base_url), client_(client) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
  if (!config.api_key.empty()) authorization_ = "Bearer " + config.api_key;
}

http::UpstreamRequest OpenAiProvider::build_request(const ModelCall& call,
                                                    std::string_view upstream_model) const {
  http::UpstreamRequest request;
  request.url = base_url_ + std::string(endpoint_path(call.capability));
  if (!authorization_.empty()) request.headers.emplace_back("Authorization", authorization_);
  request.headers.emplace_back("X-Request-Id", std::string(call.request_id));

  if (call.form != nullptr) {
    // Audio: the caller's form again, with the deployment's model.
    http::MultipartBuilder form;
    for (const http::MultipartField& field : call.form->fields) {
      if (field.filename) {
        form.add_file(field.name, *field.filename, field.content_type, field.data);
      } else if (field.name == "model") {
        form.add_field("model", upstream_model);
      } else {
        form.add_field(field.name, field.data);
      }
    }
    request.headers.emplace_back("Content-Type", form.content_type());
    request.headers.emplace_back("Accept", "application/json, text/plain, */*");
    request.body = std::move(form).finish();
    return request;
  }

  boost::json::object& body = *call.body;
  body["model"] = upstream_model;
  if (call.stream) {
    // Ask for the usage chunk whatever the caller asked; the stream drops it when unwanted.
    auto* options = body.if_contains("stream_options");
    if (options == nullptr || !options->is_object()) {
      body["stream_options"] = boost::json::object{{"include_usage", true}};
    } else {
      options->get_object()["include_usage"] = true;
    }
  }
  request.headers.emplace_back("Content-Type", "application/json");
  request.headers.emplace_back("Accept", call.stream ? "text/event-stream" : "application/json");
  request.body = boost::json::serialize(body);
  return request;
}

boost::asio::awaitable<Result<ProviderAnswer>> OpenAiProvider::call(
    ModelCall& call, std::string_view upstream_model) {
  auto sent = co_await client_.send(build_request(call, upstream_model), call.client);
  if (!sent) co_return std::move(sent).error();
  std::unique_ptr<http::UpstreamResponse> response = std::move(*sent);
  unsigned status = response->status();

  if (status >= 400 || status < 200) {
    auto body = co_await response->read_all(kMaxErrorBytes);
    co_return error_from_response(status, body ? std::string_view(*body) : std::string_view());
  }
  std::string content_type(response->header("Content-Type"));

  if (call.stream) {
    if (content_type.find("text/event-stream") == std::string::npos) {
      response->cancel();
      co_return make_error(ErrorCode::upstream_error, "The provider did not answer with a stream.");
    }
    ProviderAnswer answer;
    answer.stream = std::make_unique<OpenAiChatStream>(std::move(response), call);
    co_return answer;
  }

  auto body = co_await response->read_all(kMaxAnswerBytes);
  if (!body) co_return std::move(body).error();
  ProviderAnswer answer;
  answer.status = status;
  answer.content_type = content_type.empty() ? "application/json" : content_type;
  if (!is_json(content_type)) {
    // Transcripts as text, srt or vtt pass through untouched.
    answer.body = std::move(*body);
    co_return answer;
  }

  boost::system::error_code ec;
  boost::json::monotonic_resource memory;  // one arena for the answer's values
  auto parsed = boost::json::parse(*body, ec, &memory);
  if (ec || !parsed.is_object()) {
    co_return make_error(ErrorCode::upstream_error, "The provider's answer is not valid JSON.");
  }
  auto& object = parsed.get_object();
  if (object.contains("model")) object["model"] = call.public_model;
  answer.usage = answer_usage(call, object);
  answer.body = boost::json::serialize(object);
  co_return answer;
}

}  // namespace veyra::providers::openai
