// Runs `veyra-transcribe` (src/app/transcribe_main.cpp) for veyra-sphinx: one child process
// per transcription, the audio on its stdin, the rendered answer on its stdout. The server
// never loads the media libraries or the speech model itself.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "providers/builtin/transcript_format.h"

namespace veyra::providers::builtin {

struct TranscriberProcessOptions {
  std::string program;                                            // path of veyra-transcribe
  std::chrono::milliseconds deadline = std::chrono::minutes(10);  // then the child is killed
  double max_audio_seconds = 30 * 60;
};

// Thread-safe; run() blocks, so call it on a blocking pool whose size bounds how many
// transcriptions (about 95 MB each) run at once.
class TranscriberProcess {
 public:
  // Fails when `options.program` is not an executable file or the speech model is not
  // installed (the default PocketSphinx paths), naming what is missing, for the startup log.
  static Result<std::unique_ptr<TranscriberProcess>> create(TranscriberProcessOptions options);

  // The answer for `audio` in `response_format`. Errors: invalid_field (param "file" or
  // "response_format") when the input is at fault, with the child's client-safe message;
  // internal_error when the child cannot start, fails, or runs past the deadline (the detail
  // is logged, never returned).
  Result<RenderedTranscript> run(std::string_view audio, std::string_view response_format,
                                 std::string_view language) const;

  // Where `veyra-transcribe` is expected by default: beside the running executable.
  static std::string default_program();

 private:
  explicit TranscriberProcess(TranscriberProcessOptions options) : options_(std::move(options)) {}

  TranscriberProcessOptions options_;
};

}  // namespace veyra::providers::builtin
