// Maps (method, path) to a handler. Patterns are literal segments and {name} parameters:
// "/v1/auth/sessions/{session_id}". A literal segment wins over a parameter at the same
// depth. Build the router before serving; match() is then safe from any thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/request.h"
#include "http/response.h"

namespace veyra::http {

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

struct RouteOptions {
  std::size_t max_body_bytes = 0;  // 0 = HttpConfig::max_body_bytes
  // Watch the socket while the handler and its stream run, and tell Request::client when
  // the client goes away (model calls abandon their upstream request then).
  bool watch_client = false;
};

struct Route {
  Method method;
  std::string pattern;
  Handler handler;
  RouteOptions options;
  std::size_t index;  // position in registration order; the metrics slot

  struct Segment {
    std::string text;  // the literal, or the parameter name
    bool is_param;
  };
  std::vector<Segment> segments;
};

enum class MatchKind { found, not_found, method_not_allowed };

struct RouteMatch {
  MatchKind kind = MatchKind::not_found;
  const Route* route = nullptr;
  std::string allow;  // for method_not_allowed: the Allow header value
};

class Router {
 public:
  // REQUIRES: pattern starts with '/', has no duplicate (method, pattern), and serving has
  // not started.
  void add(Method method, std::string_view pattern, Handler handler, RouteOptions options = {});

  // Finds the route for `path` (no query). HEAD falls back to GET. On success fills `params`
  // with percent-decoded values whose names point into the route.
  RouteMatch match(Method method, std::string_view path,
                   std::vector<std::pair<std::string_view, std::string>>& params) const;

  // {method, pattern} per route in index order, then {"", "unmatched"} for 404/405 answers.
  std::vector<std::pair<std::string, std::string>> metric_labels() const;
  std::size_t unmatched_index() const { return routes_.size(); }

 private:
  std::vector<std::unique_ptr<Route>> routes_;
};

}  // namespace veyra::http
