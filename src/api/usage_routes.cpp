#include "api/usage_routes.h"

#include <boost/json/serialize.hpp>
#include <memory>
#include <string>

#include "api/auth_guard.h"
#include "api/usage_query.h"
#include "http/blocking.h"

namespace veyra::api {

using boost::asio::awaitable;
using http::Method;
using http::Request;
using http::Response;

void add_usage_routes(http::Router& router, const UsageRouteDeps& d) {
  // The handler's copy of the dependencies, owned by the router's closure.
  auto deps = std::make_shared<UsageRouteDeps>(d);

  router.add(Method::get, "/v1/usage", [deps](Request& request) -> awaitable<Response> {
    auto principal = require_session(deps->tokens, request);
    if (!principal) co_return Response::error(principal.error());
    auto query = parse_usage_query(request, deps->clock.now());
    if (!query) co_return Response::error(query.error());

    std::string user_id = principal->user_id;
    auto groups = co_await http::run_blocking(deps->pool, [&] {
      return deps->usage.summarize(user_id, query->start, query->end, query->grouping);
    });
    if (!groups) co_return Response::error(groups.error());
    co_return Response::json(200, boost::json::serialize(usage_list_json(*query, *groups)));
  });
}

}  // namespace veyra::api
