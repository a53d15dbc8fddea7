#include "core/ids.h"

#include <sodium.h>

#include <chrono>
#include <cstdint>
#include <random>

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

std::string sortable_id(std::string_view prefix) {
  ensure_sodium();
  thread_local std::mt19937_64 generator = [] {
    std::seed_seq::result_type seed[4];
    randombytes_buf(seed, sizeof seed);
    std::seed_seq sequence(std::begin(seed), std::end(seed));
    return std::mt19937_64(sequence);
  }();

  std::string id(prefix);
  id.resize(prefix.size() + 22);
  char* time_digits = id.data() + prefix.size();
  auto ms = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
  for (int i = 8; i >= 0; --i) {
    time_digits[i] = kBase62[ms % 62];
    ms /= 62;
  }
  char* random_digits = time_digits + 9;
  std::uint64_t bits = generator();
  for (int i = 0; i < 13; ++i) {
    if (i == 10) bits = generator();  // 10 digits use 60 bits; draw fresh ones for the rest
    random_digits[i] = kBase62[bits % 62];
    bits /= 62;
  }
  return id;
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
