#include "core/base64url.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace veyra {
namespace {

TEST(Base64url, EncodesTheRfc4648VectorsWithoutPadding) {
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
  };

  for (const auto& [bytes, text] : vectors) {
    EXPECT_EQ(base64url_encode(bytes), text) << bytes;
    EXPECT_EQ(base64url_decode(text), std::string(bytes)) << text;
  }
}

TEST(Base64url, UsesTheUrlSafeAlphabet) {
  const std::string bytes = "\xfb\xff\xbf";

  const std::string text = base64url_encode(bytes);

  EXPECT_EQ(text, "-_-_");
  EXPECT_EQ(base64url_decode(text), bytes);
}

TEST(Base64url, RoundTripsEveryByteAtEveryTailLength) {
  std::string all_bytes;
  for (int b = 0; b < 256; ++b) all_bytes.push_back(static_cast<char>(b));

  for (std::size_t length = 0; length <= all_bytes.size(); ++length) {
    const std::string bytes = all_bytes.substr(all_bytes.size() - length);

    const std::optional<std::string> decoded = base64url_decode(base64url_encode(bytes));

    ASSERT_TRUE(decoded.has_value()) << length;
    EXPECT_EQ(*decoded, bytes) << length;
  }
}

TEST(Base64url, RejectsPadding) {
  EXPECT_FALSE(base64url_decode("Zg=="));
  EXPECT_FALSE(base64url_decode("Zm8="));
  EXPECT_FALSE(base64url_decode("Zm9v===="));
}

TEST(Base64url, RejectsCharactersOutsideTheUrlSafeAlphabet) {
  using namespace std::string_literals;

  for (const std::string& text :
       {"Zm9+"s, "Zm9/"s, "Zm 9"s, "Zm9v\n"s, "Zm\0v"s, "Zm9\xc3\xa9"s, "Zm9v.mFy"s}) {
    EXPECT_FALSE(base64url_decode(text)) << text;
  }
}

TEST(Base64url, RejectsImpossibleLengths) {
  EXPECT_FALSE(base64url_decode("Z"));
  EXPECT_FALSE(base64url_decode("Zm9vY"));
}

TEST(Base64url, RejectsNonCanonicalTrailingBits) {
  // "Zg" and "Zm8" are the only spellings of "f" and "fo"; their neighbours set unused bits.
  EXPECT_FALSE(base64url_decode("Zh"));
  EXPECT_FALSE(base64url_decode("Zm9"));
  EXPECT_FALSE(base64url_decode("Zm9vYh"));
}

TEST(Base64url, DecodeIntoRefusesABufferTooSmall) {
  std::array<char, 2> small;
  std::array<char, 3> exact;

  const auto too_small = base64url_decode_into("Zm9v", small);
  const auto fits = base64url_decode_into("Zm9v", exact);

  EXPECT_FALSE(too_small);
  ASSERT_EQ(fits, 3u);
  EXPECT_EQ(std::string_view(exact.data(), 3), "foo");
}

}  // namespace
}  // namespace veyra
