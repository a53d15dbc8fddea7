#include "core/metrics.h"

#include <fmt/format.h>

namespace veyra {
namespace {

void append_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
}

std::string route_labels(const std::pair<std::string, std::string>& route) {
  std::string out = "method=\"";
  append_label_value(out, route.first);
  out += "\",route=\"";
  append_label_value(out, route.second);
  out += "\"";
  return out;
}

}  // namespace

HttpMetrics::HttpMetrics(std::vector<std::pair<std::string, std::string>> routes)
    : labels_(std::move(routes)), slots_(new RouteSlots[labels_.size()]) {}

void HttpMetrics::observe(std::size_t route, unsigned status, double seconds,
                          std::uint64_t bytes_in, std::uint64_t bytes_out) {
  if (route >= labels_.size()) return;
  RouteSlots& slots = slots_[route];
  if (status >= 100 && status < 600) {
    slots.by_status[status - 100].fetch_add(1, std::memory_order_relaxed);
  }
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      slots.buckets[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  slots.count.fetch_add(1, std::memory_order_relaxed);
  slots.sum_micros.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
  bytes_in_.fetch_add(bytes_in, std::memory_order_relaxed);
  bytes_out_.fetch_add(bytes_out, std::memory_order_relaxed);
}

void HttpMetrics::render(std::string& out) const {
  auto it = std::back_inserter(out);
  out += "# HELP veyra_http_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE veyra_http_requests_total counter\n";
  for (std::size_t r = 0; r < labels_.size(); ++r) {
    std::string labels = route_labels(labels_[r]);
    for (std::size_t s = 0; s < slots_[r].by_status.size(); ++s) {
      std::uint64_t n = slots_[r].by_status[s].load(std::memory_order_relaxed);
      if (n == 0) continue;
      fmt::format_to(it, "veyra_http_requests_total{{{},status=\"{}\"}} {}\n", labels, s + 100, n);
    }
  }

  out += "# HELP veyra_http_request_duration_seconds Time from request headers to response end.\n";
  out += "# TYPE veyra_http_request_duration_seconds histogram\n";
  for (std::size_t r = 0; r < labels_.size(); ++r) {
    const RouteSlots& slots = slots_[r];
    std::uint64_t count = slots.count.load(std::memory_order_relaxed);
    if (count == 0) continue;
    std::string labels = route_labels(labels_[r]);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += slots.buckets[i].load(std::memory_order_relaxed);
      fmt::format_to(it, "veyra_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels,
                     kBuckets[i], cumulative);
    }
    fmt::format_to(it, "veyra_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels,
                   count);
    fmt::format_to(it, "veyra_http_request_duration_seconds_sum{{{}}} {:.6f}\n", labels,
                   slots.sum_micros.load(std::memory_order_relaxed) / 1e6);
    fmt::format_to(it, "veyra_http_request_duration_seconds_count{{{}}} {}\n", labels, count);
  }

  out += "# HELP veyra_http_requests_in_flight Requests being handled now.\n";
  out += "# TYPE veyra_http_requests_in_flight gauge\n";
  fmt::format_to(it, "veyra_http_requests_in_flight {}\n", in_flight());
  out += "# HELP veyra_http_received_bytes_total Request body bytes received.\n";
  out += "# TYPE veyra_http_received_bytes_total counter\n";
  fmt::format_to(it, "veyra_http_received_bytes_total {}\n", bytes_in_.load());
  out += "# HELP veyra_http_sent_bytes_total Response bytes sent.\n";
  out += "# TYPE veyra_http_sent_bytes_total counter\n";
  fmt::format_to(it, "veyra_http_sent_bytes_total {}\n", bytes_out_.load());
}

void MetricsRegistry::add_gauge(std::string name, std::string help, std::function<double()> read) {
  families_.push_back({std::move(name), std::move(help), "gauge", std::move(read)});
}

void MetricsRegistry::add_counter(std::string name, std::string help,
                                  std::function<double()> read) {
  families_.push_back({std::move(name), std::move(help), "counter", std::move(read)});
}

std::string MetricsRegistry::render() const {
  std::string out;
  out.reserve(8192);
  if (http_ != nullptr) http_->render(out);
  for (const Family& family : families_) {
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n{} {}\n", family.name,
                   family.help, family.name, family.type, family.name, family.read());
  }
  return out;
}

}  // namespace veyra
