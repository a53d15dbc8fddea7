#include "providers/builtin/sphinx_transcriber.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "providers/builtin/audio_decoder.h"
#include "providers/builtin/audio_test_support.h"

namespace veyra::providers::builtin {
namespace {

using testing::AudioDirectory;
using testing::have_program;

// Three phrases PocketSphinx gets right from espeak-ng's en-us+f2 voice in every format
// below, with a second of silence between them.
constexpr std::string_view kSpeech =
    "<speak>one two three four five <break time=\"1s\"/> we need more time "
    "<break time=\"1s\"/> thank you very much</speak>";
// Two of them, for the test that runs through every format.
constexpr std::string_view kTwoPhrases =
    "<speak>one two three four five <break time=\"1s\"/> thank you very much</speak>";
// A second of speech, for the tests about the decoders rather than the words.
constexpr std::string_view kShortSpeech = "<speak>we need more time</speak>";

bool contains(const std::string& text, std::string_view words) {
  return text.find(words) != std::string::npos;
}

TEST(SphinxTranscriberCreate, FailsNamingAMissingModelFile) {
  SphinxOptions options;
  options.dictionary_path = "/nonexistent/veyra/cmudict.dict";

  const Result<std::unique_ptr<SphinxTranscriber>> transcriber = SphinxTranscriber::create(options);

  ASSERT_FALSE(transcriber.ok());
  EXPECT_EQ(transcriber.error().code, ErrorCode::internal_error);
  EXPECT_TRUE(contains(transcriber.error().message, "/nonexistent/veyra/cmudict.dict"));
}

class SphinxTranscriberTest : public ::testing::Test {
 protected:
  // One transcriber for the suite: loading a decoder takes a quarter of a second.
  static void SetUpTestSuite() {
    Result<std::unique_ptr<SphinxTranscriber>> created = SphinxTranscriber::create({});
    if (created.ok()) transcriber_ = std::move(created).value().release();
  }
  static void TearDownTestSuite() {
    delete transcriber_;
    transcriber_ = nullptr;
  }

  void SetUp() override {
    if (transcriber_ == nullptr) GTEST_SKIP() << "the pocketsphinx-en-us model is not installed";
  }

  // `ssml` as speech.wav in dir_; skips the test without espeak-ng.
  void speak(std::string_view ssml = kSpeech) {
    if (!have_program("espeak-ng")) GTEST_SKIP() << "espeak-ng is not installed";
    ASSERT_TRUE(dir_.speak(ssml, "speech.wav"));
  }

  Transcript transcribe_file(const std::string& name) {
    const Result<PcmAudio> audio = decode_audio(dir_.read(name));
    EXPECT_TRUE(audio.ok()) << name << ": " << audio.error().message;
    if (!audio.ok()) return {};
    Result<Transcript> transcript = transcriber_->transcribe(*audio);
    EXPECT_TRUE(transcript.ok()) << name;
    return transcript.ok() ? std::move(transcript).value() : Transcript{};
  }

  static SphinxTranscriber* transcriber_;
  AudioDirectory dir_;
};

SphinxTranscriber* SphinxTranscriberTest::transcriber_ = nullptr;

TEST_F(SphinxTranscriberTest, EmptyAudioHasAnEmptyTranscript) {
  const Result<Transcript> transcript = transcriber_->transcribe(PcmAudio{});

  ASSERT_TRUE(transcript.ok());
  EXPECT_EQ(transcript->text, "");
  EXPECT_TRUE(transcript->segments.empty());
  EXPECT_EQ(transcript->duration, 0);
}

TEST_F(SphinxTranscriberTest, SilenceHasAnEmptyTranscript) {
  const PcmAudio silence{std::vector<std::int16_t>(2 * kPcmSampleRate, 0)};

  const Result<Transcript> transcript = transcriber_->transcribe(silence);

  ASSERT_TRUE(transcript.ok());
  EXPECT_EQ(transcript->text, "");
  EXPECT_TRUE(transcript->words.empty());
  EXPECT_DOUBLE_EQ(transcript->duration, 2.0);
}

TEST_F(SphinxTranscriberTest, RecognisesSpeechInEveryFormat) {
  speak(kTwoPhrases);
  if (!have_program("ffmpeg")) GTEST_SKIP() << "the ffmpeg tool is not installed";

  const std::vector<std::string> names = {"speech.wav", "speech.mp3",  "speech.flac",
                                          "speech.ogg", "speech.webm", "speech.m4a"};
  for (const std::string& name : names) {
    if (name != "speech.wav") {
      ASSERT_TRUE(dir_.convert("speech.wav", name)) << name;
    }
  }

  // Two at a time, one per decoder.
  std::vector<Transcript> transcripts(names.size());
  for (std::size_t i = 0; i < names.size(); i += 2) {
    std::thread other([&, i] { transcripts[i + 1] = transcribe_file(names[i + 1]); });
    transcripts[i] = transcribe_file(names[i]);
    other.join();
  }

  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string& text = transcripts[i].text;
    EXPECT_TRUE(contains(text, "three four five")) << names[i] << ": " << text;
    EXPECT_TRUE(contains(text, "thank you")) << names[i] << ": " << text;
  }
}

TEST_F(SphinxTranscriberTest, SegmentsFollowThePauses) {
  speak();

  const Transcript transcript = transcribe_file("speech.wav");

  ASSERT_EQ(transcript.segments.size(), 3u) << transcript.text;
  EXPECT_NEAR(transcript.duration, 6.4, 0.5);
  for (std::size_t i = 0; i < transcript.segments.size(); ++i) {
    const TranscriptSegment& segment = transcript.segments[i];
    EXPECT_EQ(segment.id, static_cast<int>(i));
    EXPECT_LT(segment.start, segment.end);
    EXPECT_LE(segment.end, transcript.duration);
    EXPECT_LE(segment.avg_logprob, 0);
    if (i > 0) {
      EXPECT_GE(segment.start - transcript.segments[i - 1].end, 0.5);
    }
  }
  EXPECT_TRUE(contains(transcript.segments[1].text, "more time"));
  // The second phrase starts after 1.5 s of counting and a second of silence.
  EXPECT_NEAR(transcript.segments[1].start, 2.5, 0.4);
}

TEST_F(SphinxTranscriberTest, WordsAreInOrderWithoutFillersOrVariants) {
  speak();

  const Transcript transcript = transcribe_file("speech.wav");

  ASSERT_FALSE(transcript.words.empty());
  std::string joined;
  double previous_end = 0;
  for (const TranscriptWord& word : transcript.words) {
    EXPECT_EQ(word.word.find_first_of("<>[]()+"), std::string::npos) << word.word;
    EXPECT_LE(word.start, word.end);
    EXPECT_GE(word.start, previous_end - 1e-9);
    previous_end = word.end;
    joined += (joined.empty() ? "" : " ") + word.word;
  }
  EXPECT_EQ(joined, transcript.text);
}

TEST_F(SphinxTranscriberTest, ConcurrentCallsGetTheSameTranscript) {
  speak(kShortSpeech);
  const Result<PcmAudio> audio = decode_audio(dir_.read("speech.wav"));
  ASSERT_TRUE(audio.ok());
  const Result<Transcript> expected = transcriber_->transcribe(*audio);
  ASSERT_TRUE(expected.ok());

  // More callers than decoders: some wait for one to be released.
  std::vector<std::string> texts(4);
  std::vector<std::thread> threads;
  for (std::string& text : texts) {
    threads.emplace_back([&] {
      const Result<Transcript> transcript = transcriber_->transcribe(*audio);
      text = transcript.ok() ? transcript->text : "(failed)";
    });
  }
  for (std::thread& thread : threads) thread.join();

  for (const std::string& text : texts) EXPECT_EQ(text, expected->text);
}

TEST_F(SphinxTranscriberTest, SameAudioGivesTheSameTranscriptWhateverTheDecoderHeardBefore) {
  speak(kShortSpeech);
  const Result<PcmAudio> speech = decode_audio(dir_.read("speech.wav"));
  ASSERT_TRUE(speech.ok());
  // Loud noise in between, for the decoder to learn a very different noise level from.
  PcmAudio noise{std::vector<std::int16_t>(kPcmSampleRate, 0)};
  for (std::size_t i = 0; i < noise.samples.size(); ++i) {
    noise.samples[i] = static_cast<std::int16_t>((i * 7919) % 16001) - 8000;
  }
  SphinxOptions options;
  options.max_decoders = 1;
  Result<std::unique_ptr<SphinxTranscriber>> transcriber = SphinxTranscriber::create(options);
  ASSERT_TRUE(transcriber.ok());

  const Result<Transcript> first = (*transcriber)->transcribe(*speech);
  ASSERT_TRUE((*transcriber)->transcribe(noise).ok());
  const Result<Transcript> second = (*transcriber)->transcribe(*speech);

  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->text, second->text);
  ASSERT_EQ(first->segments.size(), second->segments.size());
  for (std::size_t i = 0; i < first->segments.size(); ++i) {
    EXPECT_EQ(first->segments[i].avg_logprob, second->segments[i].avg_logprob);
  }
}

TEST_F(SphinxTranscriberTest, DecodersAreFreedAfterTheirIdleLifetime) {
  speak(kShortSpeech);
  const Result<PcmAudio> audio = decode_audio(dir_.read("speech.wav"));
  ASSERT_TRUE(audio.ok());
  SphinxOptions options;
  options.idle_decoder_lifetime = std::chrono::milliseconds(200);
  Result<std::unique_ptr<SphinxTranscriber>> transcriber = SphinxTranscriber::create(options);
  ASSERT_TRUE(transcriber.ok());
  EXPECT_EQ((*transcriber)->loaded_decoders(), 0u);

  const auto used = std::chrono::steady_clock::now();
  ASSERT_TRUE((*transcriber)->transcribe(*audio).ok());
  EXPECT_EQ((*transcriber)->loaded_decoders(), 1u);
  while ((*transcriber)->loaded_decoders() != 0 &&
         std::chrono::steady_clock::now() - used < std::chrono::seconds(5)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  EXPECT_EQ((*transcriber)->loaded_decoders(), 0u);
  const Result<Transcript> again = (*transcriber)->transcribe(*audio);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(contains(again->text, "more time"));
}

TEST_F(SphinxTranscriberTest, ZeroLifetimeFreesEachDecoderAfterItsCall) {
  // A quarter of a second of a loud square wave in a second of silence: something to decode.
  PcmAudio audio{std::vector<std::int16_t>(kPcmSampleRate, 0)};
  for (std::size_t i = 4000; i < 8000; ++i) audio.samples[i] = i % 40 < 20 ? 3000 : -3000;
  SphinxOptions options;
  options.idle_decoder_lifetime = std::chrono::milliseconds(0);
  Result<std::unique_ptr<SphinxTranscriber>> transcriber = SphinxTranscriber::create(options);
  ASSERT_TRUE(transcriber.ok());

  ASSERT_TRUE((*transcriber)->transcribe(audio).ok());

  EXPECT_EQ((*transcriber)->loaded_decoders(), 0u);
}

}  // namespace
}  // namespace veyra::providers::builtin
