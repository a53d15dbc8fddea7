#include "api/api_key_routes.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <memory>
#include <string>

#include "api/auth_guard.h"
#include "api/fields.h"
#include "core/json.h"
#include "http/blocking.h"

namespace veyra::api {

using boost::asio::awaitable;
using http::Method;
using http::Request;
using http::Response;

namespace {

constexpr std::size_t kMaxNameLength = 100;  // characters, not bytes
constexpr std::size_t kMaxModels = 256;
constexpr std::size_t kMaxModelIdLength = 256;

Error invalid(std::string_view field, std::string message) {
  return make_error(ErrorCode::invalid_field, std::move(message), std::string(field));
}

// Code points of valid UTF-8 text (Boost.JSON has checked it): bytes that do not continue one.
std::size_t utf8_length(std::string_view text) {
  std::size_t length = 0;
  for (char c : text) length += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return length;
}

// A non-null member, or nullptr when absent or null.
const boost::json::value* member(const boost::json::object& body, std::string_view key) {
  const boost::json::value* value = body.if_contains(key);
  return value == nullptr || value->is_null() ? nullptr : value;
}

Result<unsigned> parse_scopes(const boost::json::object& body) {
  const boost::json::value* value = member(body, "scopes");
  if (value == nullptr) return auth::kAllScopes;
  constexpr std::string_view kMessage =
      "scopes must be an array of models, chat, embeddings, images, audio.";
  if (!value->is_array()) return invalid("scopes", std::string(kMessage));
  unsigned scopes = 0;
  for (const boost::json::value& item : value->get_array()) {
    unsigned bit = item.is_string() ? auth::scope_bit(item.get_string()) : 0;
    if (bit == 0) return invalid("scopes", std::string(kMessage));
    scopes |= bit;
  }
  return scopes;
}

Result<std::optional<std::vector<std::string>>> parse_models(const boost::json::object& body) {
  const boost::json::value* value = member(body, "models");
  if (value == nullptr) return std::optional<std::vector<std::string>>();
  constexpr std::string_view kMessage = "models must be a non-empty array of model ids.";
  if (!value->is_array() || value->get_array().empty() || value->get_array().size() > kMaxModels) {
    return invalid("models", std::string(kMessage));
  }
  std::vector<std::string> models;
  for (const boost::json::value& item : value->get_array()) {
    if (!item.is_string() || item.get_string().empty() ||
        item.get_string().size() > kMaxModelIdLength) {
      return invalid("models", std::string(kMessage));
    }
    models.emplace_back(item.get_string());
  }
  return std::optional<std::vector<std::string>>(std::move(models));
}

// An integer member that may be absent or null (then 0). invalid_field unless it is an
// integer greater than `above`.
Result<std::int64_t> optional_integer_above(const boost::json::object& body, std::string_view key,
                                            std::int64_t above, std::string_view message) {
  const boost::json::value* value = member(body, key);
  if (value == nullptr) return std::int64_t{0};
  if (!value->is_int64() || value->get_int64() <= above) {
    return invalid(key, std::string(message));
  }
  return value->get_int64();
}

void set_optional(boost::json::object& out, std::string_view key, std::int64_t value) {
  if (value == 0) {
    out[key] = nullptr;
  } else {
    out[key] = value;
  }
}

}  // namespace

Result<auth::NewApiKey> parse_new_api_key(const boost::json::object& body, std::int64_t now) {
  auth::NewApiKey key;
  auto name = required_string(body, "name");
  if (!name) return std::move(name).error();
  std::size_t length = utf8_length(*name);
  if (length == 0 || length > kMaxNameLength) {
    return invalid("name", "name must be 1 to 100 characters.");
  }
  key.name = std::string(*name);

  auto scopes = parse_scopes(body);
  if (!scopes) return std::move(scopes).error();
  key.scopes = *scopes;
  auto models = parse_models(body);
  if (!models) return std::move(models).error();
  key.models = std::move(*models);
  auto expires_at = optional_integer_above(body, "expires_at", now,
                                           "expires_at must be a Unix time in the future.");
  if (!expires_at) return std::move(expires_at).error();
  key.expires_at = *expires_at;
  auto rpm_limit =
      optional_integer_above(body, "rpm_limit", 0, "rpm_limit must be a positive integer.");
  if (!rpm_limit) return std::move(rpm_limit).error();
  key.rpm_limit = *rpm_limit;
  return key;
}

boost::json::object api_key_json(const store::ApiKeyRecord& key) {
  boost::json::object out;
  out["id"] = key.id;
  out["name"] = key.name;
  out["prefix"] = key.prefix;
  out["last4"] = key.last4;
  boost::json::array& scopes = out["scopes"].emplace_array();
  for (const std::string& scope : key.scopes) scopes.emplace_back(scope);
  if (key.models) {
    boost::json::array& models = out["models"].emplace_array();
    for (const std::string& model : *key.models) models.emplace_back(model);
  } else {
    out["models"] = nullptr;
  }
  set_optional(out, "rpm_limit", key.rpm_limit);
  out["created_at"] = key.created_at;
  set_optional(out, "last_used_at", key.last_used_at);
  set_optional(out, "expires_at", key.expires_at);
  set_optional(out, "revoked_at", key.revoked_at);
  return out;
}

void add_api_key_routes(http::Router& router, const ApiKeyRouteDeps& d) {
  // The handlers share one copy of the dependencies, owned by the router's closures.
  auto deps = std::make_shared<ApiKeyRouteDeps>(d);

  router.add(Method::post, "/v1/api-keys", [deps](Request& request) -> awaitable<Response> {
    auto principal = require_session(deps->tokens, request);
    if (!principal) co_return Response::error(principal.error());
    auto body = parse_json_object(request.body);
    if (!body) co_return Response::error(body.error());
    auto key = parse_new_api_key(*body, deps->clock.now());
    if (!key) co_return Response::error(key.error());

    auto created = co_await http::run_blocking(
        deps->pool, [&] { return deps->keys.create(principal->user_id, *key); });
    if (!created) co_return Response::error(created.error());
    boost::json::object out;
    out["api_key"] = api_key_json(created->key);
    out["key"] = created->secret;
    co_return Response::json(201, boost::json::serialize(out));
  });

  router.add(Method::get, "/v1/api-keys", [deps](Request& request) -> awaitable<Response> {
    auto principal = require_session(deps->tokens, request);
    if (!principal) co_return Response::error(principal.error());

    auto keys = co_await http::run_blocking(deps->pool,
                                            [&] { return deps->keys.list(principal->user_id); });
    if (!keys) co_return Response::error(keys.error());
    boost::json::array data;
    for (const store::ApiKeyRecord& key : *keys) data.push_back(api_key_json(key));
    boost::json::object out{{"object", "list"}, {"data", std::move(data)}};
    co_return Response::json(200, boost::json::serialize(out));
  });

  router.add(Method::delete_, "/v1/api-keys/{id}", [deps](Request& request) -> awaitable<Response> {
    auto principal = require_session(deps->tokens, request);
    if (!principal) co_return Response::error(principal.error());
    std::string id(request.param("id"));

    auto revoked = co_await http::run_blocking(
        deps->pool, [&] { return deps->keys.revoke(principal->user_id, id); });
    if (!revoked) co_return Response::error(revoked.error());
    boost::json::object out;
    out["api_key"] = api_key_json(*revoked);
    co_return Response::json(200, boost::json::serialize(out));
  });
}

}  // namespace veyra::api
