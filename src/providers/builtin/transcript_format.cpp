#include "providers/builtin/transcript_format.h"

#include <fmt/core.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <cstdint>

namespace veyra::providers::builtin {
namespace {

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kPlainText = "text/plain; charset=utf-8";

// Whole milliseconds, never negative.
std::int64_t milliseconds(double seconds) {
  if (!(seconds > 0)) return 0;
  return std::llround(seconds * 1000);
}

// "HH:MM:SS" then `separator` and the milliseconds: ',' for SubRip, '.' for WebVTT.
std::string cue_time(double seconds, char separator) {
  const std::int64_t ms = milliseconds(seconds);
  return fmt::format("{:02}:{:02}:{:02}{}{:03}", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60,
                     separator, ms % 1000);
}

// Seconds rounded to the millisecond, the precision the recognizer has and more.
double rounded(double seconds) {
  return static_cast<double>(milliseconds(seconds)) / 1000;
}

std::string render_srt(const Transcript& transcript) {
  std::string body;
  int number = 1;
  for (const TranscriptSegment& segment : transcript.segments) {
    body += fmt::format("{}\n{} --> {}\n{}\n\n", number++, cue_time(segment.start, ','),
                        cue_time(segment.end, ','), segment.text);
  }
  return body;
}

std::string render_vtt(const Transcript& transcript) {
  std::string body = "WEBVTT\n\n";
  for (const TranscriptSegment& segment : transcript.segments) {
    body += fmt::format("{} --> {}\n{}\n\n", cue_time(segment.start, '.'),
                        cue_time(segment.end, '.'), segment.text);
  }
  return body;
}

std::string render_verbose_json(const Transcript& transcript, std::string_view language) {
  boost::json::array segments;
  for (const TranscriptSegment& segment : transcript.segments) {
    segments.push_back(boost::json::object{
        {"id", segment.id},
        {"seek", milliseconds(segment.start) / 10},
        {"start", rounded(segment.start)},
        {"end", rounded(segment.end)},
        {"text", segment.text},
        {"tokens", boost::json::array()},
        {"temperature", 0.0},
        {"avg_logprob", segment.avg_logprob},
        {"compression_ratio", 1.0},
        {"no_speech_prob", 0.0},
    });
  }
  boost::json::array words;
  for (const TranscriptWord& word : transcript.words) {
    words.push_back(boost::json::object{
        {"word", word.word}, {"start", rounded(word.start)}, {"end", rounded(word.end)}});
  }

  const std::string_view language_name =
      language.empty() || language == "en" ? std::string_view("english") : language;
  return boost::json::serialize(boost::json::object{
      {"task", "transcribe"},
      {"language", language_name},
      {"duration", rounded(transcript.duration)},
      {"text", transcript.text},
      {"segments", std::move(segments)},
      {"words", std::move(words)},
  });
}

}  // namespace

Result<RenderedTranscript> render_transcript(const Transcript& transcript,
                                             std::string_view response_format,
                                             std::string_view language) {
  if (response_format.empty() || response_format == "json") {
    return RenderedTranscript{
        std::string(kJson), boost::json::serialize(boost::json::object{{"text", transcript.text}})};
  }
  if (response_format == "text") {
    return RenderedTranscript{std::string(kPlainText), transcript.text + "\n"};
  }
  if (response_format == "srt") {
    return RenderedTranscript{std::string(kPlainText), render_srt(transcript)};
  }
  if (response_format == "vtt") {
    return RenderedTranscript{std::string(kPlainText), render_vtt(transcript)};
  }
  if (response_format == "verbose_json") {
    return RenderedTranscript{std::string(kJson), render_verbose_json(transcript, language)};
  }
  return make_error(ErrorCode::invalid_field,
                    "response_format must be one of json, text, srt, vtt, verbose_json.",
                    "response_format");
}

}  // namespace veyra::providers::builtin
