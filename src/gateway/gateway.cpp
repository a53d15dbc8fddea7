#include "gateway/gateway.h"

#include <chrono>
#include <memory>
#include <random>

#include "core/log.h"
#include "gateway/routing.h"
#include "gateway/stream_relay.h"
#include "gateway/usage_meter.h"

namespace veyra::gateway {

namespace {

using SteadyClock = std::chrono::steady_clock;

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             SteadyClock::now().time_since_epoch())
      .count();
}

double random_unit() {
  thread_local std::minstd_rand engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace

Gateway::Gateway(const ModelCatalog& catalog, UsageMeter& usage, const Clock& clock,
                 RoutingOptions options)
    : catalog_(catalog), usage_(usage), clock_(clock), options_(options) {}

Result<const CatalogModel*> Gateway::resolve(std::string_view model_id,
                                             providers::Capability capability) const {
  const CatalogModel* model = catalog_.find(model_id);
  if (model == nullptr) {
    return make_error(ErrorCode::model_not_found,
                      "The model '" + std::string(model_id) + "' does not exist.", "model");
  }
  if (!model->can(capability)) {
    return make_error(ErrorCode::unsupported_capability,
                      "The model '" + model->id + "' does not support " +
                          std::string(providers::capability_name(capability)) + ".",
                      "model");
  }
  return model;
}

boost::asio::awaitable<http::Response> Gateway::call(const CatalogModel& model,
                                                     providers::ModelCall& call,
                                                     const auth::Principal& principal) {
  CallRecord record;
  record.started = SteadyClock::now();
  record.usage.request_id = std::string(call.request_id);
  record.usage.user_id = principal.user_id;
  record.usage.session_id = principal.is_session() ? principal.session_id : std::string();
  record.usage.api_key_id = principal.is_session() ? std::string() : principal.key_id;
  record.usage.model = model.id;
  record.usage.endpoint = std::string(providers::capability_name(call.capability));
  record.usage.streamed = call.stream;
  record.on_tokens = call.on_tokens;

  // Each deployment in routing order until one starts answering.
  std::optional<Error> failure;
  std::int64_t now_ms = steady_ms();
  for (const Deployment* deployment : attempt_order(model, now_ms, random_unit())) {
    record.usage.deployment = deployment->label;
    auto answer = co_await deployment->provider->call(call, deployment->upstream_model);
    if (answer) {
      deployment->health->record_success();
      co_return finish(record, std::move(*answer), call);
    }
    failure = std::move(answer).error();
    bool client_gone = call.client != nullptr && call.client->client_gone();
    if (!providers::allows_fallback(*failure) || client_gone) break;
    deployment->health->record_failure(steady_ms(), options_.failure_threshold,
                                       options_.cooldown_ms);
    log_event(LogLevel::warn, "deployment_failed",
              {{"request_id", call.request_id},
               {"model", model.id},
               {"deployment", deployment->label},
               {"code", code_name(failure->code)},
               {"consecutive_failures", deployment->health->consecutive_failures()}});
  }

  if (!failure)
    failure = make_error(ErrorCode::upstream_unavailable, "The model has no deployment.");
  record.usage.status = http_status(failure->code);
  record.usage.abandoned = call.client != nullptr && call.client->client_gone();
  submit_usage(usage_, clock_, record, {});
  co_return http::Response::error(*failure);
}

http::Response Gateway::finish(CallRecord& record, providers::ProviderAnswer answer,
                               providers::ModelCall& call) {
  record.usage.status = answer.status;
  if (answer.stream) {
    auto relay = std::make_shared<StreamRelay>(std::move(answer.stream), std::move(record), usage_,
                                               clock_, call.client);
    http::Response response;
    response.status = 200;
    response.content_type = "text/event-stream";
    response.set_header("X-Accel-Buffering", "no");
    response.stream = [relay](http::BodyWriter& writer) { return relay->run(writer); };
    return response;
  }

  record.first_byte = SteadyClock::now();
  submit_usage(usage_, clock_, record, answer.usage);
  return http::Response::text(answer.status, std::move(answer.body),
                              std::move(answer.content_type));
}

}  // namespace veyra::gateway
