// veyra-embed: the built-in embedding model, a hashing-trick embedding of character 3-grams.
// It captures lexical similarity only (shared spelling, not shared meaning), needs no model
// file, and gives the same vector for the same text on every run and machine. Pure functions;
// safe to call from any thread.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace veyra::providers::builtin {

// The dimension veyra-embed uses when the request names none.
inline constexpr std::size_t kDefaultDimensions = 256;
// The largest dimension veyra-embed accepts; requests above it are refused by the caller.
inline constexpr std::size_t kMaxDimensions = 4096;

// The embedding of `text` as `dimensions` floats of unit L2 length.
// ASCII letters are lower-cased, the text is padded with one space at each end, and every
// 3-byte window of it (UTF-8 bytes as they come) is hashed with 64-bit FNV-1a. Each 3-gram
// adds +1 or -1 (the hash's top bit picks the sign) at index hash % dimensions; the sum is then
// scaled to unit length. When nothing remains (empty text, or contributions that cancel out)
// the vector stays all zeros rather than dividing by zero.
// REQUIRES: 1 <= dimensions <= kMaxDimensions; callers validate requests before calling.
std::vector<float> hash_embedding(std::string_view text, std::size_t dimensions);

// The cosine of the angle between `a` and `b`, in [-1, 1]. Returns 0 when either vector is all
// zeros or when their sizes differ.
double cosine_similarity(std::span<const float> a, std::span<const float> b);

}  // namespace veyra::providers::builtin
