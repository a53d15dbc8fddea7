// The request a handler sees: Beast-free, so handlers and services compile without the
// HTTP stack. Header views point into the connection's parsed message and stay valid until
// the handler's Response has been written.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace veyra::http {

enum class Method : std::uint8_t { get, head, post, put, patch, delete_, options, other };

std::string_view method_name(Method method);
Method parse_method(std::string_view name);

struct Header {
  std::string_view name;
  std::string_view value;
};

// Tells a handler, and the stream it returns, that the client went away (closed or reset its
// connection) while the answer was still being made, so upstream work can be abandoned. The
// connection watches only on routes that ask for it (RouteOptions::watch_client). Lives in
// the Request; touched only on the connection's I/O thread.
class ClientWatch {
 public:
  bool client_gone() const { return gone_; }

  // Runs `callback` once when the client goes away, at once when it already has. Replaces
  // the callback set before; an empty function clears it. The callback runs on the
  // connection's I/O thread and must not throw.
  void on_gone(std::function<void()> callback);

  // Called by the connection when the client's side of the socket closed.
  void mark_gone();

 private:
  bool gone_ = false;
  std::function<void()> callback_;
};

struct Request {
  Method method = Method::get;
  std::string_view target;  // as sent: path plus optional "?query"
  std::string_view path;    // target without the query
  std::string_view query;   // after '?', undecoded; empty when absent
  std::vector<Header> headers;
  std::string body;

  // Filled by the connection before the handler runs.
  std::string request_id;  // X-Request-Id of the response
  std::string client_ip;   // socket peer, or X-Forwarded-For behind a trusted proxy
  std::string_view route;  // the matched pattern, e.g. "/v1/auth/sessions/{session_id}"
  std::vector<std::pair<std::string_view, std::string>> path_params;  // decoded values
  std::string principal_id;  // set by authentication, for the access log; never a secret
  std::string model;         // the public model of a model call, for the access log
  ClientWatch client;        // on watch_client routes: learns when the client goes away

  // First header with this name (case-insensitive), or empty.
  std::string_view header(std::string_view name) const;
  bool has_header(std::string_view name) const;

  // The value of path parameter `name`; empty when the route has none of that name.
  std::string_view param(std::string_view name) const;

  // The percent-decoded value of query parameter `name`, or nullopt when absent.
  std::optional<std::string> query_param(std::string_view name) const;
};

// Decodes %XX escapes (and '+' as a space when `plus_is_space`, for query strings); a
// malformed escape is kept as written.
std::string percent_decode(std::string_view text, bool plus_is_space);

// Case-insensitive ASCII comparison, for header names and tokens.
bool iequals(std::string_view a, std::string_view b);

}  // namespace veyra::http
