// POST /v1/audio/transcriptions. Reads the multipart form (`file`, `model`, optional
// `response_format`, `language`, and `mock` as JSON text) and answers "mock transcription
// of N bytes" in the asked format: json (default), text, srt, vtt or verbose_json. The
// "duration" assumes 16 kHz 16-bit mono PCM, i.e. 32,000 bytes a second.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <cstdio>
#include <string>

#include "http/multipart.h"
#include "mock_routes.h"

namespace veyra::mock {
namespace {

using http::Request;
using http::Response;

constexpr double kBytesPerSecond = 32000.0;

// "HH:MM:SS<separator>mmm", as SRT (',') and WebVTT ('.') write cue times.
std::string cue_time(double seconds, char separator) {
  auto millis = static_cast<long long>(std::llround(seconds * 1000.0));
  char text[32];
  std::snprintf(text, sizeof text, "%02lld:%02lld:%02lld%c%03lld", millis / 3'600'000,
                millis / 60'000 % 60, millis / 1000 % 60, separator, millis % 1000);
  return text;
}

std::string verbose_json(const std::string& text, std::string_view language, double duration) {
  boost::json::object segment;
  segment["id"] = 0;
  segment["seek"] = 0;
  segment["start"] = 0.0;
  segment["end"] = duration;
  segment["text"] = text;
  segment["tokens"] = boost::json::array{};
  segment["temperature"] = 0.0;
  segment["avg_logprob"] = -0.1;
  segment["compression_ratio"] = 1.0;
  segment["no_speech_prob"] = 0.0;

  boost::json::object answer;
  answer["task"] = "transcribe";
  answer["language"] = language.empty() ? std::string_view("english") : language;
  answer["duration"] = duration;
  answer["text"] = text;
  answer["segments"] = boost::json::array{std::move(segment)};
  return boost::json::serialize(answer);
}

// The `mock` form field parsed as a JSON object; empty when absent or not an object.
boost::json::object mock_form_field(const http::MultipartForm& form) {
  const http::MultipartField* part = form.find("mock");
  if (part == nullptr) return {};
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(part->data, ec);
  if (ec || !parsed.is_object()) return {};
  return std::move(parsed.get_object());
}

boost::asio::awaitable<Response> handle_transcription(MockContext& context, Request& request) {
  context.stats.record_request(request);
  // The gateway's own parser: 415 when not multipart, 400 when malformed, 413 beyond 25 MB.
  auto parts = http::parse_multipart_form(request.header("Content-Type"), request.body);
  if (!parts) co_return Response::error(parts.error());

  const http::MultipartField* file = parts->find("file");
  if (file == nullptr) {
    co_return Response::error(ErrorCode::missing_field, "file is required.", "file");
  }
  const http::MultipartField* model = parts->find("model");
  if (model == nullptr || model->data.empty()) {
    co_return Response::error(ErrorCode::missing_field, "model is required.", "model");
  }
  const http::MultipartField* format_part = parts->find("response_format");
  std::string_view format = format_part != nullptr ? std::string_view(format_part->data) : "json";
  if (format != "json" && format != "text" && format != "srt" && format != "vtt" &&
      format != "verbose_json") {
    co_return Response::error(ErrorCode::invalid_field,
                              "response_format must be json, text, srt, vtt or verbose_json.",
                              "response_format");
  }
  boost::json::object mock = mock_form_field(*parts);
  Controls controls = resolve_controls(context.defaults, model->data, &mock);
  if (auto failure = co_await run_prelude(controls)) co_return std::move(*failure);

  std::string text = "mock transcription of " + std::to_string(file->data.size()) + " bytes";
  double duration = std::max(
      0.1, std::round(static_cast<double>(file->data.size()) / kBytesPerSecond * 100) / 100);
  constexpr std::string_view kPlain = "text/plain; charset=utf-8";
  if (format == "text") co_return Response::text(200, text + "\n", std::string(kPlain));
  if (format == "srt") {
    co_return Response::text(
        200, "1\n" + cue_time(0, ',') + " --> " + cue_time(duration, ',') + "\n" + text + "\n\n",
        std::string(kPlain));
  }
  if (format == "vtt") {
    co_return Response::text(
        200,
        "WEBVTT\n\n" + cue_time(0, '.') + " --> " + cue_time(duration, '.') + "\n" + text + "\n\n",
        std::string(kPlain));
  }
  if (format == "verbose_json") {
    const http::MultipartField* language = parts->find("language");
    co_return Response::json(
        200,
        verbose_json(text, language != nullptr ? std::string_view(language->data) : "", duration));
  }
  boost::json::object answer;
  answer["text"] = text;
  co_return Response::json(200, boost::json::serialize(answer));
}

}  // namespace

void add_audio_routes(http::Router& router, MockContext& context) {
  router.add(http::Method::post, "/v1/audio/transcriptions",
             [&context](Request& request) { return handle_transcription(context, request); },
             {.max_body_bytes = kAudioBodyLimit});
}

}  // namespace veyra::mock
