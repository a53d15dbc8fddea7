#include "auth/api_key_codec.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <set>
#include <stdexcept>
#include <string>

namespace veyra::auth {
namespace {

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef-keys";

// HMAC-SHA256 through OpenSSL's one-shot API, independent of the codec's precomputed states.
std::string reference_hmac_hex(std::string_view secret, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &size);
  ApiKeyHash hash;
  std::copy(mac, mac + hash.size(), hash.begin());
  return ApiKeyCodec::hex(hash);
}

TEST(ApiKeyCodec, GeneratedKeysHaveTheDocumentedShape) {
  ApiKeyCodec codec{std::string(kSecret)};

  GeneratedApiKey key = codec.generate();

  EXPECT_EQ(key.secret.size(), ApiKeyCodec::kKeySize);
  EXPECT_EQ(key.secret.substr(0, 9), "veyra_sk_");
  EXPECT_EQ(key.secret.find_first_not_of(
                "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 9),
            std::string::npos);
  EXPECT_EQ(key.prefix, key.secret.substr(0, 12));
  EXPECT_EQ(key.last4, key.secret.substr(key.secret.size() - 4));
  EXPECT_TRUE(ApiKeyCodec::well_formed(key.secret));
}

TEST(ApiKeyCodec, GeneratedKeysAreDistinct) {
  ApiKeyCodec codec{std::string(kSecret)};
  std::set<std::string> seen;

  for (int i = 0; i < 1000; ++i) seen.insert(codec.generate().secret);

  EXPECT_EQ(seen.size(), 1000u);
}

TEST(ApiKeyCodec, HashIsHmacSha256OfTheWholeKey) {
  ApiKeyCodec codec{std::string(kSecret)};
  GeneratedApiKey key = codec.generate();

  ApiKeyHash again;
  ASSERT_TRUE(codec.hash(key.secret, again));

  EXPECT_EQ(again, key.hash);
  EXPECT_EQ(ApiKeyCodec::hex(key.hash), reference_hmac_hex(kSecret, key.secret));
}

TEST(ApiKeyCodec, SecretsLongerThanOneBlockAreHashedAsHmacRequires) {
  std::string secret(100, 'x');
  ApiKeyCodec codec{secret};
  GeneratedApiKey key = codec.generate();

  EXPECT_EQ(ApiKeyCodec::hex(key.hash), reference_hmac_hex(secret, key.secret));
}

TEST(ApiKeyCodec, DifferentSecretsHashTheSameKeyDifferently) {
  ApiKeyCodec codec{std::string(kSecret)};
  ApiKeyCodec other{std::string(kSecret) + "!"};
  GeneratedApiKey key = codec.generate();

  ApiKeyHash hash;
  ASSERT_TRUE(other.hash(key.secret, hash));

  EXPECT_NE(hash, key.hash);
}

TEST(ApiKeyCodec, ShortSecretIsRefusedAtConstruction) {
  EXPECT_THROW(ApiKeyCodec{std::string(31, 's')}, std::invalid_argument);
}

TEST(ApiKeyCodec, EverySingleCharacterChangeFailsTheChecksum) {
  ApiKeyCodec codec{std::string(kSecret)};
  std::string key = codec.generate().secret;

  for (std::size_t i = ApiKeyCodec::kKeyPrefix.size(); i < key.size(); ++i) {
    std::string typo = key;
    typo[i] = typo[i] == 'a' ? 'b' : 'a';
    EXPECT_FALSE(ApiKeyCodec::well_formed(typo)) << typo;
  }
}

TEST(ApiKeyCodec, MalformedKeysAreRejected) {
  ApiKeyCodec codec{std::string(kSecret)};
  std::string key = codec.generate().secret;
  std::string swapped = key;
  std::swap(swapped[10], swapped[11]);
  if (swapped == key) std::swap(swapped[12], swapped[13]);

  EXPECT_FALSE(ApiKeyCodec::well_formed(""));
  EXPECT_FALSE(ApiKeyCodec::well_formed("veyra_sk_"));
  EXPECT_FALSE(ApiKeyCodec::well_formed(key.substr(0, key.size() - 1)));
  EXPECT_FALSE(ApiKeyCodec::well_formed(key + "0"));
  EXPECT_FALSE(ApiKeyCodec::well_formed("veyra_pk_" + key.substr(9)));
  EXPECT_FALSE(ApiKeyCodec::well_formed(key.substr(0, 20) + "-" + key.substr(21)));
  EXPECT_FALSE(ApiKeyCodec::well_formed(swapped));
}

TEST(ApiKeyCodec, WellFormedNeedsNoSecret) {
  ApiKeyCodec codec{std::string(kSecret)};
  std::string key = codec.generate().secret;

  EXPECT_TRUE(ApiKeyCodec::well_formed(key));
}

}  // namespace
}  // namespace veyra::auth
