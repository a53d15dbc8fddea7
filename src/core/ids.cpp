#include "core/ids.h"

#include <sodium.h>

namespace veyra {
namespace {

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  (void)ready;
}

}  // namespace

std::string random_base62(std::size_t length) {
  ensure_sodium();
  std::string out;
  out.reserve(length);
  unsigned char bytes[64];
  while (out.size() < length) {
    randombytes_buf(bytes, sizeof bytes);
    for (unsigned char b : bytes) {
      // Rejection sampling keeps every character equally likely: 248 = 4 * 62.
      if (b >= 248) continue;
      out.push_back(kBase62[b % 62]);
      if (out.size() == length) break;
    }
  }
  return out;
}

std::string new_id(std::string_view prefix, std::size_t length) {
  std::string id(prefix);
  id += random_base62(length);
  return id;
}

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace veyra
