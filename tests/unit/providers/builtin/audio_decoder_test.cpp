#include "providers/builtin/audio_decoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "providers/builtin/audio_test_support.h"

namespace veyra::providers::builtin {
namespace {

using testing::AudioDirectory;
using testing::have_program;
using testing::wav_file;

void expect_not_audio(const Result<PcmAudio>& decoded) {
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, ErrorCode::invalid_field);
  EXPECT_EQ(decoded.error().param, "file");
  EXPECT_FALSE(decoded.error().message.empty());
}

std::vector<std::int16_t> constant_samples(std::size_t count, std::int16_t value) {
  return std::vector<std::int16_t>(count, value);
}

TEST(AudioDecoder, EmptyBytesAreNotAudio) {
  expect_not_audio(decode_audio(""));
}

TEST(AudioDecoder, TextIsNotAudio) {
  expect_not_audio(decode_audio("this is a text file, not a recording\n"));
}

TEST(AudioDecoder, RandomBytesAreNotAudio) {
  std::mt19937 random(42);
  for (const std::size_t size : {1, 16, 4096, 100000}) {
    std::string bytes(size, '\0');
    for (char& byte : bytes) byte = static_cast<char>(random());

    expect_not_audio(decode_audio(bytes));
  }
}

TEST(AudioDecoder, PlaylistsAreNotFollowed) {
  const std::string playlist =
      "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n";

  expect_not_audio(decode_audio(playlist));
}

TEST(AudioDecoder, DecodesWavToSixteenKilohertzMono) {
  const std::string stereo_8k = wav_file(constant_samples(2 * 8000, 8000), 8000, 2);

  const Result<PcmAudio> decoded = decode_audio(stereo_8k);

  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_NEAR(decoded->duration_seconds(), 1.0, 0.01);
  // Away from the edges the resampled constant stays near its level.
  EXPECT_NEAR(decoded->samples[kPcmSampleRate / 2], 8000, 1000);
}

TEST(AudioDecoder, AudioLongerThanTheLimitIsRefused) {
  const std::string three_seconds = wav_file(constant_samples(3 * 16000, 100), 16000, 1);

  const Result<PcmAudio> decoded = decode_audio(three_seconds, 2.0);

  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, ErrorCode::invalid_field);
  EXPECT_EQ(decoded.error().param, "file");
  EXPECT_NE(decoded.error().message.find("limit"), std::string::npos);
  EXPECT_TRUE(decode_audio(three_seconds, 3.5).ok());
}

TEST(AudioDecoder, WavWithoutSamplesIsNotAudio) {
  expect_not_audio(decode_audio(wav_file({}, 16000, 1)));
}

class AudioDecoderFormats : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_program("ffmpeg")) GTEST_SKIP() << "the ffmpeg tool is not installed";
    // Two seconds of a stereo 44.1 kHz tone: every format below must resample and downmix.
    const std::string tone = "sine=frequency=440:duration=2:sample_rate=44100";
    ASSERT_TRUE(dir_.ffmpeg("-f lavfi -i " + tone + " -ac 2 '" + dir_.file("tone.wav") + "'"));
  }

  AudioDirectory dir_;
};

TEST_F(AudioDecoderFormats, DecodesEveryCommonFormat) {
  // The default mp4 muxer writes the index (moov) at the end, which needs seeking to read;
  // faststart moves it to the front.
  const std::vector<std::string> names = {"tone.mp3",  "tone.flac", "tone.ogg",
                                          "tone.opus", "tone.webm", "tone.m4a",
                                          "fast.m4a",  "tone.aiff", "tone.mka"};
  for (const std::string& name : names) {
    const std::string options = name == "fast.m4a" ? "-movflags +faststart" : "";
    ASSERT_TRUE(dir_.convert("tone.wav", name, options)) << name;

    const Result<PcmAudio> decoded = decode_audio(dir_.read(name));

    ASSERT_TRUE(decoded.ok()) << name << ": " << decoded.error().message;
    EXPECT_NEAR(decoded->duration_seconds(), 2.0, 0.1) << name;
    double energy = 0;
    for (const std::int16_t sample : decoded->samples) energy += std::abs(sample);
    EXPECT_GT(energy / static_cast<double>(decoded->samples.size()), 1000) << name;
  }
}

TEST_F(AudioDecoderFormats, ReadsTheAudioOfAVideo) {
  ASSERT_TRUE(dir_.ffmpeg("-f lavfi -i testsrc=duration=2:size=64x64:rate=10 -i '" +
                          dir_.file("tone.wav") + "' -c:v mpeg4 -c:a aac -shortest '" +
                          dir_.file("video.mp4") + "'"));

  const Result<PcmAudio> decoded = decode_audio(dir_.read("video.mp4"));

  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_NEAR(decoded->duration_seconds(), 2.0, 0.15);
}

TEST_F(AudioDecoderFormats, VideoWithoutAudioIsNotAudio) {
  ASSERT_TRUE(dir_.ffmpeg("-f lavfi -i testsrc=duration=1:size=64x64:rate=10 -c:v mpeg4 '" +
                          dir_.file("silent.mp4") + "'"));

  expect_not_audio(decode_audio(dir_.read("silent.mp4")));
}

TEST_F(AudioDecoderFormats, TruncatedFilesGiveWhatTheyHoldOrAnError) {
  for (const std::string name : {"tone.mp3", "tone.flac", "tone.ogg", "tone.webm", "tone.m4a"}) {
    ASSERT_TRUE(dir_.convert("tone.wav", name)) << name;
    const std::string whole = dir_.read(name);

    for (const double kept : {0.01, 0.3, 0.7, 0.99}) {
      const auto size = static_cast<std::size_t>(static_cast<double>(whole.size()) * kept);

      const Result<PcmAudio> decoded = decode_audio(std::string_view(whole).substr(0, size));

      if (decoded.ok()) {
        EXPECT_LE(decoded->duration_seconds(), 2.1) << name << " " << kept;
      } else {
        EXPECT_EQ(decoded.error().code, ErrorCode::invalid_field) << name << " " << kept;
      }
    }
  }
}

TEST_F(AudioDecoderFormats, DamagedBytesDoNotCrash) {
  ASSERT_TRUE(dir_.convert("tone.wav", "tone.ogg"));
  std::string damaged = dir_.read("tone.ogg");
  std::mt19937 random(7);
  for (std::size_t i = 200; i < damaged.size(); i += 97) damaged[i] = static_cast<char>(random());

  const Result<PcmAudio> decoded = decode_audio(damaged);

  if (!decoded.ok()) {
    EXPECT_EQ(decoded.error().code, ErrorCode::invalid_field);
  }
}

}  // namespace
}  // namespace veyra::providers::builtin
