// The answer to one chat completion request, decided before the first byte is sent and
// shared by the whole-body answer (chat.cpp) and the streamed one (chat_stream.cpp).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/fwd.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "controls.h"
#include "http/response.h"
#include "stats.h"

namespace veyra::mock {

// Everything an answer needs, copied out of the request so a stream never points into it.
struct ChatPlan {
  std::string id;  // "chatcmpl-" and base62 characters: never needs JSON escaping
  std::int64_t created = 0;
  std::string model;  // echoed from the request
  Controls controls;
  std::vector<std::string> pieces;  // the content, one element per streamed chunk
  std::string_view finish_reason = "stop";
  unsigned prompt_tokens = 1;
  unsigned completion_tokens = 0;
  bool include_usage = false;  // stream_options.include_usage
};

// {"prompt_tokens","completion_tokens","total_tokens"} of the plan.
boost::json::object usage_object(const ChatPlan& plan);

// Writes the plan as server-sent events: a role chunk, one chunk per piece (paced by
// controls.chunk_delay_ms), the finish chunk, the usage chunk when asked, then [DONE].
// Honours controls.cut_after. Counts the stream's outcome in `stats`. Unpaced streams are
// written in batches of events to spare syscalls; paced ones one event per write.
// REQUIRES: `stats` outlives the stream.
boost::asio::awaitable<void> produce_stream(std::shared_ptr<const ChatPlan> plan, MockStats& stats,
                                            http::BodyWriter& writer);

}  // namespace veyra::mock
