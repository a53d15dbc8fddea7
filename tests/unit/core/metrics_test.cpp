#include "core/metrics.h"

#include <gtest/gtest.h>

namespace veyra {
namespace {

TEST(HttpMetrics, CountsByRouteAndStatus) {
  HttpMetrics metrics({{"GET", "/healthz"}, {"", "unmatched"}});

  metrics.observe(0, 200, 0.0002, 0, 15);
  metrics.observe(0, 200, 0.003, 0, 15);
  metrics.observe(1, 404, 0.0001, 0, 80);
  std::string text;
  metrics.render(text);

  EXPECT_NE(text.find(R"(veyra_http_requests_total{method="GET",route="/healthz",status="200"} 2)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(veyra_http_requests_total{method="",route="unmatched",status="404"} 1)"),
            std::string::npos);
  const std::string bucket = R"(veyra_http_request_duration_seconds_bucket{method="GET",)";
  EXPECT_NE(text.find(bucket + R"(route="/healthz",le="0.00025"} 1)"), std::string::npos);
  EXPECT_NE(text.find(bucket + R"(route="/healthz",le="+Inf"} 2)"), std::string::npos);
  EXPECT_NE(text.find("veyra_http_sent_bytes_total 110"), std::string::npos);
}

TEST(MetricsRegistry, RendersGaugesFromTheirOwners) {
  MetricsRegistry registry;
  int depth = 7;
  registry.add_gauge("veyra_blocking_pool_queue_depth", "Jobs waiting.", [&] { return depth; });

  std::string text = registry.render();

  EXPECT_NE(text.find("# TYPE veyra_blocking_pool_queue_depth gauge\n"), std::string::npos);
  EXPECT_NE(text.find("veyra_blocking_pool_queue_depth 7\n"), std::string::npos);
}

}  // namespace
}  // namespace veyra
