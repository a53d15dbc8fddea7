// The OpenAI-compatible model API of API.md: GET /v1/models (and /v1/models/{model}),
// POST /v1/chat/completions, /v1/embeddings, /v1/images/generations and
// /v1/audio/transcriptions. Handlers authenticate, validate what Veyra needs and hand the
// call to the Gateway.
#pragma once

#include <map>
#include <string>

#include "auth/api_key_cache.h"
#include "auth/tokens.h"
#include "auth/user_directory.h"
#include "core/config.h"
#include "gateway/gateway.h"
#include "gateway/monthly_quota.h"
#include "gateway/rate_limiter.h"
#include "http/router.h"

namespace veyra::api {

struct ModelRouteDeps {
  auth::TokenIssuer& tokens;
  const auth::ApiKeyCache& keys;
  gateway::Gateway& gateway;
  gateway::RateLimiter& limiter;         // requests per minute, per account (plan) and per key
  gateway::MonthlyQuota& quota;          // tokens per account this month
  const auth::UserDirectory& directory;  // each account's plan and disabled flag
  const std::map<std::string, PlanConfig>& plans;
  std::string default_plan;
};

// Access tokens and API keys are both accepted. A key needs the endpoint's scope (models for
// the listing, else the call's capability; 403 insufficient_scope), and a key with a model
// allowlist gets 403 model_not_allowed for a known model outside it (an unknown one stays 404
// model_not_found) and sees only its allowed models in the listing.
// REQUIRES: every dependency outlives the router.
void add_model_routes(http::Router& router, const ModelRouteDeps& deps);

}  // namespace veyra::api
