// The operators' API of API.md ("Dashboard and admin API"): GET /v1/admin/users,
// PATCH /v1/admin/users/{id} and GET /v1/admin/tickets (the newest 500 help-center tickets).
// Session auth by an account whose role is admin; anyone else is 403 admin_required (an API key:
// 403 session_auth_required).
#pragma once

#include <map>
#include <string>

#include "auth/tokens.h"
#include "auth/user_directory.h"
#include "core/blocking_pool.h"
#include "core/clock.h"
#include "core/config.h"
#include "http/router.h"
#include "store/session_repository.h"
#include "store/ticket_repository.h"
#include "store/user_repository.h"

namespace veyra::api {

struct AdminRouteDeps {
  auth::TokenIssuer& tokens;       // session auth, and forgetting a disabled user's sessions
  auth::UserDirectory& directory;  // roles for the admin check; updated on every change
  store::UserRepository& users;
  store::SessionRepository& sessions;
  store::TicketRepository& tickets;
  const std::map<std::string, PlanConfig>& plans;  // the plans a user may be moved to
  BlockingPool& pool;
  const Clock& clock;
};

// PATCH takes {plan?, role?, disabled?} (400 invalid_field naming the field: an unknown plan,
// a role other than user or admin, a non-boolean) and answers {user} (User plus disabled);
// an unknown id is 404 not_found. The change reaches the model API at once (the directory);
// disabling also revokes every session of the account, and its API keys are refused
// (403 account_disabled) from the next call.
// REQUIRES: every dependency outlives the router.
void add_admin_routes(http::Router& router, const AdminRouteDeps& deps);

}  // namespace veyra::api
