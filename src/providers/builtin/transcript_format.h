// A transcript as veyra-sphinx produces it, and its rendering in the response formats of
// OpenAI's /v1/audio/transcriptions: json, text, srt, vtt and verbose_json. Pure functions;
// safe to call from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace veyra::providers::builtin {

// Times are seconds from the start of the audio.
struct TranscriptWord {
  std::string word;
  double start = 0;
  double end = 0;
};

// A stretch of speech between pauses: one subtitle cue in srt and vtt.
struct TranscriptSegment {
  int id = 0;  // 0, 1, 2... in order
  double start = 0;
  double end = 0;
  std::string text;  // its words joined by single spaces
  // The mean natural-log probability the recognizer gives its words, <= 0; verbose_json
  // reports it as avg_logprob.
  double avg_logprob = 0;
};

struct Transcript {
  std::string text;     // the segments' texts joined by single spaces; empty when nothing was heard
  double duration = 0;  // of the whole audio, silence included
  std::vector<TranscriptSegment> segments;
  std::vector<TranscriptWord> words;
};

struct RenderedTranscript {
  std::string content_type;
  std::string body;
};

// The response body for `response_format`, shaped as OpenAI answers it:
// - "json" (and "", the request's default): {"text": ...}, application/json.
// - "text": the text and a newline, text/plain; charset=utf-8.
// - "srt": numbered SubRip cues, one per segment, "00:00:01,000 --> 00:00:02,500";
//   text/plain; charset=utf-8, as OpenAI sends it.
// - "vtt": "WEBVTT", a blank line, then one cue per segment, "00:00:01.000 --> 00:00:02.500";
//   text/plain; charset=utf-8, as OpenAI sends it.
// - "verbose_json": task, language, duration, text, segments and words, application/json.
//   Whisper-only segment fields get fixed values: seek is the segment's start in hundredths
//   of a second, tokens is empty, temperature 0, compression_ratio 1, no_speech_prob 0.
// `language` is written as verbose_json's language: "" and "en" become "english"; any other
// value is written as given.
// Errors: invalid_field with param "response_format" for any other format name.
Result<RenderedTranscript> render_transcript(const Transcript& transcript,
                                             std::string_view response_format,
                                             std::string_view language);

}  // namespace veyra::providers::builtin
