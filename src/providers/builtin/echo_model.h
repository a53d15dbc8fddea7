// veyra-echo: the built-in chat model that answers deterministically from the prompt, for
// trying the API and for load tests without any upstream. Its answer is "You said: " followed
// by the last user message with its whitespace collapsed. Pure functions with no state; safe
// to call from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace veyra::providers::builtin {

// One chat message as the request gave it. Both views must outlive the call they are
// passed to; nothing keeps them.
struct EchoMessage {
  std::string_view role;
  std::string_view content;
};

struct EchoAnswer {
  // The answer in the pieces a stream sends one by one: each word with the single space that
  // follows it, the last word alone. Joined they give `text`. An answer of two or more
  // characters has at least two chunks (a one-word answer is split in the middle of the word,
  // on a UTF-8 character boundary), which every answer but an empty one is; an empty answer
  // has no chunks.
  std::vector<std::string> chunks;
  // The whole answer.
  std::string text;
  // "stop" when the answer is complete, "length" when max_tokens cut it short.
  std::string finish_reason;
  // Estimated with count_tokens: every message's content plus 3 per message for its role and
  // framing, the overhead OpenAI documents for its chat formats.
  std::uint32_t prompt_tokens = 0;
  // count_tokens(text); never more than max_tokens when that was given.
  std::uint32_t completion_tokens = 0;
};

// The answer to `messages`. The last message whose role is exactly "user" is echoed; system,
// assistant and tool messages are never echoed. Without a user message the answer is the fixed
// sentence "There is no user message to echo."; a user message that is empty or all whitespace
// gets "Your message was empty.".
// With `max_tokens` the answer keeps its first max_tokens tokens (as count_tokens counts them,
// trailing whitespace dropped) and finish_reason is "length" if anything was cut; max_tokens 0
// gives an empty answer with no chunks.
EchoAnswer echo_answer(std::span<const EchoMessage> messages,
                       std::optional<std::uint32_t> max_tokens);

// An approximation of the number of tokens a GPT-style tokenizer makes of `text`, without
// its vocabulary: every maximal run of word bytes (ASCII letters, ASCII digits and any byte
// >= 0x80, so that a non-ASCII letter stays inside its word) is one token, and every other
// byte that is not ASCII whitespace is one token of its own. "Hello, world!" is 4 tokens.
// Real tokenizers split long or rare words further, so this tends to undercount them; it is
// an estimate and usage built from it is reported as such.
std::uint32_t count_tokens(std::string_view text);

}  // namespace veyra::providers::builtin
