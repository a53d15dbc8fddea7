#include "providers/builtin/transcriber_process.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>

#include "providers/builtin/audio_test_support.h"

namespace veyra::providers::builtin {
namespace {

using testing::AudioDirectory;
using testing::have_program;

// A stand-in for veyra-transcribe: a shell script with the given body.
std::string script(const AudioDirectory& dir, std::string_view name, std::string_view body) {
  std::string path = dir.file(name);
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  ::chmod(path.c_str(), 0755);
  return path;
}

Result<std::unique_ptr<TranscriberProcess>> process_for(std::string program,
                                                        std::chrono::milliseconds deadline) {
  TranscriberProcessOptions options;
  options.program = std::move(program);
  options.deadline = deadline;
  return TranscriberProcess::create(options);
}

TEST(TranscriberProcess, TheRealProgramTranscribesSpeech) {
  if (!have_program("espeak-ng")) GTEST_SKIP() << "espeak-ng is not installed";
  AudioDirectory dir;
  ASSERT_TRUE(dir.speak("one two three four five", "speech.wav"));
  auto process = process_for(TranscriberProcess::default_program(), std::chrono::minutes(1));
  ASSERT_TRUE(process.ok()) << process.error().message;

  auto answer = (*process)->run(dir.read("speech.wav"), "text", "en");

  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->body, "one two three four five\n");
  EXPECT_EQ(answer->content_type, "text/plain; charset=utf-8");
}

TEST(TranscriberProcess, BytesThatAreNotAudioAreTheCallersFault) {
  auto process = process_for(TranscriberProcess::default_program(), std::chrono::minutes(1));
  ASSERT_TRUE(process.ok()) << process.error().message;

  auto answer = (*process)->run("definitely not audio", "json", "");

  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, ErrorCode::invalid_field);
  EXPECT_EQ(answer.error().param, "file");
}

TEST(TranscriberProcess, AMissingProgramIsReportedAtCreation) {
  auto process = process_for("/nonexistent/veyra-transcribe", std::chrono::seconds(1));

  ASSERT_FALSE(process.ok());
  EXPECT_NE(process.error().message.find("/nonexistent/veyra-transcribe"), std::string::npos);
}

TEST(TranscriberProcess, AChildPastItsDeadlineIsKilled) {
  AudioDirectory dir;
  auto process = process_for(script(dir, "slow", "cat >/dev/null; sleep 30"),
                             std::chrono::milliseconds(300));
  ASSERT_TRUE(process.ok());
  auto started = std::chrono::steady_clock::now();

  auto answer = (*process)->run(std::string(100000, 'x'), "json", "");

  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, ErrorCode::internal_error);
  EXPECT_EQ(answer.error().message, "The transcription failed.");
}

TEST(TranscriberProcess, AChildThatStopsReadingEarlyDoesNotHangTheServer) {
  AudioDirectory dir;
  auto process = process_for(script(dir, "early", "printf 'file\\nThat is no audio.'; exit 3"),
                             std::chrono::seconds(10));
  ASSERT_TRUE(process.ok());

  auto answer = (*process)->run(std::string(8 * 1024 * 1024, 'x'), "json", "");

  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, ErrorCode::invalid_field);
  EXPECT_EQ(answer.error().param, "file");
  EXPECT_EQ(answer.error().message, "That is no audio.");
}

TEST(TranscriberProcess, ACrashIsAnInternalErrorWithNothingOfTheChildShown) {
  AudioDirectory dir;
  auto process = process_for(script(dir, "crash", "echo secret-detail >&2; kill -SEGV $$"),
                             std::chrono::seconds(10));
  ASSERT_TRUE(process.ok());

  auto answer = (*process)->run("abc", "json", "");

  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, ErrorCode::internal_error);
  EXPECT_EQ(answer.error().message.find("secret-detail"), std::string::npos);
}

}  // namespace
}  // namespace veyra::providers::builtin
