#include "providers/builtin/echo_model.h"

#include <algorithm>
#include <cstddef>

namespace veyra::providers::builtin {
namespace {

constexpr std::string_view kEchoPrefix = "You said: ";
constexpr std::string_view kNoUserMessage = "There is no user message to echo.";
constexpr std::string_view kEmptyUserMessage = "Your message was empty.";
constexpr std::uint32_t kTokensPerMessage = 3;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_word_byte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
         (byte >= '0' && byte <= '9') || byte >= 0x80;
}

bool is_utf8_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Whether the byte at `i` begins a token as count_tokens counts them.
bool starts_token(std::string_view text, std::size_t i) {
  if (is_space(text[i])) return false;
  return i == 0 || !is_word_byte(text[i]) || !is_word_byte(text[i - 1]);
}

// `text` with leading and trailing whitespace removed and every inner run of it made one space.
std::string collapse_whitespace(std::string_view text) {
  std::string collapsed;
  collapsed.reserve(text.size());
  bool pending_space = false;
  for (const char c : text) {
    if (is_space(c)) {
      pending_space = !collapsed.empty();
      continue;
    }
    if (pending_space) collapsed.push_back(' ');
    pending_space = false;
    collapsed.push_back(c);
  }
  return collapsed;
}

std::string answer_text(std::span<const EchoMessage> messages) {
  const auto last_user = std::find_if(messages.rbegin(), messages.rend(),
                                      [](const EchoMessage& m) { return m.role == "user"; });
  if (last_user == messages.rend()) return std::string(kNoUserMessage);

  std::string content = collapse_whitespace(last_user->content);
  if (content.empty()) return std::string(kEmptyUserMessage);
  return std::string(kEchoPrefix) + content;
}

// The length of the longest prefix of `text` holding at most `max_tokens` tokens, trailing
// whitespace excluded. Cutting just before a token's first byte never splits another token.
std::size_t prefix_within_tokens(std::string_view text, std::uint32_t max_tokens) {
  std::uint32_t tokens = 0;
  std::size_t end = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_space(text[i])) continue;
    if (starts_token(text, i) && tokens++ == max_tokens) break;
    end = i + 1;
  }
  return end;
}

// The words of the single-spaced `text`, each with its following space; a lone word is split
// in two on a character boundary so that a stream always shows more than one delta.
std::vector<std::string> split_into_chunks(std::string_view text) {
  std::vector<std::string> chunks;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t space = text.find(' ', start);
    const std::size_t end = space == std::string_view::npos ? text.size() : space + 1;
    chunks.emplace_back(text.substr(start, end - start));
    start = end;
  }

  if (chunks.size() != 1) return chunks;
  std::size_t middle = text.size() / 2;
  while (middle > 0 && is_utf8_continuation(text[middle])) --middle;
  if (middle == 0) middle = text.size();
  if (middle < text.size()) {
    chunks = {std::string(text.substr(0, middle)), std::string(text.substr(middle))};
  }
  return chunks;
}

}  // namespace

EchoAnswer echo_answer(std::span<const EchoMessage> messages,
                       std::optional<std::uint32_t> max_tokens) {
  EchoAnswer answer;
  answer.text = answer_text(messages);
  answer.finish_reason = "stop";

  if (max_tokens) {
    const std::size_t kept = prefix_within_tokens(answer.text, *max_tokens);
    if (kept < answer.text.size()) {
      answer.text.resize(kept);
      answer.finish_reason = "length";
    }
  }

  answer.chunks = split_into_chunks(answer.text);
  for (const EchoMessage& message : messages) {
    answer.prompt_tokens += count_tokens(message.content) + kTokensPerMessage;
  }
  answer.completion_tokens = count_tokens(answer.text);
  return answer;
}

std::uint32_t count_tokens(std::string_view text) {
  std::uint32_t tokens = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (starts_token(text, i)) ++tokens;
  }
  return tokens;
}

}  // namespace veyra::providers::builtin
