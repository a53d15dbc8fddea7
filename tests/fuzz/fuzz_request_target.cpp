// Untrusted input: the request target (path and query) matched against a router with
// literal and parameter segments, then query parameters decoded.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/router.h"

namespace {

veyra::http::Router& router() {
  static veyra::http::Router instance = [] {
    veyra::http::Router r;
    auto noop = [](veyra::http::Request&) -> boost::asio::awaitable<veyra::http::Response> {
      co_return veyra::http::Response::json(200, "{}");
    };
    r.add(veyra::http::Method::get, "/healthz", noop);
    r.add(veyra::http::Method::get, "/v1/auth/sessions", noop);
    r.add(veyra::http::Method::delete_, "/v1/auth/sessions/{session_id}", noop);
    r.add(veyra::http::Method::get, "/v1/items/{a}/{b}", noop);
    return r;
  }();
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view target(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto method = static_cast<veyra::http::Method>(data[0] % 8);

  veyra::http::Request request;
  request.target = target;
  std::size_t question = target.find('?');
  request.path = target.substr(0, question);
  if (question != std::string_view::npos) request.query = target.substr(question + 1);

  auto match = router().match(method, request.path, request.path_params);
  if (match.kind == veyra::http::MatchKind::found && match.route == nullptr) __builtin_trap();
  (void)request.query_param("group_by");
  (void)request.query_param(request.path);
  return 0;
}
