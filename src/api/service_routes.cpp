#include "api/service_routes.h"

#include "http/blocking.h"

namespace veyra::api {

using http::Method;
using http::Request;
using http::Response;

void add_service_routes(http::Router& router, ServiceRouteDeps deps) {
  router.add(Method::get, "/healthz", [](Request&) -> boost::asio::awaitable<Response> {
    co_return Response::json(200, R"({"status":"ok"})");
  });

  router.add(Method::get, "/readyz", [deps](Request&) -> boost::asio::awaitable<Response> {
    Status ping =
        co_await http::run_blocking(deps.blocking_pool, [&] { return deps.database.ping(); });
    if (!ping.ok()) {
      co_return Response::json(503, R"({"status":"unavailable","checks":{"database":"error"}})");
    }
    co_return Response::json(200, R"({"status":"ready","checks":{"database":"ok"}})");
  });

  router.add(Method::get, "/metrics", [deps](Request&) -> boost::asio::awaitable<Response> {
    co_return Response::text(200, deps.metrics.render(), "text/plain; version=0.0.4");
  });
}

}  // namespace veyra::api
