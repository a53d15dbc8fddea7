#include "providers/provider.h"

namespace veyra::providers {

std::string_view capability_name(Capability capability) {
  switch (capability) {
    case Capability::chat:
      return "chat";
    case Capability::embeddings:
      return "embeddings";
    case Capability::images:
      return "images";
    case Capability::audio:
      return "audio";
  }
  return "chat";
}

std::optional<Capability> parse_capability(std::string_view name) {
  for (Capability capability :
       {Capability::chat, Capability::embeddings, Capability::images, Capability::audio}) {
    if (capability_name(capability) == name) return capability;
  }
  return std::nullopt;
}

bool allows_fallback(const Error& error) {
  return error.code == ErrorCode::upstream_unavailable ||
         error.code == ErrorCode::upstream_timeout || error.code == ErrorCode::upstream_error;
}

}  // namespace veyra::providers
