// GET /v1/usage without the I/O: reading its query string and building its answer, as pure
// functions the handler in usage_routes.cpp calls and unit tests can reach.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/calendar.h"
#include "core/result.h"
#include "http/request.h"
#include "store/usage_repository.h"

namespace veyra::api {

struct UsageQuery {
  std::int64_t start = 0;  // Unix seconds, inclusive
  std::int64_t end = 0;    // Unix seconds, exclusive; always > start
  store::UsageGrouping grouping = store::UsageGrouping::model;
};

// month_start_utc / next_month_start_utc: core/calendar.h.
using veyra::month_start_utc;
using veyra::next_month_start_utc;

// Reads `?start&end&group_by` of API.md. start and end are optional non-negative integers of
// Unix seconds; each one absent defaults to its bound of the current calendar month in UTC
// (judged at `now`): start to the month's first second, end to the next month's first second.
// group_by is model (the default), api_key or day.
// Errors, all invalid_field naming the parameter in `param`: start or end present but not a
// non-negative decimal integer that fits 64 bits ("start"/"end"); end <= start ("end"); any
// other group_by, an empty one included ("group_by").
Result<UsageQuery> parse_usage_query(const http::Request& request, std::int64_t now);

// "model", "api_key" or "day".
std::string_view grouping_name(store::UsageGrouping grouping);

// The answer: {object: "list", start, end, group_by, data: [{group, requests, prompt_tokens,
// completion_tokens, total_tokens}]}, data in the order given.
boost::json::object usage_list_json(const UsageQuery& query,
                                    const std::vector<store::UsageGroup>& groups);

}  // namespace veyra::api
