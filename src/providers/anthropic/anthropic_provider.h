// Provider type `anthropic`: chat completions answered by Anthropic's Messages API, with the
// request, the answer and the stream translated both ways (translate.h).
#pragma once

#include <string>

#include "core/clock.h"
#include "core/config.h"
#include "http/upstream_client.h"
#include "providers/provider.h"

namespace veyra::providers::anthropic {

// Thread-safe; `client` and `clock` must outlive the provider. Chat only: other capabilities
// answer unsupported_capability.
class AnthropicProvider final : public Provider {
 public:
  AnthropicProvider(const ProviderConfig& config, std::uint32_t default_max_tokens,
                    http::UpstreamClient& client, const Clock& clock);

  boost::asio::awaitable<Result<ProviderAnswer>> call(ModelCall& call,
                                                      std::string_view upstream_model) override;

 private:
  std::string messages_url_;
  std::string api_key_;
  std::uint32_t default_max_tokens_;
  http::UpstreamClient& client_;
  const Clock& clock_;
};

}  // namespace veyra::providers::anthropic
