// Boost.JSON helpers shared by every handler, so a body that is not JSON, or not an object,
// gets the same answer everywhere.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>
#include <string_view>

#include "core/result.h"

namespace veyra {

// Parses a request body as a JSON object whatever its Content-Type says (API.md).
// Errors: invalid_json when the text is not JSON; invalid_field when it is JSON but not an
// object.
Result<boost::json::object> parse_json_object(std::string_view body);

// The same, with the parsed values allocated from `storage` (e.g. a monotonic_resource that
// lives as long as the object: one allocation for a whole request instead of one per value).
Result<boost::json::object> parse_json_object(std::string_view body,
                                              boost::json::storage_ptr storage);

// The string member `key`, or empty when it is absent or not a string.
std::string_view string_member(const boost::json::object& object, std::string_view key);

}  // namespace veyra
