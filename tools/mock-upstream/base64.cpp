#include "base64.h"

#include <sodium/utils.h>

namespace veyra::mock {

std::string base64_encode(std::string_view bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;
  // The encoded length counts the terminating NUL that libsodium writes.
  std::string encoded(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(),
                    reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), kVariant);
  encoded.pop_back();
  return encoded;
}

}  // namespace veyra::mock
