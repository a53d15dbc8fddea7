// The model gateway, wired once from the configuration: the upstream client, one provider
// per [[providers]] entry plus the built-in one, the model catalog, the usage meter and the
// Gateway service the model routes call.
#pragma once

#include <memory>
#include <vector>

#include "core/blocking_pool.h"
#include "core/clock.h"
#include "core/config.h"
#include "gateway/catalog.h"
#include "gateway/gateway.h"
#include "gateway/monthly_quota.h"
#include "gateway/rate_limiter.h"
#include "gateway/usage_meter.h"
#include "http/upstream_client.h"
#include "providers/builtin/builtin_provider.h"
#include "providers/builtin/transcriber_process.h"
#include "store/database.h"

namespace veyra::app {

class GatewayStack {
 public:
  // `background_pool` runs the usage batch writes.
  // Fails when the TLS trust store cannot be loaded or a model names an unknown provider.
  // Everything passed in must outlive the stack.
  static Result<std::unique_ptr<GatewayStack>> build(const Config& config,
                                                     store::Database& database,
                                                     BlockingPool& background_pool,
                                                     const Clock& clock);
  ~GatewayStack();

  std::unique_ptr<http::UpstreamClient> upstream;
  std::unique_ptr<BlockingPool> transcription_pool;  // veyra-sphinx calls, a few at a time
  std::unique_ptr<providers::builtin::TranscriberProcess> transcriber;  // null: not installed
  std::unique_ptr<providers::builtin::BuiltinProvider> builtin;
  std::vector<std::unique_ptr<providers::Provider>> providers;
  std::unique_ptr<gateway::ModelCatalog> catalog;
  std::unique_ptr<gateway::UsageMeter> usage;
  std::unique_ptr<gateway::Gateway> gateway;
  gateway::MemoryRateLimiter rate_limiter;
  std::unique_ptr<gateway::MonthlyQuota> quota;  // tokens per account this month
};

}  // namespace veyra::app
