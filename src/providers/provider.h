// The seam between the gateway and the services that answer model calls. One Provider per
// configured [[providers]] entry (plus the built-in one); the gateway picks a deployment,
// hands the call to that deployment's provider and relays what comes back.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace veyra::http {
class ClientWatch;
struct MultipartForm;
}  // namespace veyra::http

namespace veyra::providers {

enum class Capability : std::uint8_t { chat, embeddings, images, audio };

// "chat", "embeddings", "images", "audio": the names of the configuration and API.md.
std::string_view capability_name(Capability capability);
std::optional<Capability> parse_capability(std::string_view name);

struct Usage {
  std::uint64_t prompt_tokens = 0;
  std::uint64_t completion_tokens = 0;
  bool reported = false;  // the provider reported the counts; false = Veyra estimated them
};

// One model call as a provider receives it. Everything it points to outlives the call and,
// for a stream, the stream.
struct ModelCall {
  Capability capability = Capability::chat;
  std::string_view public_model;  // the id the caller sent, echoed in answers
  // JSON endpoints: the caller's request. A provider may overwrite `model` and the stream
  // options in it; every attempt sets them again, so a fallback sees the same request.
  boost::json::object* body = nullptr;
  const http::MultipartForm* form = nullptr;  // the audio endpoint's fields and file
  bool stream = false;
  bool include_usage = false;           // the caller asked for the usage chunk of a stream
  http::ClientWatch* client = nullptr;  // learns when the caller goes away; may be null
  std::string_view request_id;
  // Told the call's total tokens once it has ended (streams included), e.g. to charge a
  // tokens-per-minute limit; may be empty.
  std::function<void(std::uint64_t tokens)> on_tokens;
};

// The chunks of a streamed chat answer, already in chat.completion.chunk form.
class ChatStream {
 public:
  virtual ~ChatStream() = default;

  // The JSON text of the next chunk for the caller (public model id, usage chunk only when
  // the caller asked for it), or nullopt at the normal end. An Error means the stream broke
  // after it started; the relay turns it into an SSE error event.
  virtual boost::asio::awaitable<Result<std::optional<std::string>>> next() = 0;

  // Usage so far: what the provider reported, or an estimate from what was streamed.
  virtual Usage usage() const = 0;
};

// What a provider answers once the call has started (the provider's first byte arrived).
struct ProviderAnswer {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;                    // the whole answer, when not streamed
  std::unique_ptr<ChatStream> stream;  // the answer, when streamed
  Usage usage;                         // of a whole answer
};

class Provider {
 public:
  virtual ~Provider() = default;

  // Sends `call` to `upstream_model`. Errors before the answer started: upstream_unavailable,
  // upstream_timeout and upstream_error let the gateway try the next deployment; any other
  // code (invalid_field for a request the provider refused, ...) goes to the caller as is.
  virtual boost::asio::awaitable<Result<ProviderAnswer>> call(ModelCall& call,
                                                              std::string_view upstream_model) = 0;
};

// True for the errors after which the next deployment is tried.
bool allows_fallback(const Error& error);

}  // namespace veyra::providers
