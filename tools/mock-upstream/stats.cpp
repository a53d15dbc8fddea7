#include "stats.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "controls.h"

namespace veyra::mock {

using http::Method;
using http::Request;
using http::Response;

void MockStats::record_request(const Request& request) {
  requests_.fetch_add(1, std::memory_order_relaxed);

  // Built outside the lock; the lock only swaps the pointer, so readers never stall writers.
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->method = std::string(http::method_name(request.method));
  snapshot->path = std::string(request.path);
  snapshot->headers.reserve(request.headers.size());
  for (const http::Header& header : request.headers) {
    snapshot->headers.emplace_back(ascii_lower(header.name), std::string(header.value));
  }
  snapshot->body_bytes = request.body.size();
  snapshot->body = request.body.substr(0, kLastBodyLimit);

  std::shared_ptr<const Snapshot> previous;  // freed after the lock is released
  {
    std::lock_guard lock(last_mutex_);
    previous = std::exchange(last_, std::move(snapshot));
  }
}

std::string MockStats::stats_json() const {
  boost::json::object object;
  object["requests"] = requests_.load(std::memory_order_relaxed);
  object["streams_started"] = streams_started_.load(std::memory_order_relaxed);
  object["streams_completed"] = streams_completed_.load(std::memory_order_relaxed);
  object["streams_cut"] = streams_cut_.load(std::memory_order_relaxed);
  object["streams_client_gone"] = streams_client_gone_.load(std::memory_order_relaxed);
  return boost::json::serialize(object);
}

std::string MockStats::last_request_json() const {
  std::shared_ptr<const Snapshot> last;
  {
    std::lock_guard lock(last_mutex_);
    last = last_;
  }
  if (last == nullptr) return "{}";

  boost::json::object headers;
  for (const auto& [name, value] : last->headers) {
    // A repeated header keeps every value, as the folded form a proxy would forward.
    if (auto* seen = headers.if_contains(name)) {
      std::string joined(seen->as_string());
      seen->emplace_string() = joined + ", " + value;
    } else {
      headers[name] = value;
    }
  }

  boost::json::object object;
  object["method"] = last->method;
  object["path"] = last->path;
  object["headers"] = std::move(headers);
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(last->body, ec);
  if (ec) {
    object["body"] = last->body;
  } else {
    object["body"] = std::move(parsed);
  }
  object["body_bytes"] = last->body_bytes;
  object["body_truncated"] = last->body_bytes > last->body.size();
  return boost::json::serialize(object);
}

void MockStats::reset() {
  requests_ = 0;
  streams_started_ = 0;
  streams_completed_ = 0;
  streams_cut_ = 0;
  streams_client_gone_ = 0;
  std::lock_guard lock(last_mutex_);
  last_.reset();
}

void add_stats_routes(http::Router& router, MockStats& stats) {
  router.add(Method::get, "/_mock/stats", [&stats](Request&) -> boost::asio::awaitable<Response> {
    co_return Response::json(200, stats.stats_json());
  });
  router.add(Method::get, "/_mock/last", [&stats](Request&) -> boost::asio::awaitable<Response> {
    co_return Response::json(200, stats.last_request_json());
  });
  router.add(Method::post, "/_mock/reset", [&stats](Request&) -> boost::asio::awaitable<Response> {
    stats.reset();
    co_return Response::json(200, stats.stats_json());
  });
}

}  // namespace veyra::mock
