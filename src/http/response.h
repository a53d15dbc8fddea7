// The response a handler returns. A plain response carries its whole body; a streamed one
// (server-sent events, large downloads) carries a producer that writes chunks as they come.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace veyra::http {

// Writes the body of a streamed response. Owned by the connection; valid only while the
// producer runs. Not thread-safe: call from the producer's coroutine only.
class BodyWriter {
 public:
  virtual ~BodyWriter() = default;

  // Sends one chunk and returns once it is handed to the socket. Returns false when the
  // client has gone away or the write timed out; the producer should then stop.
  virtual boost::asio::awaitable<bool> write(std::string_view chunk) = 0;

  // True once a write has failed.
  virtual bool client_gone() const = 0;
};

using StreamProducer = std::function<boost::asio::awaitable<void>(BodyWriter&)>;

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  StreamProducer stream;  // when set, `body` is ignored and the body is sent chunked

  // `body` must already be JSON text.
  static Response json(unsigned status, std::string body);
  static Response text(unsigned status, std::string body, std::string content_type);
  // The API.md error envelope with the code's status (and Retry-After when set).
  static Response error(const Error& error);
  static Response error(ErrorCode code, std::string message = {}, std::string param = {});

  Response& set_header(std::string name, std::string value);
};

}  // namespace veyra::http
