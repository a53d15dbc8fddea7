#include "app/gateway_stack.h"

#include <map>

#include "core/log.h"
#include "providers/anthropic/anthropic_provider.h"
#include "providers/openai/openai_provider.h"

namespace veyra::app {

GatewayStack::~GatewayStack() = default;

Result<std::unique_ptr<GatewayStack>> GatewayStack::build(const Config& config,
                                                          store::Database& database,
                                                          BlockingPool& background_pool,
                                                          const Clock& clock) {
  auto stack = std::make_unique<GatewayStack>();
  auto upstream = http::UpstreamClient::create(config.upstream);
  if (!upstream) return std::move(upstream).error();
  stack->upstream = std::move(*upstream);

  std::map<std::string, providers::Provider*> by_id;
  for (const ProviderConfig& provider : config.providers) {
    if (provider.type == "anthropic") {
      stack->providers.push_back(std::make_unique<providers::anthropic::AnthropicProvider>(
          provider, config.upstream.anthropic_max_tokens, *stack->upstream, clock));
    } else {
      stack->providers.push_back(
          std::make_unique<providers::openai::OpenAiProvider>(provider, *stack->upstream));
    }
    by_id[provider.id] = stack->providers.back().get();
  }
  // veyra-sphinx needs veyra-transcribe beside the binary and Debian's pocketsphinx-en-us;
  // without them the other models still run. Two at a time: each child holds ~95 MB.
  stack->transcription_pool = std::make_unique<BlockingPool>(2, 16);
  auto transcriber = providers::builtin::TranscriberProcess::create(
      {providers::builtin::TranscriberProcess::default_program()});
  if (transcriber) {
    stack->transcriber = std::move(*transcriber);
  } else {
    log_event(LogLevel::warn, "speech_model_missing",
              {{"model", "veyra-sphinx"}, {"reason", transcriber.error().message}});
  }
  stack->builtin = std::make_unique<providers::builtin::BuiltinProvider>(
      clock, *stack->transcription_pool, stack->transcriber.get());
  by_id["builtin"] = stack->builtin.get();

  auto catalog = gateway::ModelCatalog::build(config, by_id, clock.now());
  if (!catalog) return std::move(catalog).error();
  stack->catalog = std::move(*catalog);
  stack->quota = std::make_unique<gateway::MonthlyQuota>(clock);
  if (Status loaded = stack->quota->load(database.usage()); !loaded) {
    return std::move(loaded).error();
  }
  stack->usage = std::make_unique<gateway::UsageMeter>(database.usage(), background_pool, clock);
  gateway::RoutingOptions routing{config.upstream.failure_threshold,
                                  static_cast<std::int64_t>(config.upstream.cooldown.count())};
  stack->gateway =
      std::make_unique<gateway::Gateway>(*stack->catalog, *stack->usage, clock, routing);
  return stack;
}

}  // namespace veyra::app
