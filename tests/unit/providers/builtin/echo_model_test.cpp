#include "providers/builtin/echo_model.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace veyra::providers::builtin {
namespace {

std::string joined(const std::vector<std::string>& chunks) {
  std::string text;
  for (const std::string& chunk : chunks) text += chunk;
  return text;
}

TEST(EchoAnswer, EchoesTheUserMessageWithCollapsedWhitespace) {
  const std::vector<EchoMessage> messages = {{"user", "  hello \n\t  there   world  "}};

  const EchoAnswer answer = echo_answer(messages, std::nullopt);

  EXPECT_EQ(answer.text, "You said: hello there world");
  EXPECT_EQ(answer.finish_reason, "stop");
}

TEST(EchoAnswer, ChunksAreWordsWithTheirSpaceAndJoinToTheText) {
  const std::vector<EchoMessage> messages = {{"user", "ping pong"}};

  const EchoAnswer answer = echo_answer(messages, std::nullopt);

  const std::vector<std::string> expected = {"You ", "said: ", "ping ", "pong"};
  EXPECT_EQ(answer.chunks, expected);
  EXPECT_EQ(joined(answer.chunks), answer.text);
}

TEST(EchoAnswer, EchoesTheLastUserMessageOnly) {
  const std::vector<EchoMessage> messages = {
      {"system", "You are terse."}, {"user", "first question"},     {"assistant", "first answer"},
      {"user", "second question"},  {"assistant", "second answer"}, {"tool", "tool output"},
  };

  const EchoAnswer answer = echo_answer(messages, std::nullopt);

  EXPECT_EQ(answer.text, "You said: second question");
}

TEST(EchoAnswer, SaysSoWhenThereIsNoUserMessage) {
  const std::vector<EchoMessage> messages = {{"system", "Be nice."}, {"assistant", "Hi!"}};

  const EchoAnswer answer = echo_answer(messages, std::nullopt);

  EXPECT_EQ(answer.text, "There is no user message to echo.");
  EXPECT_EQ(answer.finish_reason, "stop");
  EXPECT_GE(answer.chunks.size(), 2u);
  EXPECT_EQ(joined(answer.chunks), answer.text);
}

TEST(EchoAnswer, SaysSoWhenTheUserMessageIsBlank) {
  const std::vector<EchoMessage> messages = {{"user", " \n\t "}};

  const EchoAnswer answer = echo_answer(messages, std::nullopt);

  EXPECT_EQ(answer.text, "Your message was empty.");
}

TEST(EchoAnswer, EveryAnswerHasAtLeastTwoChunks) {
  const std::vector<EchoMessage> messages = {{"user", "x"}};

  for (std::uint32_t max_tokens = 1; max_tokens <= 5; ++max_tokens) {
    const EchoAnswer answer = echo_answer(messages, max_tokens);

    EXPECT_GE(answer.chunks.size(), 2u) << max_tokens;
    EXPECT_EQ(joined(answer.chunks), answer.text) << max_tokens;
  }
}

TEST(EchoAnswer, MaxTokensTruncatesWithFinishReasonLength) {
  const std::vector<EchoMessage> messages = {{"user", "one two three four five six"}};

  const EchoAnswer answer = echo_answer(messages, 5);

  // "You", "said", ":", "one", "two" are the first five tokens.
  EXPECT_EQ(answer.text, "You said: one two");
  EXPECT_EQ(answer.finish_reason, "length");
  EXPECT_LE(answer.completion_tokens, 5u);
  EXPECT_EQ(joined(answer.chunks), answer.text);
}

TEST(EchoAnswer, MaxTokensCanCutBetweenAWordAndItsPunctuation) {
  const std::vector<EchoMessage> messages = {{"user", "hi"}};

  const EchoAnswer answer = echo_answer(messages, 2);

  EXPECT_EQ(answer.text, "You said");
  EXPECT_EQ(answer.finish_reason, "length");
  EXPECT_EQ(answer.completion_tokens, 2u);
}

TEST(EchoAnswer, MaxTokensAtLeastTheAnswerLengthStops) {
  const std::vector<EchoMessage> messages = {{"user", "one two"}};

  const EchoAnswer exact = echo_answer(messages, 5);
  const EchoAnswer roomy = echo_answer(messages, 1000);

  EXPECT_EQ(exact.text, "You said: one two");
  EXPECT_EQ(exact.finish_reason, "stop");
  EXPECT_EQ(roomy.text, exact.text);
  EXPECT_EQ(roomy.finish_reason, "stop");
}

TEST(EchoAnswer, MaxTokensZeroGivesAnEmptyAnswer) {
  const std::vector<EchoMessage> messages = {{"user", "anything"}};

  const EchoAnswer answer = echo_answer(messages, 0);

  EXPECT_EQ(answer.text, "");
  EXPECT_TRUE(answer.chunks.empty());
  EXPECT_EQ(answer.finish_reason, "length");
  EXPECT_EQ(answer.completion_tokens, 0u);
}

TEST(EchoAnswer, CountsAreDeterministicAndPositive) {
  const std::vector<EchoMessage> messages = {{"system", "Be brief."}, {"user", "What is 2+2?"}};

  const EchoAnswer first = echo_answer(messages, std::nullopt);
  const EchoAnswer second = echo_answer(messages, std::nullopt);

  // system: "Be" "brief" "." = 3, user: "What" "is" "2" "+" "2" "?" = 6, plus 3 per message.
  EXPECT_EQ(first.prompt_tokens, 3u + 6u + 2u * 3u);
  EXPECT_EQ(first.completion_tokens, count_tokens(first.text));
  EXPECT_GT(first.completion_tokens, 0u);
  EXPECT_EQ(second.text, first.text);
  EXPECT_EQ(second.chunks, first.chunks);
  EXPECT_EQ(second.prompt_tokens, first.prompt_tokens);
  EXPECT_EQ(second.completion_tokens, first.completion_tokens);
}

TEST(CountTokens, CountsWordRunsAndEachOtherVisibleCharacter) {
  const std::pair<std::string_view, std::uint32_t> examples[] = {
      {"", 0},
      {"   \n\t", 0},
      {"hello", 1},
      {"Hello, world!", 4},
      {"  spaced   out  ", 2},
      {"abc123", 1},
      {"3.14", 3},
      {"don't", 3},
      {"a+b=c", 5},
      {"...", 3},
      {"caf\xc3\xa9 na\xc3\xafve", 2},
      {"You said: hi", 4},
  };

  for (const auto& [text, tokens] : examples) {
    EXPECT_EQ(count_tokens(text), tokens) << text;
  }
}

}  // namespace
}  // namespace veyra::providers::builtin
