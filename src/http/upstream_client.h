// The client Veyra calls providers with: HTTP/1.1 over TCP or TLS on the server's own event
// loop, keep-alive pools per origin, connect / first-byte / idle timeouts, and cancellation
// when the caller goes away. Beast-free: only upstream_client.cpp includes the HTTP stack.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/config.h"
#include "core/result.h"
#include "http/request.h"

namespace veyra::http {

struct UpstreamRequest {
  Method method = Method::post;
  std::string url;                                           // absolute http:// or https:// URL
  std::vector<std::pair<std::string, std::string>> headers;  // Host and Content-Length are added
  std::string body;
};

class UpstreamConnection;

// A response whose headers have arrived; the body is read on demand. Use it from the
// coroutine that received it (its I/O thread). Destroying it returns the connection to its
// pool when the body was read to the end, and closes it otherwise.
class UpstreamResponse {
 public:
  UpstreamResponse(std::shared_ptr<UpstreamConnection> connection, unsigned status,
                   std::vector<std::pair<std::string, std::string>> headers);
  ~UpstreamResponse();
  UpstreamResponse(const UpstreamResponse&) = delete;
  UpstreamResponse& operator=(const UpstreamResponse&) = delete;

  unsigned status() const { return status_; }
  // The first header of that name (case-insensitive), or empty.
  std::string_view header(std::string_view name) const;

  // The next piece of the body as it arrives, valid until the next call; empty at the end.
  // Fails with upstream_timeout when nothing arrives within the idle timeout, with
  // upstream_error when the body is malformed or cut, and with upstream_unavailable after
  // cancel().
  boost::asio::awaitable<Result<std::string_view>> read_some();

  // The rest of the body. Fails like read_some(), and with upstream_error beyond `limit`.
  boost::asio::awaitable<Result<std::string>> read_all(std::size_t limit);

  // Abandons the exchange at once: a pending read fails and the connection is closed, not
  // reused. Call on the I/O thread of the coroutine that reads.
  void cancel();

 private:
  std::shared_ptr<UpstreamConnection> connection_;
  unsigned status_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

// Thread-safe: any coroutine running on an io_context may call send(); its connections are
// opened on that coroutine's io_context (in Veyra, the server's). REQUIRES: the caller's
// executor belongs to an asio::io_context.
class UpstreamClient {
 public:
  // Fails when the TLS trust store cannot be loaded (a missing or bad ca_file).
  static Result<std::unique_ptr<UpstreamClient>> create(const UpstreamConfig& config);
  ~UpstreamClient();

  // Sends `request` and returns once the response headers have arrived, whatever the status.
  // Failures before that are upstream_unavailable (cannot connect, TLS verification failed,
  // pool exhausted for connect_timeout), upstream_timeout (connect or first byte too slow)
  // or upstream_error (malformed answer). When `watch` is given and its client goes away,
  // the call is abandoned and fails with upstream_unavailable; the watch's callback is then
  // used by this call until it returns (and by the response's reads if the caller sets it
  // again with the response's cancel()).
  boost::asio::awaitable<Result<std::unique_ptr<UpstreamResponse>>> send(
      UpstreamRequest request, ClientWatch* watch = nullptr);

  class Impl;

 private:
  explicit UpstreamClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace veyra::http
