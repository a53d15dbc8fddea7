#include "core/json.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace veyra {

Result<boost::json::object> parse_json_object(std::string_view body) {
  return parse_json_object(body, {});
}

Result<boost::json::object> parse_json_object(std::string_view body,
                                              boost::json::storage_ptr storage) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(body, ec, std::move(storage));
  if (ec) {
    return make_error(ErrorCode::invalid_json,
                      "The request body is not valid JSON: " + ec.message() + ".");
  }
  if (!parsed.is_object()) {
    return make_error(ErrorCode::invalid_json, "The request body must be a JSON object.");
  }
  return std::move(parsed.get_object());
}

std::string_view string_member(const boost::json::object& object, std::string_view key) {
  const boost::json::value* found = object.if_contains(key);
  if (found == nullptr || !found->is_string()) return {};
  const boost::json::string& text = found->get_string();
  return {text.data(), text.size()};
}

}  // namespace veyra
