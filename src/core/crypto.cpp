#include "core/crypto.h"

#include <openssl/evp.h>

#include "core/ids.h"

namespace veyra {

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0f]);
  }
  return out;
}

std::string random_secret(unsigned bits) {
  // Each base62 character carries log2(62) ~ 5.95 bits.
  std::size_t length = (bits * 100 + 594) / 595;
  return random_base62(length);
}

}  // namespace veyra
