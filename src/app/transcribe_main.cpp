// `veyra-transcribe`: the child process veyra-sphinx runs for each transcription. It reads
// an audio file on stdin, decodes it (libav*), recognises it (PocketSphinx) and writes the
// rendered answer on stdout. Keeping this out of `veyra` keeps ~140 media libraries and a
// 95 MB speech model out of the server's memory between calls, and any flaw in a media
// parser away from the process that holds sessions and signing keys.
//
// Usage: veyra-transcribe [--format json|text|srt|vtt|verbose_json] [--language en]
//                         [--max-seconds N]
// Exit 0: stdout is the content type, a newline, then the body.
// Exit 3: the input is at fault; stdout is the offending param, a newline, then a message
//         safe to show the client.
// Exit 1: anything else; a reason on stderr for the operator's log.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>

#include "providers/builtin/audio_decoder.h"
#include "providers/builtin/sphinx_transcriber.h"
#include "providers/builtin/transcript_format.h"

namespace {

constexpr int kExitInputError = 3;

int fail(const veyra::Error& error) {
  if (error.code == veyra::ErrorCode::internal_error) {
    std::fprintf(stderr, "veyra-transcribe: %s\n", error.message.c_str());
    return 1;
  }
  std::printf("%s\n%s", error.param.c_str(), error.message.c_str());
  return kExitInputError;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace veyra::providers::builtin;
  std::string format = "json";
  std::string language;
  double max_seconds = kDefaultMaxAudioSeconds;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view flag = argv[i];
    if (flag == "--format") {
      format = argv[i + 1];
    } else if (flag == "--language") {
      language = argv[i + 1];
    } else if (flag == "--max-seconds") {
      max_seconds = std::strtod(argv[i + 1], nullptr);
    } else {
      std::fprintf(stderr, "veyra-transcribe: unknown option %s\n", argv[i]);
      return 1;
    }
  }

  std::string file((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  auto audio = decode_audio(file, max_seconds);
  if (!audio) return fail(audio.error());
  file = std::string();

  SphinxOptions options;
  options.max_decoders = 1;
  options.idle_decoder_lifetime = std::chrono::milliseconds(0);
  auto transcriber = SphinxTranscriber::create(options);
  if (!transcriber) return fail(transcriber.error());
  auto transcript = (*transcriber)->transcribe(*audio);
  if (!transcript) return fail(transcript.error());

  auto rendered = render_transcript(*transcript, format, language);
  if (!rendered) return fail(rendered.error());
  std::fwrite(rendered->content_type.data(), 1, rendered->content_type.size(), stdout);
  std::fputc('\n', stdout);
  std::fwrite(rendered->body.data(), 1, rendered->body.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}
