// The mock upstream's OpenAI-compatible routes. Each add_*_routes registers one endpoint
// family on the router; every handler counts its request in MockStats and honours the
// Controls of controls.h. Handlers never throw on bad input: they answer the API.md error
// envelope instead.
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "controls.h"
#include "core/json.h"
#include "http/router.h"
#include "stats.h"

namespace veyra::mock {

// Shared by every route. REQUIRES: outlives the router and the server.
struct MockContext {
  MockDefaults defaults;
  MockStats& stats;
};

// Body limits: JSON endpoints take large prompts; audio uploads may reach OpenAI's 25 MiB.
inline constexpr std::size_t kJsonBodyLimit = 16 * 1024 * 1024;
inline constexpr std::size_t kAudioBodyLimit = 26 * 1024 * 1024;

// GET /v1/models.
void add_model_routes(http::Router& router, MockContext& context);
// POST /v1/chat/completions, streamed or not.
void add_chat_routes(http::Router& router, MockContext& context);
// POST /v1/embeddings.
void add_embedding_routes(http::Router& router, MockContext& context);
// POST /v1/images/generations.
void add_image_routes(http::Router& router, MockContext& context);
// POST /v1/audio/transcriptions.
void add_audio_routes(http::Router& router, MockContext& context);
// POST /v1/messages: Anthropic's Messages API, streamed or not (anthropic.cpp).
void add_anthropic_routes(http::Router& router, MockContext& context);

// The current Unix time in seconds, for `created` fields.
std::int64_t unix_now();

// A rough token count for `text`: one per four bytes, at least one.
unsigned approx_tokens(std::size_t bytes);

}  // namespace veyra::mock
