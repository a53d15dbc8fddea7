// Standard base64 (RFC 4648 alphabet, with padding), for binary payloads inside JSON:
// base64 embeddings and b64_json images.
#pragma once

#include <string>
#include <string_view>

namespace veyra::mock {

// `bytes` encoded as base64 with '=' padding. Never fails.
std::string base64_encode(std::string_view bytes);

}  // namespace veyra::mock
