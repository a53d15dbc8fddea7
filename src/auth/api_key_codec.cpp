#include "auth/api_key_codec.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <stdexcept>

#include "core/ids.h"

namespace veyra::auth {
namespace {

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

constexpr std::array<std::uint32_t, 256> crc32_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t value = i;
    for (int bit = 0; bit < 8; ++bit) value = (value & 1) ? 0xEDB88320u ^ (value >> 1) : value >> 1;
    table[i] = value;
  }
  return table;
}

constexpr std::array<std::uint32_t, 256> kCrc32Table = crc32_table();

// CRC-32 (IEEE 802.3, as zlib computes it).
std::uint32_t crc32(std::string_view data) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (char c : data) {
    crc = kCrc32Table[(crc ^ static_cast<unsigned char>(c)) & 0xFF] ^ (crc >> 8);
  }
  return crc ^ 0xFFFFFFFFu;
}

// The checksum of the random part: its CRC-32 as 6 base62 digits, most significant first
// (62^6 > 2^32, so every CRC has exactly one spelling).
std::array<char, ApiKeyCodec::kChecksumSize> checksum(std::string_view random) {
  std::uint32_t value = crc32(random);
  std::array<char, ApiKeyCodec::kChecksumSize> digits;
  for (std::size_t i = digits.size(); i-- > 0;) {
    digits[i] = kBase62[value % 62];
    value /= 62;
  }
  return digits;
}

bool is_base62(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

}  // namespace

namespace {

// Throws before the HMAC state is built when the secret is too short; the caller's copy
// is wiped either way.
std::string checked_secret(std::string secret) {
  if (secret.size() < ApiKeyCodec::kMinSecretSize) {
    OPENSSL_cleanse(secret.data(), secret.size());
    throw std::invalid_argument("the API key hashing secret must be at least 32 bytes");
  }
  return secret;
}

}  // namespace

ApiKeyCodec::ApiKeyCodec(std::string secret) : hmac_(checked_secret(std::move(secret))) {}

ApiKeyCodec::~ApiKeyCodec() = default;
ApiKeyCodec::ApiKeyCodec(ApiKeyCodec&&) noexcept = default;
ApiKeyCodec& ApiKeyCodec::operator=(ApiKeyCodec&&) noexcept = default;

GeneratedApiKey ApiKeyCodec::generate() const {
  GeneratedApiKey key;
  std::string random = random_base62(kRandomSize);
  auto digits = checksum(random);
  key.secret.reserve(kKeySize);
  key.secret.append(kKeyPrefix).append(random).append(digits.data(), digits.size());
  if (!hash(key.secret, key.hash)) throw std::bad_alloc();
  key.prefix = key.secret.substr(0, kPrefixSize);
  key.last4 = key.secret.substr(kKeySize - 4);
  return key;
}

bool ApiKeyCodec::well_formed(std::string_view key) {
  if (key.size() != kKeySize || key.substr(0, kKeyPrefix.size()) != kKeyPrefix) return false;
  std::string_view body = key.substr(kKeyPrefix.size());
  if (!std::all_of(body.begin(), body.end(), is_base62)) return false;
  auto expected = checksum(body.substr(0, kRandomSize));
  return body.substr(kRandomSize) == std::string_view(expected.data(), expected.size());
}

bool ApiKeyCodec::hash(std::string_view key, ApiKeyHash& out) const {
  return hmac_.mac(key, out);
}

std::string ApiKeyCodec::hex(const ApiKeyHash& hash) {
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string text(hash.size() * 2, '0');
  for (std::size_t i = 0; i < hash.size(); ++i) {
    text[2 * i] = kHex[hash[i] >> 4];
    text[2 * i + 1] = kHex[hash[i] & 0x0F];
  }
  return text;
}

}  // namespace veyra::auth
