#include "api/fields.h"

#include <boost/json/value.hpp>
#include <string>

namespace veyra::api {

Result<std::string_view> required_string(const boost::json::object& body, std::string_view key) {
  const boost::json::value* value = body.if_contains(key);
  if (value == nullptr || value->is_null()) {
    return make_error(ErrorCode::missing_field, std::string(key) + " is required.",
                      std::string(key));
  }
  if (!value->is_string()) {
    return make_error(ErrorCode::invalid_field, std::string(key) + " must be a string.",
                      std::string(key));
  }
  const boost::json::string& text = value->get_string();
  return std::string_view(text.data(), text.size());
}

Result<std::string_view> optional_string(const boost::json::object& body, std::string_view key) {
  const boost::json::value* value = body.if_contains(key);
  if (value == nullptr || value->is_null()) return std::string_view();
  if (!value->is_string()) {
    return make_error(ErrorCode::invalid_field, std::string(key) + " must be a string.",
                      std::string(key));
  }
  const boost::json::string& text = value->get_string();
  return std::string_view(text.data(), text.size());
}

Result<bool> optional_bool(const boost::json::object& body, std::string_view key, bool fallback) {
  const boost::json::value* value = body.if_contains(key);
  if (value == nullptr || value->is_null()) return fallback;
  if (!value->is_bool()) {
    return make_error(ErrorCode::invalid_field, std::string(key) + " must be true or false.",
                      std::string(key));
  }
  return value->get_bool();
}

}  // namespace veyra::api
