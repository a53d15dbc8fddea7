#include "core/hmac.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>

namespace veyra {

namespace {

constexpr std::size_t kBlockSize = 64;  // SHA-256's block, HMAC's key-pad width

// One digest context per thread, reused by every MAC computed on it.
EVP_MD_CTX* scratch_digest() {
  struct Scratch {
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    ~Scratch() { EVP_MD_CTX_free(context); }
  };
  thread_local Scratch scratch;
  return scratch.context;
}

}  // namespace

void HmacSha256::DigestFree::operator()(evp_md_ctx_st* context) const {
  EVP_MD_CTX_free(context);
}

HmacSha256::HmacSha256(std::string secret) : inner_(EVP_MD_CTX_new()), outer_(EVP_MD_CTX_new()) {
  EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);

  // HMAC (RFC 2104): a key longer than one block is replaced by its digest, then padded.
  std::array<unsigned char, kBlockSize> key{};
  bool ok = sha256 != nullptr && inner_ && outer_;
  if (ok && secret.size() > kBlockSize) {
    ok = EVP_Digest(secret.data(), secret.size(), key.data(), nullptr, sha256, nullptr) == 1;
  } else if (ok) {
    std::copy(secret.begin(), secret.end(), key.begin());
  }
  OPENSSL_cleanse(secret.data(), secret.size());

  std::array<unsigned char, kBlockSize> inner_pad;
  std::array<unsigned char, kBlockSize> outer_pad;
  for (std::size_t i = 0; i < kBlockSize; ++i) {
    inner_pad[i] = key[i] ^ 0x36;
    outer_pad[i] = key[i] ^ 0x5c;
  }
  ok = ok && EVP_DigestInit_ex2(inner_.get(), sha256, nullptr) == 1 &&
       EVP_DigestUpdate(inner_.get(), inner_pad.data(), kBlockSize) == 1 &&
       EVP_DigestInit_ex2(outer_.get(), sha256, nullptr) == 1 &&
       EVP_DigestUpdate(outer_.get(), outer_pad.data(), kBlockSize) == 1;
  OPENSSL_cleanse(key.data(), key.size());
  OPENSSL_cleanse(inner_pad.data(), inner_pad.size());
  OPENSSL_cleanse(outer_pad.data(), outer_pad.size());
  EVP_MD_free(sha256);
  if (!ok) throw std::runtime_error("OpenSSL cannot provide HMAC-SHA256");
}

HmacSha256::~HmacSha256() = default;
HmacSha256::HmacSha256(HmacSha256&&) noexcept = default;
HmacSha256& HmacSha256::operator=(HmacSha256&&) noexcept = default;

bool HmacSha256::mac(std::string_view message, HmacSha256Mac& out) const {
  EVP_MD_CTX* work = scratch_digest();
  HmacSha256Mac inner_hash;
  return work != nullptr && EVP_MD_CTX_copy_ex(work, inner_.get()) == 1 &&
         EVP_DigestUpdate(work, message.data(), message.size()) == 1 &&
         EVP_DigestFinal_ex(work, inner_hash.data(), nullptr) == 1 &&
         EVP_MD_CTX_copy_ex(work, outer_.get()) == 1 &&
         EVP_DigestUpdate(work, inner_hash.data(), inner_hash.size()) == 1 &&
         EVP_DigestFinal_ex(work, out.data(), nullptr) == 1;
}

}  // namespace veyra
