// The dashboard's usage endpoint, GET /v1/usage (API.md, "Dashboard and admin API"): the
// caller's token counts over a time range, grouped by model, API key or UTC day.
//
// It reads what the UsageMeter has written. Records still queued in the meter are not counted
// until flushed; the gateway flushes every second, so a call shows up about a second later.
#pragma once

#include "auth/tokens.h"
#include "core/blocking_pool.h"
#include "core/clock.h"
#include "http/router.h"
#include "store/usage_repository.h"

namespace veyra::api {

struct UsageRouteDeps {
  const auth::TokenIssuer& tokens;  // session authentication (require_session)
  store::UsageRepository& usage;
  BlockingPool& pool;  // runs the repository call
  const Clock& clock;  // the current month, when start or end is not given
};

// GET /v1/usage?start&end&group_by. Session auth only: an API key is 403
// session_auth_required. The query is read by parse_usage_query() (400 invalid_field naming
// start, end or group_by) and the answer built by usage_list_json(); a database failure is
// the repository's error (500 internal_error, or 503 server_busy when the database or the
// blocking pool is saturated).
// REQUIRES: every dependency outlives the router.
void add_usage_routes(http::Router& router, const UsageRouteDeps& deps);

}  // namespace veyra::api
