// The model-call service: resolves the public model, tries its deployments in routing order
// (falling back on failures before the first byte, cooling down deployments that keep
// failing), renders the answer (a JSON body, a text body or an SSE stream) and records one
// usage record per call, streams included, abandoned ones too.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string_view>

#include "auth/principal.h"
#include "core/clock.h"
#include "core/result.h"
#include "gateway/catalog.h"
#include "http/response.h"
#include "providers/provider.h"

namespace veyra::gateway {

class UsageMeter;
struct CallRecord;

struct RoutingOptions {
  unsigned failure_threshold = 3;  // consecutive failures that start a cooldown
  std::int64_t cooldown_ms = 30000;
};

// Thread-safe: handlers on every I/O thread share one Gateway.
class Gateway {
 public:
  // All references must outlive the gateway.
  Gateway(const ModelCatalog& catalog, UsageMeter& usage, const Clock& clock,
          RoutingOptions options);

  // The model for `model_id` when it offers `capability`. Errors: model_not_found (param
  // "model") for an unknown id, unsupported_capability (param "model") for a known model
  // without the capability.
  Result<const CatalogModel*> resolve(std::string_view model_id,
                                      providers::Capability capability) const;

  // Runs `call` (whose public_model is model.id) and renders the answer. Never throws for
  // provider failures: they become the error envelope, or an SSE error event once a stream
  // has started. `call` and what it points to must stay alive until the returned Response,
  // stream included, has been written.
  boost::asio::awaitable<http::Response> call(const CatalogModel& model, providers::ModelCall& call,
                                              const auth::Principal& principal);

  const ModelCatalog& catalog() const { return catalog_; }

 private:
  // Renders a started answer and, unless it is a stream, records its usage.
  http::Response finish(CallRecord& record, providers::ProviderAnswer answer,
                        providers::ModelCall& call);

  const ModelCatalog& catalog_;
  UsageMeter& usage_;
  const Clock& clock_;
  RoutingOptions options_;
};

}  // namespace veyra::gateway
