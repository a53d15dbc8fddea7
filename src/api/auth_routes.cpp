#include "api/auth_routes.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <memory>

#include "api/auth_guard.h"
#include "api/fields.h"
#include "api/render.h"
#include "core/json.h"
#include "http/blocking.h"

namespace veyra::api {

using boost::asio::awaitable;
using http::Method;
using http::Request;
using http::Response;

namespace {

Response json_response(unsigned status, const boost::json::object& object) {
  return Response::json(status, boost::json::serialize(object));
}

auth::ClientInfo client_info(const Request& request) {
  return {request.client_ip, std::string(request.header("User-Agent"))};
}

// The fields register and login share (email and password, both required), and the body for
// whatever else the endpoint reads.
struct Credentials {
  boost::json::object body;
  std::string email;
  std::string password;
};

Result<Credentials> read_credentials(const Request& request) {
  auto body = parse_json_object(request.body);
  if (!body) return std::move(body).error();
  auto email = required_string(*body, "email");
  if (!email) return std::move(email).error();
  auto password = required_string(*body, "password");
  if (!password) return std::move(password).error();
  // The strings are copied before the body moves: the views point into it.
  Credentials credentials{{}, std::string(*email), std::string(*password)};
  credentials.body = std::move(*body);
  return credentials;
}

// Logout takes an optional body: nothing at all means {}.
Result<boost::json::object> optional_body(const Request& request) {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return boost::json::object();
  }
  return parse_json_object(request.body);
}

}  // namespace

void add_auth_routes(http::Router& router, const AuthRouteDeps& d) {
  // The handlers share one copy of the dependencies, owned by the router's closures.
  auto deps = std::make_shared<AuthRouteDeps>(d);

  router.add(Method::post, "/v1/auth/register", [deps](Request& request) -> awaitable<Response> {
    auto credentials = read_credentials(request);
    if (!credentials) co_return Response::error(credentials.error());
    auto name = optional_string(credentials->body, "name");
    if (!name) co_return Response::error(name.error());

    accounts::NewAccount account{credentials->email, credentials->password, *name,
                                 deps->default_plan};
    auto user = co_await http::run_blocking(deps->password_pool,
                                            [&] { return deps->registration.create(account); });
    if (!user) co_return Response::error(user.error());
    boost::json::object out;
    out["user"] = user_json(*user);
    co_return json_response(201, out);
  });

  router.add(Method::post, "/v1/auth/login", [deps](Request& request) -> awaitable<Response> {
    auto credentials = read_credentials(request);
    if (!credentials) co_return Response::error(credentials.error());

    auth::ClientInfo client = client_info(request);
    auto login = co_await http::run_blocking(deps->password_pool, [&] {
      return deps->auth.login(credentials->email, credentials->password, client);
    });
    if (!login) co_return Response::error(login.error());
    request.principal_id = login->tokens->session_id;
    co_return json_response(200, token_pair_json(*login->tokens));
  });

  router.add(Method::post, "/v1/auth/refresh", [deps](Request& request) -> awaitable<Response> {
    auto body = parse_json_object(request.body);
    if (!body) co_return Response::error(body.error());
    auto token = required_string(*body, "refresh_token");
    if (!token) co_return Response::error(token.error());

    auto pair = co_await http::run_blocking(deps->blocking_pool,
                                            [&] { return deps->auth.refresh(*token); });
    if (!pair) co_return Response::error(pair.error());
    request.principal_id = pair->session_id;
    co_return json_response(200, token_pair_json(*pair));
  });

  router.add(Method::post, "/v1/auth/logout", [deps](Request& request) -> awaitable<Response> {
    auto principal = require_session(deps->tokens, request);
    if (!principal) co_return Response::error(principal.error());
    auto body = optional_body(request);
    if (!body) co_return Response::error(body.error());
    auto all = optional_bool(*body, "all", false);
    if (!all) co_return Response::error(all.error());

    auto revoked = co_await http::run_blocking(deps->blocking_pool,
                                               [&] { return deps->auth.logout(*principal, *all); });
    if (!revoked) co_return Response::error(revoked.error());
    boost::json::object out;
    out["revoked_sessions"] = *revoked;
    co_return json_response(200, out);
  });

  router.add(Method::get, "/v1/auth/sessions", [deps](Request& request) -> awaitable<Response> {
    auto principal = require_session(deps->tokens, request);
    if (!principal) co_return Response::error(principal.error());

    auto sessions = co_await http::run_blocking(
        deps->blocking_pool, [&] { return deps->auth.list_sessions(*principal); });
    if (!sessions) co_return Response::error(sessions.error());
    std::int64_t now = deps->clock.now();
    boost::json::array data;
    for (const auth::SessionView& view : *sessions) data.push_back(session_json(view, now));
    boost::json::object out;
    out["object"] = "list";
    out["data"] = std::move(data);
    co_return json_response(200, out);
  });

  router.add(Method::delete_, "/v1/auth/sessions/{session_id}",
             [deps](Request& request) -> awaitable<Response> {
               auto principal = require_session(deps->tokens, request);
               if (!principal) co_return Response::error(principal.error());
               std::string session_id(request.param("session_id"));

               auto revoked = co_await http::run_blocking(deps->blocking_pool, [&] {
                 return deps->auth.revoke_session(*principal, session_id);
               });
               if (!revoked) co_return Response::error(revoked.error());
               boost::json::object out;
               out["id"] = session_id;
               out["status"] = "revoked";
               co_return json_response(200, out);
             });

  router.add(Method::post, "/v1/auth/change-password",
             [deps](Request& request) -> awaitable<Response> {
               auto principal = require_session(deps->tokens, request);
               if (!principal) co_return Response::error(principal.error());
               auto body = parse_json_object(request.body);
               if (!body) co_return Response::error(body.error());
               auto current = required_string(*body, "current_password");
               if (!current) co_return Response::error(current.error());
               auto replacement = required_string(*body, "new_password");
               if (!replacement) co_return Response::error(replacement.error());

               auto revoked = co_await http::run_blocking(deps->password_pool, [&] {
                 return deps->auth.change_password(*principal, *current, *replacement);
               });
               if (!revoked) co_return Response::error(revoked.error());
               boost::json::object out;
               out["sessions_revoked"] = *revoked;
               co_return json_response(200, out);
             });
}

void add_account_routes(http::Router& router, const AuthRouteDeps& d) {
  auto deps = std::make_shared<AuthRouteDeps>(d);

  router.add(Method::get, "/v1/account", [deps](Request& request) -> awaitable<Response> {
    auto principal = require_session(deps->tokens, request);
    if (!principal) co_return Response::error(principal.error());

    auto user = co_await http::run_blocking(deps->blocking_pool,
                                            [&] { return deps->auth.account(*principal); });
    if (!user) co_return Response::error(user.error());
    boost::json::object out;
    out["user"] = user_json(*user);
    co_return json_response(200, out);
  });
}

}  // namespace veyra::api
