// GET /v1/models: a fixed list of the model ids the mock answers to, including the
// model-name directives of controls.h as examples.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "mock_routes.h"

namespace veyra::mock {
namespace {

constexpr std::string_view kModelIds[] = {
    "mock-gpt",     "mock-gpt-mini", "mock-embedding", "mock-image",
    "mock-whisper", "mock-fail-503", "mock-slow-1000",
};

// Rendered once: the list never changes, and benchmarks hit this route hard.
std::string render_models() {
  boost::json::array data;
  for (std::string_view id : kModelIds) {
    boost::json::object model;
    model["id"] = id;
    model["object"] = "model";
    model["created"] = 1700000000;
    model["owned_by"] = "veyra-mock";
    data.push_back(std::move(model));
  }
  boost::json::object list;
  list["object"] = "list";
  list["data"] = std::move(data);
  return boost::json::serialize(list);
}

}  // namespace

void add_model_routes(http::Router& router, MockContext& context) {
  router.add(http::Method::get, "/v1/models",
             [&context, body = render_models()](
                 http::Request& request) -> boost::asio::awaitable<http::Response> {
               context.stats.record_request(request);
               co_return http::Response::json(200, body);
             });

  // The same answer as veyra's /healthz, so benchmarks compare like with like.
  router.add(http::Method::get, "/healthz",
             [](http::Request&) -> boost::asio::awaitable<http::Response> {
               co_return http::Response::json(200, R"({"status":"ok"})");
             });
}

}  // namespace veyra::mock
