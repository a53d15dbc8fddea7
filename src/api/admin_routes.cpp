#include "api/admin_routes.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <memory>
#include <optional>

#include "api/auth_guard.h"
#include "api/render.h"
#include "core/json.h"
#include "http/blocking.h"

namespace veyra::api {

namespace {

using boost::asio::awaitable;
using http::Method;
using http::Request;
using http::Response;

boost::json::object admin_user_json(const store::UserRecord& user) {
  boost::json::object out = user_json(user);
  out["disabled"] = user.disabled;
  return out;
}

// A session of an account the directory knows as admin.
Result<auth::Principal> require_admin(const AdminRouteDeps& deps, Request& request) {
  auto principal = require_session(deps.tokens, request);
  if (!principal) return principal;
  auto standing = deps.directory.find(principal->user_id);
  if (!standing || standing->role != "admin" || standing->disabled) {
    return make_error(ErrorCode::admin_required);
  }
  return principal;
}

struct StandingChange {
  std::optional<std::string> plan;
  std::optional<std::string> role;
  std::optional<bool> disabled;
};

Result<StandingChange> read_change(const AdminRouteDeps& deps, const boost::json::object& body) {
  StandingChange change;
  if (const auto* plan = body.if_contains("plan"); plan != nullptr && !plan->is_null()) {
    if (!plan->is_string() || !deps.plans.contains(std::string(plan->get_string()))) {
      return make_error(ErrorCode::invalid_field, "plan must name a configured plan.", "plan");
    }
    change.plan = std::string(plan->get_string());
  }
  if (const auto* role = body.if_contains("role"); role != nullptr && !role->is_null()) {
    if (!role->is_string() || (role->get_string() != "user" && role->get_string() != "admin")) {
      return make_error(ErrorCode::invalid_field, "role must be user or admin.", "role");
    }
    change.role = std::string(role->get_string());
  }
  if (const auto* disabled = body.if_contains("disabled");
      disabled != nullptr && !disabled->is_null()) {
    if (!disabled->is_bool()) {
      return make_error(ErrorCode::invalid_field, "disabled must be a boolean.", "disabled");
    }
    change.disabled = disabled->get_bool();
  }
  return change;
}

// Applies `change` in the database; then the directory and, when disabling, the sessions.
Result<store::UserRecord> apply_change(const AdminRouteDeps& deps, std::string_view user_id,
                                       const StandingChange& change) {
  std::int64_t now = deps.clock.now();
  auto updated = deps.users.update_standing(user_id, change.plan ? &*change.plan : nullptr,
                                            change.role ? &*change.role : nullptr,
                                            change.disabled ? &*change.disabled : nullptr, now);
  if (!updated) return std::move(updated).error();
  if (!*updated) return make_error(ErrorCode::not_found, "No such user.");
  auto user = deps.users.find_by_id(user_id);
  if (!user) return std::move(user).error();
  if (!*user) return make_error(ErrorCode::not_found, "No such user.");

  deps.directory.upsert({(*user)->id, (*user)->plan, (*user)->role, (*user)->disabled});
  if ((*user)->disabled) {
    auto revoked = deps.sessions.revoke_all((*user)->id, now, "account_disabled");
    if (!revoked) return std::move(revoked).error();
    deps.tokens.forget_sessions(*revoked);
  }
  return std::move(**user);
}

boost::json::value optional_json(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return boost::json::value(*text);
}

boost::json::object ticket_json(const store::TicketRecord& ticket) {
  return {{"id", ticket.id},
          {"email", ticket.email},
          {"name", optional_json(ticket.name)},
          {"subject", ticket.subject},
          {"message", ticket.message},
          {"category", optional_json(ticket.category)},
          {"status", ticket.status},
          {"created_at", ticket.created_at}};
}

constexpr std::size_t kTicketsListed = 500;

}  // namespace

void add_admin_routes(http::Router& router, const AdminRouteDeps& d) {
  auto deps = std::make_shared<AdminRouteDeps>(d);

  router.add(Method::get, "/v1/admin/users", [deps](Request& request) -> awaitable<Response> {
    auto admin = require_admin(*deps, request);
    if (!admin) co_return Response::error(admin.error());
    auto users = co_await http::run_blocking(deps->pool, [&] { return deps->users.list_all(); });
    if (!users) co_return Response::error(users.error());
    boost::json::array data;
    for (const store::UserRecord& user : *users) data.push_back(admin_user_json(user));
    boost::json::object out{{"object", "list"}, {"data", std::move(data)}};
    co_return Response::json(200, boost::json::serialize(out));
  });

  router.add(Method::get, "/v1/admin/tickets", [deps](Request& request) -> awaitable<Response> {
    auto admin = require_admin(*deps, request);
    if (!admin) co_return Response::error(admin.error());
    auto tickets = co_await http::run_blocking(
        deps->pool, [&] { return deps->tickets.list_recent(kTicketsListed); });
    if (!tickets) co_return Response::error(tickets.error());
    boost::json::array data;
    for (const store::TicketRecord& ticket : *tickets) data.push_back(ticket_json(ticket));
    boost::json::object out{{"object", "list"}, {"data", std::move(data)}};
    co_return Response::json(200, boost::json::serialize(out));
  });

  router.add(Method::patch, "/v1/admin/users/{id}",
             [deps](Request& request) -> awaitable<Response> {
               auto admin = require_admin(*deps, request);
               if (!admin) co_return Response::error(admin.error());
               auto body = parse_json_object(request.body);
               if (!body) co_return Response::error(body.error());
               auto change = read_change(*deps, *body);
               if (!change) co_return Response::error(change.error());
               std::string user_id(request.param("id"));

               auto user = co_await http::run_blocking(
                   deps->pool, [&] { return apply_change(*deps, user_id, *change); });
               if (!user) co_return Response::error(user.error());
               boost::json::object out{{"user", admin_user_json(*user)}};
               co_return Response::json(200, boost::json::serialize(out));
             });
}

}  // namespace veyra::api
