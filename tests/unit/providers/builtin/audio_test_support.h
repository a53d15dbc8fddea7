// Helpers for the veyra-sphinx tests: a fresh temporary directory per test, audio made in it
// at test time by the espeak-ng and ffmpeg tools (tests skip when a tool is missing), and WAV
// files built in memory.
#pragma once

#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace veyra::providers::builtin::testing {

// Whether `program` is on the PATH.
inline bool have_program(std::string_view program) {
  const std::string command = "command -v " + std::string(program) + " >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

// A directory under the system temp dir, created empty and removed with its contents.
class AudioDirectory {
 public:
  AudioDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "veyra-audio-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~AudioDirectory() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  AudioDirectory(const AudioDirectory&) = delete;
  AudioDirectory& operator=(const AudioDirectory&) = delete;

  std::string file(std::string_view name) const { return (path_ / name).string(); }

  // Synthesises `ssml` (SSML, so that <break time="1s"/> makes a pause) into the WAV file
  // `name` with the espeak-ng voice PocketSphinx recognises best. False when espeak-ng fails.
  bool speak(std::string_view ssml, std::string_view name) const {
    return run("espeak-ng -v en-us+f2 -s 150 -m -w '" + file(name) + "' '" + std::string(ssml) +
               "'");
  }

  // Converts `from` into `to` with the ffmpeg tool, which picks the codec from the extension
  // unless `options` say otherwise. False when ffmpeg fails.
  bool convert(std::string_view from, std::string_view to, std::string_view options = "") const {
    return run("ffmpeg -nostdin -loglevel error -y -i '" + file(from) + "' " +
               std::string(options) + " '" + file(to) + "'");
  }

  // Runs ffmpeg with `arguments` as given (for lavfi sources); output names are file() paths.
  bool ffmpeg(std::string_view arguments) const {
    return run("ffmpeg -nostdin -loglevel error -y " + std::string(arguments));
  }

  std::string read(std::string_view name) const {
    std::ifstream in(file(name), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

 private:
  static bool run(const std::string& command) {
    return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
  }

  std::filesystem::path path_;
};

// A canonical 16-bit PCM WAV file of `samples`, interleaved when `channels` > 1.
inline std::string wav_file(const std::vector<std::int16_t>& samples, std::uint32_t sample_rate,
                            std::uint16_t channels) {
  std::string bytes;
  const auto put = [&](std::uint32_t value, int size) {
    for (int i = 0; i < size; ++i) bytes.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
  };
  const auto data_size = static_cast<std::uint32_t>(samples.size() * 2);
  bytes += "RIFF";
  put(36 + data_size, 4);
  bytes += "WAVEfmt ";
  put(16, 4);
  put(1, 2);  // PCM
  put(channels, 2);
  put(sample_rate, 4);
  put(sample_rate * channels * 2, 4);
  put(channels * 2, 2);
  put(16, 2);
  bytes += "data";
  put(data_size, 4);
  for (const std::int16_t sample : samples) put(static_cast<std::uint16_t>(sample), 2);
  return bytes;
}

}  // namespace veyra::providers::builtin::testing
