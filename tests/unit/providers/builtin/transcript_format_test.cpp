#include "providers/builtin/transcript_format.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <string>

namespace veyra::providers::builtin {
namespace {

Transcript two_segments() {
  Transcript transcript;
  transcript.text = "hello there general kenobi";
  transcript.duration = 3723.5;
  transcript.segments = {{0, 0.25, 1.5, "hello there", -0.25},
                         {1, 61.25, 3723.456, "general kenobi", -1.5}};
  transcript.words = {{"hello", 0.25, 0.8},
                      {"there", 0.8, 1.5},
                      {"general", 61.25, 62.0},
                      {"kenobi", 62.0, 3723.456}};
  return transcript;
}

RenderedTranscript rendered(const Transcript& transcript, std::string_view format,
                            std::string_view language = "") {
  Result<RenderedTranscript> result = render_transcript(transcript, format, language);
  EXPECT_TRUE(result.ok()) << format;
  return result.ok() ? std::move(result).value() : RenderedTranscript{};
}

TEST(TranscriptFormat, JsonHasTheText) {
  const RenderedTranscript json = rendered(two_segments(), "json");

  EXPECT_EQ(json.content_type, "application/json");
  EXPECT_EQ(json.body, R"({"text":"hello there general kenobi"})");
}

TEST(TranscriptFormat, NoFormatMeansJson) {
  EXPECT_EQ(rendered(two_segments(), "").body, rendered(two_segments(), "json").body);
}

TEST(TranscriptFormat, JsonEscapesTheText) {
  Transcript transcript;
  transcript.text = "a \"quoted\" word\\";

  const boost::json::value parsed = boost::json::parse(rendered(transcript, "json").body);

  EXPECT_EQ(parsed.at("text").as_string(), "a \"quoted\" word\\");
}

TEST(TranscriptFormat, TextIsTheTextAndANewline) {
  const RenderedTranscript text = rendered(two_segments(), "text");

  EXPECT_EQ(text.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(text.body, "hello there general kenobi\n");
}

TEST(TranscriptFormat, SrtNumbersOneCuePerSegment) {
  const RenderedTranscript srt = rendered(two_segments(), "srt");

  EXPECT_EQ(srt.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(srt.body,
            "1\n00:00:00,250 --> 00:00:01,500\nhello there\n\n"
            "2\n00:01:01,250 --> 01:02:03,456\ngeneral kenobi\n\n");
}

TEST(TranscriptFormat, VttHasItsHeaderAndDotMilliseconds) {
  const RenderedTranscript vtt = rendered(two_segments(), "vtt");

  EXPECT_EQ(vtt.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(vtt.body,
            "WEBVTT\n\n"
            "00:00:00.250 --> 00:00:01.500\nhello there\n\n"
            "00:01:01.250 --> 01:02:03.456\ngeneral kenobi\n\n");
}

TEST(TranscriptFormat, EmptyTranscriptHasNoCues) {
  const Transcript empty;

  EXPECT_EQ(rendered(empty, "srt").body, "");
  EXPECT_EQ(rendered(empty, "vtt").body, "WEBVTT\n\n");
  EXPECT_EQ(rendered(empty, "text").body, "\n");
  EXPECT_EQ(rendered(empty, "json").body, R"({"text":""})");
}

TEST(TranscriptFormat, VerboseJsonFollowsOpenAiShape) {
  const RenderedTranscript verbose = rendered(two_segments(), "verbose_json", "en");

  EXPECT_EQ(verbose.content_type, "application/json");
  const boost::json::value parsed = boost::json::parse(verbose.body);
  EXPECT_EQ(parsed.at("task").as_string(), "transcribe");
  EXPECT_EQ(parsed.at("language").as_string(), "english");
  EXPECT_DOUBLE_EQ(parsed.at("duration").to_number<double>(), 3723.5);
  EXPECT_EQ(parsed.at("text").as_string(), "hello there general kenobi");

  const boost::json::array& segments = parsed.at("segments").as_array();
  ASSERT_EQ(segments.size(), 2u);
  const boost::json::object& second = segments[1].as_object();
  EXPECT_EQ(second.at("id").to_number<int>(), 1);
  EXPECT_EQ(second.at("seek").to_number<int>(), 6125);
  EXPECT_DOUBLE_EQ(second.at("start").to_number<double>(), 61.25);
  EXPECT_DOUBLE_EQ(second.at("end").to_number<double>(), 3723.456);
  EXPECT_EQ(second.at("text").as_string(), "general kenobi");
  EXPECT_TRUE(second.at("tokens").as_array().empty());
  EXPECT_DOUBLE_EQ(second.at("temperature").to_number<double>(), 0.0);
  EXPECT_DOUBLE_EQ(second.at("avg_logprob").to_number<double>(), -1.5);
  EXPECT_DOUBLE_EQ(second.at("compression_ratio").to_number<double>(), 1.0);
  EXPECT_DOUBLE_EQ(second.at("no_speech_prob").to_number<double>(), 0.0);

  const boost::json::array& words = parsed.at("words").as_array();
  ASSERT_EQ(words.size(), 4u);
  EXPECT_EQ(words[0].at("word").as_string(), "hello");
  EXPECT_DOUBLE_EQ(words[0].at("start").to_number<double>(), 0.25);
  EXPECT_DOUBLE_EQ(words[0].at("end").to_number<double>(), 0.8);
}

TEST(TranscriptFormat, VerboseJsonNamesTheLanguage) {
  const auto language_of = [](std::string_view language) {
    const RenderedTranscript verbose = rendered(Transcript{}, "verbose_json", language);
    return std::string(boost::json::parse(verbose.body).at("language").as_string());
  };

  EXPECT_EQ(language_of(""), "english");
  EXPECT_EQ(language_of("en"), "english");
  EXPECT_EQ(language_of("french"), "french");
}

TEST(TranscriptFormat, TimesAreRoundedToTheMillisecondAndNeverNegative) {
  Transcript transcript;
  transcript.segments = {{0, -0.5, 0.0004, "x", 0}};

  EXPECT_EQ(rendered(transcript, "srt").body, "1\n00:00:00,000 --> 00:00:00,000\nx\n\n");
}

TEST(TranscriptFormat, UnknownFormatIsAnInvalidField) {
  for (const std::string_view format : {"xml", "JSON", "srt ", "diarized_json"}) {
    const Result<RenderedTranscript> result = render_transcript(two_segments(), format, "");

    ASSERT_FALSE(result.ok()) << format;
    EXPECT_EQ(result.error().code, ErrorCode::invalid_field);
    EXPECT_EQ(result.error().param, "response_format");
  }
}

}  // namespace
}  // namespace veyra::providers::builtin
