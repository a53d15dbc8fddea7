// The OpenAI-compatible model API of API.md: GET /v1/models (and /v1/models/{model}),
// POST /v1/chat/completions, /v1/embeddings, /v1/images/generations and
// /v1/audio/transcriptions. Handlers authenticate, validate what Veyra needs and hand the
// call to the Gateway.
#pragma once

#include "auth/tokens.h"
#include "gateway/gateway.h"
#include "http/router.h"

namespace veyra::api {

struct ModelRouteDeps {
  auth::TokenIssuer& tokens;
  gateway::Gateway& gateway;
};

// REQUIRES: every dependency outlives the router.
void add_model_routes(http::Router& router, const ModelRouteDeps& deps);

}  // namespace veyra::api
