// Internals of the configuration loader, shared by config.cpp (the TOML file),
// config_fields.cpp (what each key means) and config_env.cpp (VEYRA_* overrides).
// Nothing outside src/core/config*.cpp includes this header.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/config.h"

namespace veyra::config_internal {

// The shape of a value before it is applied; the file and the environment both produce one.
enum class ValueKind { string, integer, boolean, string_list };

// Holds the alternative matching a ValueKind, in the same order.
using Value = std::variant<std::string, std::int64_t, bool, std::vector<std::string>>;

// Why a value was refused; empty when it was accepted.
using Refusal = std::optional<std::string>;

// One scalar key that both the file and the environment can set. Arrays of tables
// (providers, models, plans) are not fields: they are read only from the file.
struct Field {
  std::string key;  // dotted TOML key, e.g. "auth.access_token_ttl"
  ValueKind kind = ValueKind::string;
  // A secret may also be given in the file as KEY_env naming an environment variable.
  // Refusals of a secret never quote its value.
  bool secret = false;
  // For string lists: checks one entry; the list is applied only when every entry passes.
  std::function<Refusal(std::string_view item)> check_item;
  // Stores the value. REQUIRES: `value` holds the alternative of `kind`.
  std::function<Refusal(Config& config, const Value& value)> apply;
};

// Every field, in the order DESIGN.md documents them.
const std::vector<Field>& config_fields();

// The field with this dotted key, or nullptr.
const Field* find_field(std::string_view key);

// True when some field lives under `prefix` ("http", "oauth", "oauth.google").
bool is_section(std::string_view prefix);

// "auth.access_token_ttl" -> "VEYRA_AUTH__ACCESS_TOKEN_TTL".
std::string env_name(std::string_view key);

// "a string", "an integer", ... for "expected ..." reasons.
std::string_view kind_name(ValueKind kind);

// Where a field's current value came from, so later cross-checks can point at it.
struct Origin {
  std::string file;
  int line = 0;
  std::string key;
};

// A name used by the file that must resolve once everything is read (a deployment's
// provider, a plan's model).
struct Reference {
  std::string name;
  int line = 0;
  std::string key;
};

// Everything a load accumulates; passed through the readers.
struct LoadState {
  std::string file;  // the config path, for errors
  Config config;
  std::vector<ConfigError> errors;
  std::map<std::string, Origin> origins;  // by field key; missing = default value
  std::set<std::string> referenced_env;   // variable names given by *_env keys
  std::vector<Reference> deployment_providers;
  std::vector<Reference> plan_models;

  // Where the field `key` was last set; the file with line 0 when it still holds its default.
  Origin origin_of(const std::string& key) const;
};

// True for the models Veyra serves itself (veyra-echo, veyra-embed, veyra-sphinx); their
// ids cannot be reused in [[models]].
bool is_builtin_model(std::string_view id);

// The plan every user is on when the file defines no [plans]: every model, no limits.
PlanConfig builtin_free_plan();

// Checks what can only be checked once file and environment are both applied: deployment
// providers, plan models, the default plan and Google sign-in's secret.
void check_references(LoadState& state);

// Applies the VEYRA_* override of every field that `env` has. Bad values are reported with
// file "environment", line 0 and the variable name as key.
void apply_env_overrides(const EnvLookup& env, LoadState& state);

// Reports every name in `names` that is neither an override nor referenced by a *_env key.
void check_env_names(const std::vector<std::string>& names, LoadState& state);

}  // namespace veyra::config_internal
