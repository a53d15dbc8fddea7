#include "auth/password_policy.h"

#include <fmt/format.h>

#include <optional>
#include <string>
#include <unordered_set>

#include "core/embedded.h"

namespace veyra::auth {
namespace {

// A UTF-8 code point takes at most 4 bytes, so anything longer is too long whatever it holds.
constexpr std::size_t kMaxPasswordBytes = kMaxPasswordChars * 4;

std::string too_long_message() {
  return fmt::format("Password must be at most {} characters.", kMaxPasswordChars);
}

Error weak(std::string_view param, std::string message) {
  return make_error(ErrorCode::weak_password, std::move(message), std::string(param));
}

struct LeadByte {
  std::size_t continuation_bytes;
  char32_t bits;       // the payload of the lead byte
  char32_t min_value;  // smaller values are overlong encodings
};

std::optional<LeadByte> decode_lead(unsigned char lead) {
  if (lead < 0x80) return LeadByte{0, lead, 0};
  if ((lead & 0xE0) == 0xC0) return LeadByte{1, lead & 0x1Fu, 0x80};
  if ((lead & 0xF0) == 0xE0) return LeadByte{2, lead & 0x0Fu, 0x800};
  if ((lead & 0xF8) == 0xF0) return LeadByte{3, lead & 0x07u, 0x10000};
  return std::nullopt;
}

// The number of code points in `text`, or nullopt when it is not well-formed UTF-8
// (overlong forms, surrogates and values past U+10FFFF are rejected).
std::optional<std::size_t> count_code_points(std::string_view text) {
  std::size_t count = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::optional<LeadByte> lead = decode_lead(static_cast<unsigned char>(text[i]));
    if (!lead || text.size() - i - 1 < lead->continuation_bytes) return std::nullopt;

    char32_t value = lead->bits;
    for (std::size_t k = 1; k <= lead->continuation_bytes; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return std::nullopt;
      value = (value << 6) | (next & 0x3Fu);
    }
    if (value < lead->min_value || value > 0x10FFFF) return std::nullopt;
    if (value >= 0xD800 && value <= 0xDFFF) return std::nullopt;

    i += lead->continuation_bytes + 1;
    ++count;
  }
  return count;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool equals_ignoring_ascii_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ascii_lower(a) == ascii_lower(b);
}

// Lines of the embedded list, lower-cased; '#' lines are comments.
std::unordered_set<std::string> load_common_passwords() {
  std::unordered_set<std::string> passwords;
  for (const embedded::EmbeddedFile& file : embedded::common_passwords()) {
    std::string_view rest = file.data;
    while (!rest.empty()) {
      std::size_t end = rest.find('\n');
      std::string_view line = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);

      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty() || line.front() == '#') continue;
      passwords.insert(ascii_lower(line));
    }
  }
  return passwords;
}

bool is_common_password(std::string_view password) {
  static const std::unordered_set<std::string> kCommon = load_common_passwords();
  return kCommon.contains(ascii_lower(password));
}

}  // namespace

Status check_password(std::string_view password, std::string_view email, std::string_view param) {
  // Size first, so a megabyte of input costs nothing.
  if (password.size() > kMaxPasswordBytes) {
    return weak(param, too_long_message());
  }

  std::optional<std::size_t> chars = count_code_points(password);
  if (!chars) return weak(param, "Password must be valid UTF-8 text.");
  if (*chars < kMinPasswordChars) {
    return weak(param, fmt::format("Password must be at least {} characters.", kMinPasswordChars));
  }
  if (*chars > kMaxPasswordChars) return weak(param, too_long_message());

  if (is_common_password(password)) {
    return weak(param,
                "Password is one of the most common passwords; choose a less guessable one.");
  }

  std::string_view local_part = email.substr(0, email.rfind('@'));
  if (!email.empty() && equals_ignoring_ascii_case(password, email)) {
    return weak(param, "Password must not be the same as the email address.");
  }
  if (!local_part.empty() && equals_ignoring_ascii_case(password, local_part)) {
    return weak(param, "Password must not be the same as the part of the email before '@'.");
  }

  return {};
}

}  // namespace veyra::auth
