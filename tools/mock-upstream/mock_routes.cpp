// Helpers shared by the route files of mock_routes.h.
#include "mock_routes.h"

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>

namespace veyra::mock {

std::optional<boost::json::object> parse_body(std::string_view body,
                                              std::optional<http::Response>& error) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(body, ec);
  if (ec) {
    error = http::Response::error(ErrorCode::invalid_json,
                                  "The request body is not valid JSON: " + ec.message() + ".");
    return std::nullopt;
  }
  if (!parsed.is_object()) {
    error = http::Response::error(ErrorCode::invalid_field, "The request body must be an object.");
    return std::nullopt;
  }
  return std::move(parsed.get_object());
}

std::string_view string_member(const boost::json::object& object, std::string_view key) {
  const boost::json::value* found = object.if_contains(key);
  if (found == nullptr || !found->is_string()) return {};
  const boost::json::string& text = found->get_string();
  return {text.data(), text.size()};
}

std::int64_t unix_now() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::seconds>(now).count();
}

unsigned approx_tokens(std::size_t bytes) {
  return static_cast<unsigned>(std::max<std::size_t>(1, bytes / 4));
}

}  // namespace veyra::mock
