// The `anthropic` provider's translation layer in one include: OpenAI chat completion
// requests to Anthropic Messages requests (request_translation.h), Messages answers and
// errors back to OpenAI's shapes (response_translation.h), and streams event by event
// (stream_translation.h). All of it is pure: no I/O, no clock, no randomness. The caller owns
// the HTTP exchange: POST {base_url}/messages with the headers `x-api-key` and
// `anthropic-version: kApiVersion`, and the parsing of server-sent events.
#pragma once

#include "providers/anthropic/request_translation.h"
#include "providers/anthropic/response_translation.h"
#include "providers/anthropic/stream_translation.h"
