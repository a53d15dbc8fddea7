// Decoding of uploaded audio files for veyra-sphinx: any container and codec of an audio
// upload (wav, mp3, flac, ogg with vorbis or opus, webm, m4a/mp4 with aac, ...) becomes the
// one shape the recognizer consumes, 16 kHz mono signed 16-bit PCM. The bytes are a
// client's and untrusted; libav* (FFmpeg) does the decoding, reading them from memory only.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace veyra::providers::builtin {

inline constexpr int kPcmSampleRate = 16000;

// Two hours: longer uploads are refused before they cost more memory (230 MB of PCM at the
// limit) or recognizer time.
inline constexpr double kDefaultMaxAudioSeconds = 2 * 60 * 60;

struct PcmAudio {
  // kPcmSampleRate samples per second, one channel.
  std::vector<std::int16_t> samples;

  double duration_seconds() const { return static_cast<double>(samples.size()) / kPcmSampleRate; }
};

// Decodes the first audio stream of `file_bytes` (the whole uploaded file), downmixed to one
// channel and resampled to kPcmSampleRate. Other streams (video, subtitles, cover art) are
// ignored. Only audio containers are accepted (wav, w64, mp3, flac, ogg, matroska/webm,
// mov/mp4/m4a/3gp, aac, aiff, caf, amr, au, mpeg); a container's references to other files
// or URLs are never followed. Packets that fail to decode are skipped, so a truncated or
// slightly damaged file gives the audio that could be read.
// Errors, all invalid_field with param "file" and a message safe to show the client: the
// bytes are empty, not a known audio container, have no audio stream, or decode to no audio
// at all; the audio lasts longer than `max_seconds` (counted on the decoded audio, not on
// what the file claims, so a small file that decodes to hours fails here and stops early).
// Never logs: libav's own logging is switched off for the whole process on the first call.
// Thread-safe; blocking and CPU-bound (decoding an hour of mp3 takes seconds), so it belongs
// on the blocking pool.
Result<PcmAudio> decode_audio(std::string_view file_bytes,
                              double max_seconds = kDefaultMaxAudioSeconds);

}  // namespace veyra::providers::builtin
