#include "api/usage_query.h"

#include <boost/json/array.hpp>
#include <charconv>
#include <chrono>
#include <optional>
#include <string>

namespace veyra::api {
namespace {

// A non-negative decimal integer that fits 64 bits, nothing before or after it.
std::optional<std::int64_t> parse_unix_seconds(std::string_view text) {
  std::int64_t value = 0;
  if (text.empty() || text.front() == '-') return std::nullopt;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The parameter `name` when present, else `fallback`. invalid_field (param `name`) when it is
// not Unix seconds.
Result<std::int64_t> time_param(const http::Request& request, std::string_view name,
                                std::int64_t fallback) {
  std::optional<std::string> text = request.query_param(name);
  if (!text) return fallback;
  std::optional<std::int64_t> value = parse_unix_seconds(*text);
  if (!value) {
    return make_error(ErrorCode::invalid_field,
                      std::string(name) + " must be Unix seconds (a non-negative integer)",
                      std::string(name));
  }
  return *value;
}

Result<store::UsageGrouping> grouping_param(const http::Request& request) {
  std::optional<std::string> text = request.query_param("group_by");
  if (!text) return store::UsageGrouping::model;
  if (*text == "model") return store::UsageGrouping::model;
  if (*text == "api_key") return store::UsageGrouping::api_key;
  if (*text == "day") return store::UsageGrouping::day;
  return make_error(ErrorCode::invalid_field, "group_by must be model, api_key or day", "group_by");
}

}  // namespace

Result<UsageQuery> parse_usage_query(const http::Request& request, std::int64_t now) {
  Result<std::int64_t> start = time_param(request, "start", month_start_utc(now));
  if (!start) return std::move(start).error();
  Result<std::int64_t> end = time_param(request, "end", next_month_start_utc(now));
  if (!end) return std::move(end).error();
  if (*end <= *start) {
    return make_error(ErrorCode::invalid_field, "end must be after start", "end");
  }
  Result<store::UsageGrouping> grouping = grouping_param(request);
  if (!grouping) return std::move(grouping).error();
  return UsageQuery{*start, *end, *grouping};
}

std::string_view grouping_name(store::UsageGrouping grouping) {
  switch (grouping) {
    case store::UsageGrouping::model:
      return "model";
    case store::UsageGrouping::api_key:
      return "api_key";
    case store::UsageGrouping::day:
      return "day";
  }
  return "model";
}

boost::json::object usage_list_json(const UsageQuery& query,
                                    const std::vector<store::UsageGroup>& groups) {
  boost::json::array data;
  data.reserve(groups.size());
  for (const store::UsageGroup& group : groups) {
    boost::json::object item;
    item["group"] = group.group;
    item["requests"] = group.requests;
    item["prompt_tokens"] = group.prompt_tokens;
    item["completion_tokens"] = group.completion_tokens;
    item["total_tokens"] = group.prompt_tokens + group.completion_tokens;
    data.push_back(std::move(item));
  }

  boost::json::object out;
  out["object"] = "list";
  out["start"] = query.start;
  out["end"] = query.end;
  out["group_by"] = grouping_name(query.grouping);
  out["data"] = std::move(data);
  return out;
}

}  // namespace veyra::api
