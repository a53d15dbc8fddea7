#include "accounts/email.h"

namespace veyra::accounts {
namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

}  // namespace

std::optional<std::string> normalize_email(std::string_view input) {
  while (!input.empty() && is_space(input.front())) input.remove_prefix(1);
  while (!input.empty() && is_space(input.back())) input.remove_suffix(1);
  if (input.empty() || input.size() > 254) return std::nullopt;

  std::size_t at = input.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == input.size() || at > 64 ||
      input.find('@') != at) {
    return std::nullopt;
  }
  for (char c : input) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x21 || byte == 0x7f) return std::nullopt;
  }
  std::string_view domain = input.substr(at + 1);
  if (domain.front() == '.' || domain.back() == '.' || domain.front() == '-' ||
      domain.back() == '-' || domain.find("..") != std::string_view::npos ||
      domain.find('@') != std::string_view::npos) {
    return std::nullopt;
  }

  std::string normalised(input.substr(0, at + 1));
  for (char c : domain) normalised.push_back(lower(c));
  return normalised;
}

std::string email_key(std::string_view email) {
  std::string key(email);
  for (char& c : key) c = lower(c);
  return key;
}

}  // namespace veyra::accounts
