#include "auth/password_hasher.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>

namespace veyra::auth {
namespace {

// libsodium's floor (8 KiB, 1 pass) is far too weak for production but keeps tests fast.
constexpr PasswordHashParams kFast{.memory_kib = 64, .passes = 1};

std::string hash_or_fail(const PasswordHasher& hasher, std::string_view password) {
  Result<std::string> hashed = hasher.hash(password);
  EXPECT_TRUE(hashed.ok());
  return hashed.ok() ? hashed.value() : std::string();
}

TEST(PasswordHasher, HashIsEncodedArgon2idWithTheConfiguredCost) {
  PasswordHasher hasher(kFast);

  std::string hashed = hash_or_fail(hasher, "correct horse battery");

  EXPECT_TRUE(hashed.starts_with("$argon2id$v=19$m=64,t=1,p=1$")) << hashed;
}

TEST(PasswordHasher, VerifiesTheRightPassword) {
  PasswordHasher hasher(kFast);
  std::string hashed = hash_or_fail(hasher, "correct horse battery");

  bool matches = hasher.verify(hashed, "correct horse battery");

  EXPECT_TRUE(matches);
}

TEST(PasswordHasher, RejectsAWrongPassword) {
  PasswordHasher hasher(kFast);
  std::string hashed = hash_or_fail(hasher, "correct horse battery");

  EXPECT_FALSE(hasher.verify(hashed, "correct horse batterY"));
  EXPECT_FALSE(hasher.verify(hashed, "correct horse battery "));
  EXPECT_FALSE(hasher.verify(hashed, ""));
}

TEST(PasswordHasher, SaltsEveryHash) {
  PasswordHasher hasher(kFast);

  std::string first = hash_or_fail(hasher, "same password");
  std::string second = hash_or_fail(hasher, "same password");

  EXPECT_NE(first, second);
  EXPECT_TRUE(hasher.verify(second, "same password"));
}

TEST(PasswordHasher, VerifiesHashesMadeWithOtherParameters) {
  PasswordHasher old_hasher(kFast);
  PasswordHasher new_hasher({.memory_kib = 128, .passes = 2});
  std::string old_hash = hash_or_fail(old_hasher, "kept across upgrades");

  bool matches = new_hasher.verify(old_hash, "kept across upgrades");

  EXPECT_TRUE(matches);
}

TEST(PasswordHasher, MalformedHashesVerifyFalse) {
  PasswordHasher hasher(kFast);
  std::string good = hash_or_fail(hasher, "password-under-test");
  std::string with_nul = good;
  with_nul.insert(10, 1, '\0');

  EXPECT_FALSE(hasher.verify("", "password-under-test"));
  EXPECT_FALSE(hasher.verify("not a hash", "password-under-test"));
  EXPECT_FALSE(hasher.verify("$argon2id$v=19$m=64,t=1,p=1$garbage", "password-under-test"));
  EXPECT_FALSE(hasher.verify(good.substr(0, good.size() - 5), "password-under-test"));
  EXPECT_FALSE(hasher.verify(with_nul, "password-under-test"));
  EXPECT_FALSE(hasher.verify(std::string(4096, '$'), "password-under-test"));
}

TEST(PasswordHasher, NoRehashWhenParametersAreEqual) {
  PasswordHasher hasher(kFast);
  std::string hashed = hash_or_fail(hasher, "password-under-test");

  EXPECT_FALSE(hasher.needs_rehash(hashed));
  EXPECT_FALSE(PasswordHasher(kFast).needs_rehash(hashed));
}

TEST(PasswordHasher, RehashWhenParametersGrow) {
  std::string hashed = hash_or_fail(PasswordHasher(kFast), "password-under-test");

  PasswordHasher more_memory({.memory_kib = 128, .passes = 1});
  PasswordHasher more_passes({.memory_kib = 64, .passes = 2});

  EXPECT_TRUE(more_memory.needs_rehash(hashed));
  EXPECT_TRUE(more_passes.needs_rehash(hashed));
}

TEST(PasswordHasher, RehashWhenParametersShrink) {
  std::string hashed = hash_or_fail(PasswordHasher({.memory_kib = 128, .passes = 2}), "pw");

  PasswordHasher hasher(kFast);

  EXPECT_TRUE(hasher.needs_rehash(hashed));
}

TEST(PasswordHasher, RehashArgon2iAndMalformedHashes) {
  // Argon2i needs at least 3 passes; the hasher matches them so only the algorithm differs.
  constexpr PasswordHashParams kArgon2iFloor{.memory_kib = 64, .passes = 3};
  char argon2i[crypto_pwhash_STRBYTES];
  ASSERT_EQ(crypto_pwhash_str_alg(argon2i, "pw", 2, kArgon2iFloor.passes,
                                  kArgon2iFloor.memory_kib * 1024u, crypto_pwhash_ALG_ARGON2I13),
            0);

  PasswordHasher hasher(kArgon2iFloor);

  EXPECT_TRUE(hasher.needs_rehash(argon2i));
  EXPECT_TRUE(hasher.needs_rehash(""));
  EXPECT_TRUE(hasher.needs_rehash("not a hash"));
}

TEST(PasswordHasher, DummyVerifyRunsForAnyPassword) {
  PasswordHasher hasher(kFast);

  hasher.dummy_verify("whatever the client sent");
  hasher.dummy_verify("");

  SUCCEED();
}

}  // namespace
}  // namespace veyra::auth
