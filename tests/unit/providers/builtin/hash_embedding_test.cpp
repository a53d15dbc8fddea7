#include "providers/builtin/hash_embedding.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace veyra::providers::builtin {
namespace {

double l2_norm(const std::vector<float>& vector) {
  double sum = 0.0;
  for (const float value : vector) sum += static_cast<double>(value) * value;
  return std::sqrt(sum);
}

TEST(HashEmbedding, HasTheRequestedDimensionAndUnitLength) {
  for (const std::size_t dimensions :
       {std::size_t{1}, std::size_t{7}, kDefaultDimensions, std::size_t{1536}, kMaxDimensions}) {
    const std::vector<float> embedding = hash_embedding("The quick brown fox", dimensions);

    EXPECT_EQ(embedding.size(), dimensions);
    EXPECT_NEAR(l2_norm(embedding), 1.0, 1e-5) << dimensions;
  }
}

TEST(HashEmbedding, IsDeterministic) {
  const std::vector<float> first = hash_embedding("deterministic input", kDefaultDimensions);
  const std::vector<float> second = hash_embedding("deterministic input", kDefaultDimensions);

  EXPECT_EQ(first, second);
}

TEST(HashEmbedding, IgnoresAsciiCase) {
  const std::vector<float> lower = hash_embedding("hello world", kDefaultDimensions);
  const std::vector<float> mixed = hash_embedding("HeLLo WORLD", kDefaultDimensions);

  EXPECT_EQ(lower, mixed);
}

TEST(HashEmbedding, SimilarSentencesAreCloserThanUnrelatedOnes) {
  const std::vector<float> cat = hash_embedding("the cat sat on the mat", kDefaultDimensions);
  const std::vector<float> near = hash_embedding("the cat sat on a mat", kDefaultDimensions);
  const std::vector<float> far =
      hash_embedding("quantum chromodynamics lecture notes", kDefaultDimensions);

  EXPECT_GT(cosine_similarity(cat, near), cosine_similarity(cat, far));
  EXPECT_GT(cosine_similarity(cat, near), 0.5);
}

TEST(HashEmbedding, EmptyTextIsAllZeros) {
  const std::vector<float> embedding = hash_embedding("", kDefaultDimensions);

  ASSERT_EQ(embedding.size(), kDefaultDimensions);
  for (const float value : embedding) EXPECT_EQ(value, 0.0f);
}

TEST(HashEmbedding, OneCharacterTextHasOneGram) {
  const std::vector<float> embedding = hash_embedding("a", kDefaultDimensions);

  int non_zero = 0;
  for (const float value : embedding) non_zero += value != 0.0f ? 1 : 0;
  EXPECT_EQ(non_zero, 1);
  EXPECT_NEAR(l2_norm(embedding), 1.0, 1e-5);
}

TEST(CosineSimilarity, IsOneForIdenticalVectorsAndZeroForOrthogonalOnes) {
  const std::vector<float> x = {1.0f, 0.0f, 0.0f};
  const std::vector<float> y = {0.0f, 2.0f, 0.0f};
  const std::vector<float> minus_x = {-3.0f, 0.0f, 0.0f};

  EXPECT_NEAR(cosine_similarity(x, x), 1.0, 1e-12);
  EXPECT_NEAR(cosine_similarity(x, y), 0.0, 1e-12);
  EXPECT_NEAR(cosine_similarity(x, minus_x), -1.0, 1e-12);
}

TEST(CosineSimilarity, IsZeroForZeroVectorsAndMismatchedSizes) {
  const std::vector<float> zero = {0.0f, 0.0f};
  const std::vector<float> two = {1.0f, 1.0f};
  const std::vector<float> three = {1.0f, 1.0f, 1.0f};

  EXPECT_EQ(cosine_similarity(zero, two), 0.0);
  EXPECT_EQ(cosine_similarity(two, three), 0.0);
}

}  // namespace
}  // namespace veyra::providers::builtin
