#include "providers/builtin/hash_embedding.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <string>

namespace veyra::providers::builtin {
namespace {

constexpr std::size_t kGramSize = 3;
constexpr std::uint64_t kFnvOffsetBasis = 14695981039346656037ULL;
constexpr std::uint64_t kFnvPrime = 1099511628211ULL;

std::uint64_t fnv1a_64(std::string_view bytes) {
  std::uint64_t hash = kFnvOffsetBasis;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= kFnvPrime;
  }
  return hash;
}

std::string padded_lower_ascii(std::string_view text) {
  std::string padded;
  padded.reserve(text.size() + 2);
  padded.push_back(' ');
  for (const char c : text) {
    padded.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  padded.push_back(' ');
  return padded;
}

}  // namespace

std::vector<float> hash_embedding(std::string_view text, std::size_t dimensions) {
  assert(dimensions >= 1 && dimensions <= kMaxDimensions);

  // Sum in double so that long texts lose no precision before normalising.
  std::vector<double> sums(dimensions, 0.0);
  const std::string padded = padded_lower_ascii(text);
  for (std::size_t i = 0; i + kGramSize <= padded.size(); ++i) {
    const std::uint64_t hash = fnv1a_64(std::string_view(padded).substr(i, kGramSize));
    sums[hash % dimensions] += (hash >> 63) == 0 ? 1.0 : -1.0;
  }

  double squared_norm = 0.0;
  for (const double value : sums) squared_norm += value * value;
  const double scale = squared_norm > 0.0 ? 1.0 / std::sqrt(squared_norm) : 0.0;

  std::vector<float> embedding(dimensions);
  for (std::size_t i = 0; i < dimensions; ++i) {
    embedding[i] = static_cast<float>(sums[i] * scale);
  }
  return embedding;
}

double cosine_similarity(std::span<const float> a, std::span<const float> b) {
  if (a.size() != b.size()) return 0.0;

  double dot = 0.0;
  double norm_a = 0.0;
  double norm_b = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    norm_a += static_cast<double>(a[i]) * a[i];
    norm_b += static_cast<double>(b[i]) * b[i];
  }
  if (norm_a == 0.0 || norm_b == 0.0) return 0.0;
  // Rounding can carry the quotient a hair past +-1.
  return std::clamp(dot / (std::sqrt(norm_a) * std::sqrt(norm_b)), -1.0, 1.0);
}

}  // namespace veyra::providers::builtin
