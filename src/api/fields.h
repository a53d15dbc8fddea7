// Reading request fields with the precise 400s of API.md: missing_field or invalid_field,
// always naming the field in `param`.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string_view>

#include "core/result.h"

namespace veyra::api {

// A string member that must be present. missing_field when absent or null, invalid_field
// when not a string.
Result<std::string_view> required_string(const boost::json::object& body, std::string_view key);

// A string member that may be absent or null (then empty). invalid_field when not a string.
Result<std::string_view> optional_string(const boost::json::object& body, std::string_view key);

// A boolean member that may be absent or null (then `fallback`). invalid_field otherwise.
Result<bool> optional_bool(const boost::json::object& body, std::string_view key, bool fallback);

}  // namespace veyra::api
