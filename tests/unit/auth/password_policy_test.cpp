#include "auth/password_policy.h"

#include <gtest/gtest.h>

#include <string>

namespace veyra::auth {
namespace {

constexpr std::string_view kEmail = "ada.lovelace@example.com";

// `count` repetitions of `unit`, a string with no common-password or email overlap.
std::string repeat(std::string_view unit, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += unit;
  return out;
}

void expect_weak(const Status& status, std::string_view param, std::string_view rule_word) {
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::weak_password);
  EXPECT_EQ(status.error().param, param);
  EXPECT_NE(status.error().message.find(rule_word), std::string::npos) << status.error().message;
}

TEST(PasswordPolicy, RejectsSevenCharacters) {
  Status status = check_password("kq7#vLm", kEmail, "password");

  expect_weak(status, "password", "at least 8");
}

TEST(PasswordPolicy, AcceptsEightCharacters) {
  Status status = check_password("kq7#vLm2", kEmail, "password");

  EXPECT_TRUE(status.ok());
}

TEST(PasswordPolicy, AcceptsOneHundredTwentyEightCharacters) {
  std::string password = repeat("kq7#vLm2", 16);

  Status status = check_password(password, kEmail, "password");

  EXPECT_TRUE(status.ok());
}

TEST(PasswordPolicy, RejectsOneHundredTwentyNineCharacters) {
  std::string password = repeat("kq7#vLm2", 16) + "x";

  Status status = check_password(password, kEmail, "password");

  expect_weak(status, "password", "at most 128");
}

TEST(PasswordPolicy, CountsMultiByteCharactersOnce) {
  std::string seven_accents = repeat("\xC3\xA9", 7);         // é: 14 bytes
  std::string eight_accents = repeat("\xC3\xA9", 8);         // 16 bytes
  std::string max_emoji = repeat("\xF0\x9F\x94\x91", 128);   // 🔑: 512 bytes
  std::string too_many_euros = repeat("\xE2\x82\xAC", 129);  // €: 387 bytes

  EXPECT_FALSE(check_password(seven_accents, kEmail, "password").ok());
  EXPECT_TRUE(check_password(eight_accents, kEmail, "password").ok());
  EXPECT_TRUE(check_password(max_emoji, kEmail, "password").ok());
  EXPECT_FALSE(check_password(too_many_euros, kEmail, "password").ok());
}

TEST(PasswordPolicy, RejectsInvalidUtf8) {
  std::string base = "kq7#vLm2x";

  expect_weak(check_password(base + "\xFF", kEmail, "password"), "password", "UTF-8");
  expect_weak(check_password(base + "\xC3", kEmail, "password"), "password", "UTF-8");
  expect_weak(check_password(base + "\xC0\xAF", kEmail, "password"), "password", "UTF-8");
  expect_weak(check_password(base + "\xED\xA0\x80", kEmail, "password"), "password", "UTF-8");
  expect_weak(check_password(base + "\xF4\x90\x80\x80", kEmail, "password"), "password", "UTF-8");
}

TEST(PasswordPolicy, RejectsCommonPasswordsIgnoringCase) {
  expect_weak(check_password("password123", kEmail, "password"), "password", "common");
  expect_weak(check_password("qwerty123", kEmail, "password"), "password", "common");
  expect_weak(check_password("Password", kEmail, "password"), "password", "common");
  expect_weak(check_password("BASEBALL", kEmail, "password"), "password", "common");
}

TEST(PasswordPolicy, RejectsTheEmailAndItsLocalPart) {
  expect_weak(check_password("ada.lovelace@example.com", kEmail, "password"), "password", "email");
  expect_weak(check_password("Ada.Lovelace@Example.com", kEmail, "password"), "password", "email");
  expect_weak(check_password("ADA.LOVELACE", kEmail, "password"), "password", "email");
}

TEST(PasswordPolicy, AcceptsPasswordsThatOnlyContainTheEmail) {
  Status status = check_password("ada.lovelace!", kEmail, "password");

  EXPECT_TRUE(status.ok());
}

TEST(PasswordPolicy, CarriesTheFieldNameAsParam) {
  Status short_one = check_password("short", kEmail, "new_password");
  Status common = check_password("password123", kEmail, "new_password");
  Status email = check_password("ada.lovelace", kEmail, "new_password");

  expect_weak(short_one, "new_password", "at least 8");
  expect_weak(common, "new_password", "common");
  expect_weak(email, "new_password", "email");
}

// The length rule comes first, so a huge input is refused by its size alone (no UTF-8 scan,
// no list lookup, no hashing by callers).
TEST(PasswordPolicy, RejectsAMebibyteByLength) {
  std::string huge(1 << 20, 'a');

  Status status = check_password(huge, kEmail, "password");

  expect_weak(status, "password", "at most 128");
}

}  // namespace
}  // namespace veyra::auth
