// Untrusted input: a file uploaded to /v1/audio/transcriptions, in whatever container and
// codec libavformat makes of it. Only Veyra's side (the in-memory reader, the seek callback,
// the resampling and the limits) is instrumented; libav itself is the system's build.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "providers/builtin/audio_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using veyra::providers::builtin::decode_audio;
  using veyra::providers::builtin::kPcmSampleRate;

  // A short limit keeps each run quick, and a file that decodes to more must stop at it.
  constexpr double kMaxSeconds = 20;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto audio = decode_audio(bytes, kMaxSeconds);
  if (audio.ok() && audio->samples.size() > kMaxSeconds * kPcmSampleRate) __builtin_trap();
  if (audio.ok() && audio->samples.empty()) __builtin_trap();
  return 0;
}
