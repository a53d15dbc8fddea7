#include "http/router.h"

#include <cassert>

namespace veyra::http {
namespace {

// Splits "/a/b/c" into {"a","b","c"}; "/" gives one empty segment.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  for (;;) {
    std::size_t slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

// Returns the number of literal segments matched, or -1 when `route` does not fit `parts`.
int score(const Route& route, const std::vector<std::string_view>& parts) {
  if (route.segments.size() != parts.size()) return -1;
  int literals = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const Route::Segment& segment = route.segments[i];
    if (segment.is_param) {
      if (parts[i].empty()) return -1;
    } else if (segment.text != parts[i]) {
      return -1;
    } else {
      ++literals;
    }
  }
  return literals;
}

}  // namespace

void Router::add(Method method, std::string_view pattern, Handler handler, RouteOptions options) {
  assert(!pattern.empty() && pattern.front() == '/');
  auto route = std::make_unique<Route>();
  route->method = method;
  route->pattern = std::string(pattern);
  route->handler = std::move(handler);
  route->options = options;
  route->index = routes_.size();
  for (std::string_view part : split_path(pattern)) {
    bool is_param = part.size() >= 2 && part.front() == '{' && part.back() == '}';
    route->segments.push_back(
        {std::string(is_param ? part.substr(1, part.size() - 2) : part), is_param});
  }
  routes_.push_back(std::move(route));
}

RouteMatch Router::match(Method method, std::string_view path,
                         std::vector<std::pair<std::string_view, std::string>>& params) const {
  std::vector<std::string_view> parts = split_path(path);
  const Route* best = nullptr;
  int best_score = -1;
  const Route* best_get = nullptr;  // HEAD falls back to GET
  int best_get_score = -1;
  std::string allow;

  for (const auto& route : routes_) {
    int s = score(*route, parts);
    if (s < 0) continue;
    if (route->method == method && s > best_score) {
      best = route.get();
      best_score = s;
    }
    if (method == Method::head && route->method == Method::get && s > best_get_score) {
      best_get = route.get();
      best_get_score = s;
    }
    std::string_view name = method_name(route->method);
    if (allow.find(name) == std::string::npos) {
      if (!allow.empty()) allow += ", ";
      allow += name;
    }
  }
  if (best == nullptr) best = best_get;

  RouteMatch result;
  if (best == nullptr) {
    result.kind = allow.empty() ? MatchKind::not_found : MatchKind::method_not_allowed;
    result.allow = std::move(allow);
    return result;
  }
  params.clear();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const Route::Segment& segment = best->segments[i];
    if (segment.is_param) params.emplace_back(segment.text, percent_decode(parts[i], false));
  }
  result.kind = MatchKind::found;
  result.route = best;
  return result;
}

std::vector<std::pair<std::string, std::string>> Router::metric_labels() const {
  std::vector<std::pair<std::string, std::string>> labels;
  labels.reserve(routes_.size() + 1);
  for (const auto& route : routes_) {
    labels.emplace_back(std::string(method_name(route->method)), route->pattern);
  }
  labels.emplace_back("", "unmatched");
  return labels;
}

}  // namespace veyra::http
