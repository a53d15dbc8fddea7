// Service endpoints for operators and load balancers: GET /healthz (alive), GET /readyz
// (the database answers), GET /metrics (Prometheus text).
#pragma once

#include "core/blocking_pool.h"
#include "core/metrics.h"
#include "http/router.h"
#include "store/database.h"

namespace veyra::api {

struct ServiceRouteDeps {
  store::Database& database;
  BlockingPool& blocking_pool;
  const MetricsRegistry& metrics;
};

// REQUIRES: every dependency outlives the router.
void add_service_routes(http::Router& router, ServiceRouteDeps deps);

}  // namespace veyra::api
