// The chunks of a streamed OpenAI-compatible chat answer, relayed one by one: each SSE event
// of the provider becomes one chunk for the caller with the public model id. The usage chunk
// Veyra asked for is kept for the usage record and passed on only when the caller asked too.
#pragma once

#include <boost/json/object.hpp>
#include <memory>
#include <string>

#include "http/sse.h"
#include "http/upstream_client.h"
#include "providers/provider.h"

namespace veyra::providers::openai {

// What to do with one event of the provider's stream.
struct ChunkOutcome {
  enum class Kind { send, skip, done, error } kind = Kind::skip;
  std::string chunk;  // for send: the JSON text for the caller
  Error error;        // for error
};

// Turns provider events into caller chunks and keeps the usage; no I/O, so it is unit-tested
// on its own. Not thread-safe.
class ChunkRewriter {
 public:
  ChunkRewriter(std::string public_model, bool include_usage)
      : public_model_(std::move(public_model)), include_usage_(include_usage) {}

  ChunkOutcome rewrite(std::string_view data);

  bool usage_reported() const { return usage_reported_; }
  const Usage& reported_usage() const { return usage_; }
  // Tokens of the content deltas seen, for the estimate when no usage is reported.
  std::uint64_t streamed_tokens() const { return streamed_tokens_; }
  bool finish_seen() const { return finish_seen_; }

 private:
  std::string public_model_;
  bool include_usage_;
  Usage usage_;
  bool usage_reported_ = false;
  bool finish_seen_ = false;
  std::uint64_t streamed_tokens_ = 0;
};

class OpenAiChatStream final : public ChatStream {
 public:
  // `request` (the caller's chat request) must outlive the stream; it is read for the prompt
  // estimate when the provider reports no usage.
  OpenAiChatStream(std::unique_ptr<http::UpstreamResponse> response, const ModelCall& call);

  boost::asio::awaitable<Result<std::optional<std::string>>> next() override;
  Usage usage() const override;

 private:
  std::unique_ptr<http::UpstreamResponse> response_;
  http::SseParser parser_;
  ChunkRewriter rewriter_;
  const boost::json::object* request_;
  bool ended_ = false;
};

}  // namespace veyra::providers::openai
