#include "api/model_routes.h"

#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "api/auth_guard.h"
#include "api/model_requests.h"
#include "core/json.h"
#include "gateway/rate_limiter.h"
#include "http/multipart.h"

namespace veyra::api {

namespace {

using boost::asio::awaitable;
using http::Method;
using http::Request;
using http::Response;
using providers::Capability;

constexpr std::size_t kJsonBodyLimit = 16 * 1024 * 1024;                 // room for images in chat
constexpr std::size_t kAudioBodyLimit = 25 * 1000 * 1000 + 1024 * 1024;  // the file plus fields

// Everything a call needs until its answer, stream included, has been written.
struct CallState {
  auth::Principal principal;
  // The request's JSON lives in one growing arena instead of an allocation per value.
  boost::json::monotonic_resource json_memory;
  boost::json::object body{&json_memory};
  http::MultipartForm form;
  providers::ModelCall call;
};

boost::json::object model_json(const gateway::CatalogModel& model) {
  boost::json::array capabilities;
  for (Capability capability :
       {Capability::chat, Capability::embeddings, Capability::images, Capability::audio}) {
    if (model.can(capability)) capabilities.emplace_back(providers::capability_name(capability));
  }
  return {{"id", model.id},
          {"object", "model"},
          {"created", model.created},
          {"owned_by", model.owned_by},
          {"capabilities", std::move(capabilities)}};
}

// The caller's plan: the account's from the directory, the default plan for an account
// created after start by another process (new accounts get the default plan).
const PlanConfig& plan_of(const ModelRouteDeps& deps, const auth::Principal& principal) {
  auto found = deps.plans.find(principal.plan);
  if (found != deps.plans.end()) return found->second;
  return deps.plans.at(deps.default_plan);
}

// Authentication, the scope the endpoint needs, and the account's standing: a disabled
// account is 403 account_disabled; the principal learns its plan.
Result<auth::Principal> authorize(const ModelRouteDeps& deps, Request& request, auth::Scope scope) {
  auto principal = authenticate(deps.tokens, deps.keys, request);
  if (!principal) return principal;
  if (Status allowed = require_scope(*principal, scope); !allowed) {
    return std::move(allowed).error();
  }
  auto standing = deps.directory.find(principal->user_id);
  if (standing && standing->disabled) return make_error(ErrorCode::account_disabled);
  principal->plan = standing ? standing->plan : deps.default_plan;
  return principal;
}

// True when both the plan and the key (if any) allow `model_id`.
bool may_use(const ModelRouteDeps& deps, const auth::Principal& principal,
             std::string_view model_id) {
  const PlanConfig& plan = plan_of(deps, principal);
  bool plan_allows =
      std::find(plan.models.begin(), plan.models.end(), "*") != plan.models.end() ||
      std::find(plan.models.begin(), plan.models.end(), model_id) != plan.models.end();
  return plan_allows && principal.allows_model(std::string(model_id));
}

// False for a known model outside the caller's plan or key allowlist (403
// model_not_allowed); an unknown id is left to the catalog lookup that follows (404
// model_not_found).
bool model_allowed(const ModelRouteDeps& deps, const auth::Principal& principal,
                   const std::string& model_id) {
  return may_use(deps, principal, model_id) || deps.gateway.catalog().find(model_id) == nullptr;
}

Response model_not_allowed(const std::string& model_id) {
  return Response::error(ErrorCode::model_not_allowed,
                         "The model '" + model_id + "' is not available to your plan or API key.",
                         "model");
}

// Hands the call to the gateway; a stream keeps `state` alive until it has been written.
awaitable<Response> run_call(gateway::Gateway& gateway, const gateway::CatalogModel& model,
                             std::shared_ptr<CallState> state) {
  Response response = co_await gateway.call(model, state->call, state->principal);
  if (response.stream) {
    response.stream = [state, relay = std::move(response.stream)](http::BodyWriter& writer) {
      return relay(writer);
    };
  }
  co_return response;
}

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Charges one request to the caller's requests-per-minute limits: the plan's, per account,
// and an API key's own `rpm_limit`. The decision reported is the refused one, else the one
// with the fewest requests left; nothing when no limit applies.
std::optional<gateway::RateDecision> charge_request(const ModelRouteDeps& deps,
                                                    const auth::Principal& principal) {
  std::int64_t now = steady_ms();
  std::optional<gateway::RateDecision> tightest;
  auto consider = [&](const gateway::RateDecision& decision) {
    if (!tightest || (!decision.allowed && tightest->allowed) ||
        (decision.allowed == tightest->allowed && decision.remaining < tightest->remaining)) {
      tightest = decision;
    }
  };
  if (!principal.is_session() && principal.rpm_limit > 0) {
    consider(deps.limiter.charge("key:" + principal.key_id,
                                 static_cast<std::uint64_t>(principal.rpm_limit), 1, now));
    if (!tightest->allowed) return tightest;  // a refused key charges nothing to the account
  }
  std::uint64_t plan_rpm = plan_of(deps, principal).requests_per_minute;
  if (plan_rpm > 0) consider(deps.limiter.charge("user:" + principal.user_id, plan_rpm, 1, now));
  return tightest;
}

// The OpenAI-style x-ratelimit-*-requests headers of `rate`, on any answer.
Response with_rate_headers(Response response, const std::optional<gateway::RateDecision>& rate,
                           std::string_view unit = "requests") {
  if (!rate) return response;
  std::string suffix(unit);
  response.set_header("x-ratelimit-limit-" + suffix, std::to_string(rate->limit));
  response.set_header("x-ratelimit-remaining-" + suffix, std::to_string(rate->remaining));
  response.set_header("x-ratelimit-reset-" + suffix, gateway::reset_header_value(rate->reset_ms));
  return response;
}

// The account's tokens-per-minute budget before a call: refused while the tokens of the
// last minute exceed the plan's limit. Nothing when the plan sets none.
std::optional<gateway::RateDecision> check_tokens(const ModelRouteDeps& deps,
                                                  const auth::Principal& principal) {
  std::uint64_t tpm = plan_of(deps, principal).tokens_per_minute;
  if (tpm == 0) return std::nullopt;
  return deps.limiter.charge("tokens:" + principal.user_id, tpm, 0, steady_ms());
}

// Counts a finished call's tokens: in the account's month, and against its tokens-per-minute
// budget when the plan has one.
std::function<void(std::uint64_t)> token_charger(const ModelRouteDeps& deps,
                                                 const auth::Principal& principal) {
  std::uint64_t tpm = plan_of(deps, principal).tokens_per_minute;
  return [&limiter = deps.limiter, &quota = deps.quota, user = principal.user_id,
          tpm](std::uint64_t tokens) {
    quota.add(user, tokens);
    if (tpm > 0) limiter.charge_after("tokens:" + user, tpm, tokens, steady_ms());
  };
}

// True once the account's plan allowance for the month is spent; it comes back when the
// month turns or the plan changes.
bool quota_spent(const ModelRouteDeps& deps, const auth::Principal& principal) {
  std::uint64_t monthly = plan_of(deps, principal).monthly_tokens;
  return monthly > 0 && deps.quota.used(principal.user_id) >= monthly;
}

// 429 insufficient_quota, with Retry-After until the month turns.
Response quota_refusal(const ModelRouteDeps& deps, const auth::Principal& principal) {
  Error error = make_error(ErrorCode::insufficient_quota,
                           "The monthly allowance of " +
                               std::to_string(plan_of(deps, principal).monthly_tokens) +
                               " tokens of your plan is spent.");
  error.retry_after_s =
      static_cast<unsigned>(std::max<std::int64_t>(1, deps.quota.seconds_to_reset()));
  return Response::error(error);
}

Response rate_limited(const gateway::RateDecision& rate, std::string_view unit = "requests") {
  auto retry_after_s =
      static_cast<unsigned>(std::max<std::int64_t>(1, (rate.retry_after_ms + 999) / 1000));
  Error error =
      make_error(ErrorCode::rate_limited, "Rate limit of " + std::to_string(rate.limit) + " " +
                                              std::string(unit) + " per minute reached.");
  error.retry_after_s = retry_after_s;
  return with_rate_headers(Response::error(error), rate, unit);
}

// The steps every model call shares: authenticate with the endpoint's scope, charge the
// rate limit, then `call` (a coroutine taking the principal); the answer, whatever it is,
// carries the rate-limit headers.
template <class Call>
awaitable<Response> limited_call(const ModelRouteDeps& deps, Request& request, auth::Scope scope,
                                 Call call) {
  auto principal = authorize(deps, request, scope);
  if (!principal) co_return Response::error(principal.error());
  if (quota_spent(deps, *principal)) co_return quota_refusal(deps, *principal);
  auto tokens = check_tokens(deps, *principal);
  if (tokens && !tokens->allowed) {
    co_return rate_limited(*tokens, "tokens");
  }
  auto rate = charge_request(deps, *principal);
  if (rate && !rate->allowed) co_return with_rate_headers(rate_limited(*rate), tokens, "tokens");
  Response response = co_await call(std::move(*principal));
  co_return with_rate_headers(with_rate_headers(std::move(response), rate), tokens, "tokens");
}

// The shared steps of the JSON endpoints: parse, validate, resolve, call.
template <class Validate>
awaitable<Response> json_call(const ModelRouteDeps& deps, Request& request,
                              auth::Principal principal, Capability capability, Validate validate) {
  auto state = std::make_shared<CallState>();
  auto body = parse_json_object(request.body, &state->json_memory);
  if (!body) co_return Response::error(body.error());
  state->principal = std::move(principal);
  state->body = std::move(*body);  // same storage: a move, not a copy
  auto& call = state->call;
  call.capability = capability;
  call.on_tokens = token_charger(deps, state->principal);
  call.body = &state->body;
  call.client = &request.client;
  call.request_id = request.request_id;
  std::string model_id;
  if (capability == Capability::chat) {
    auto chat = validate_chat_request(state->body);
    if (!chat) co_return Response::error(chat.error());
    model_id = std::move(chat->model);
    call.stream = chat->stream;
    call.include_usage = chat->include_usage;
  } else {
    auto model = validate(state->body);
    if (!model) co_return Response::error(model.error());
    model_id = std::move(*model);
  }
  request.model = model_id;
  if (!model_allowed(deps, state->principal, model_id)) co_return model_not_allowed(model_id);

  auto model = deps.gateway.resolve(model_id, capability);
  if (!model) co_return Response::error(model.error());
  call.public_model = (*model)->id;
  co_return co_await run_call(deps.gateway, **model, std::move(state));
}

Result<std::string> no_validation(const boost::json::object&) {
  return std::string();
}

awaitable<Response> transcription_call(const ModelRouteDeps& deps, Request& request,
                                       auth::Principal principal) {
  auto form = http::parse_multipart_form(request.header("Content-Type"), request.body);
  if (!form) co_return Response::error(form.error());
  auto fields = validate_transcription_form(*form);
  if (!fields) co_return Response::error(fields.error());
  request.model = fields->model;
  if (!model_allowed(deps, principal, fields->model)) co_return model_not_allowed(fields->model);

  auto model = deps.gateway.resolve(fields->model, Capability::audio);
  if (!model) co_return Response::error(model.error());
  auto state = std::make_shared<CallState>();
  state->principal = std::move(principal);
  state->form = std::move(*form);
  request.body.clear();  // the file now lives in the form; do not hold it twice
  request.body.shrink_to_fit();
  auto& call = state->call;
  call.capability = Capability::audio;
  call.on_tokens = token_charger(deps, state->principal);
  call.form = &state->form;
  call.client = &request.client;
  call.request_id = request.request_id;
  call.public_model = (*model)->id;
  co_return co_await run_call(deps.gateway, **model, std::move(state));
}

}  // namespace

void add_model_routes(http::Router& router, const ModelRouteDeps& d) {
  auto deps = std::make_shared<ModelRouteDeps>(d);
  http::RouteOptions json_route{kJsonBodyLimit, true};
  http::RouteOptions audio_route{kAudioBodyLimit, true};

  router.add(Method::get, "/v1/models", [deps](Request& request) -> awaitable<Response> {
    auto principal = authorize(*deps, request, auth::Scope::models);
    if (!principal) co_return Response::error(principal.error());
    boost::json::array data;
    for (const auto& model : deps->gateway.catalog().models()) {
      if (may_use(*deps, *principal, model->id)) data.push_back(model_json(*model));
    }
    boost::json::object out{{"object", "list"}, {"data", std::move(data)}};
    co_return Response::json(200, boost::json::serialize(out));
  });

  // Ids like "meta-llama/Llama-3.1-8B" hold one slash: the second route takes them whole.
  auto retrieve = [deps](Request& request) -> awaitable<Response> {
    auto principal = authorize(*deps, request, auth::Scope::models);
    if (!principal) co_return Response::error(principal.error());
    std::string id(request.param("model"));
    if (!request.param("owner").empty()) id = std::string(request.param("owner")) + "/" + id;
    if (!model_allowed(*deps, *principal, id)) co_return model_not_allowed(id);
    const auto* model = deps->gateway.catalog().find(id);
    if (model == nullptr) {
      co_return Response::error(ErrorCode::model_not_found,
                                "The model '" + id + "' does not exist.", "model");
    }
    co_return Response::json(200, boost::json::serialize(model_json(*model)));
  };
  router.add(Method::get, "/v1/models/{model}", retrieve);
  router.add(Method::get, "/v1/models/{owner}/{model}", retrieve);

  router.add(
      Method::post, "/v1/chat/completions",
      [deps](Request& request) -> awaitable<Response> {
        auto call = [&](auth::Principal principal) {
          return json_call(*deps, request, std::move(principal), Capability::chat, no_validation);
        };
        co_return co_await limited_call(*deps, request, auth::Scope::chat, call);
      },
      json_route);
  router.add(
      Method::post, "/v1/embeddings",
      [deps](Request& request) -> awaitable<Response> {
        auto call = [&](auth::Principal principal) {
          return json_call(*deps, request, std::move(principal), Capability::embeddings,
                           validate_embeddings_request);
        };
        co_return co_await limited_call(*deps, request, auth::Scope::embeddings, call);
      },
      json_route);
  router.add(
      Method::post, "/v1/images/generations",
      [deps](Request& request) -> awaitable<Response> {
        auto call = [&](auth::Principal principal) {
          return json_call(*deps, request, std::move(principal), Capability::images,
                           validate_image_request);
        };
        co_return co_await limited_call(*deps, request, auth::Scope::images, call);
      },
      json_route);
  router.add(
      Method::post, "/v1/audio/transcriptions",
      [deps](Request& request) -> awaitable<Response> {
        auto call = [&](auth::Principal principal) {
          return transcription_call(*deps, request, std::move(principal));
        };
        co_return co_await limited_call(*deps, request, auth::Scope::audio, call);
      },
      audio_route);
}

}  // namespace veyra::api
