// Provider type `openai`: any server that speaks the OpenAI API (OpenAI, vLLM, llama.cpp,
// Ollama, LM Studio, Groq, OpenRouter, the mock upstream...). Requests are forwarded with
// the deployment's model and the provider's key; answers come back with the public model id.
#pragma once

#include <string>

#include "core/config.h"
#include "http/upstream_client.h"
#include "providers/provider.h"

namespace veyra::providers::openai {

// Thread-safe; `client` must outlive the provider.
class OpenAiProvider final : public Provider {
 public:
  OpenAiProvider(const ProviderConfig& config, http::UpstreamClient& client);

  boost::asio::awaitable<Result<ProviderAnswer>> call(ModelCall& call,
                                                      std::string_view upstream_model) override;

 private:
  http::UpstreamRequest build_request(const ModelCall& call, std::string_view upstream_model) const;

  std::string base_url_;       // without a trailing slash
  std::string authorization_;  // "Bearer KEY", or empty when the provider takes no key
  http::UpstreamClient& client_;
};

// Turns a provider's error answer (status >= 400, OpenAI error envelope or anything else)
// into the caller's error. 400, 409, 413, 415 and 422 describe the caller's request: the
// provider's message and param are passed on (invalid_field, no fallback). Everything else
// lets the next deployment try: 408/504 upstream_timeout, 429/503/529 upstream_unavailable,
// 401/403/404 and other statuses upstream_error, with Veyra's own message, since those
// messages can name accounts, keys or internal hosts.
Error error_from_response(unsigned status, std::string_view body);

}  // namespace veyra::providers::openai
