// Loads the configuration: the TOML file (read here, the only place toml++ is included),
// then the environment (config_env.cpp), then the cross-checks (config_checks.cpp).
#include "core/config.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <limits>

#include "core/config_internal.h"

namespace veyra {
namespace config_internal {
namespace {

constexpr std::string_view kNoFile = "(defaults)";

std::string file_label(const std::optional<std::string>& path) {
  return path.has_value() && !path->empty() ? *path : std::string(kNoFile);
}

int line_of(const toml::node& node) {
  return static_cast<int>(node.source().begin.line);
}

std::string join_key(std::string_view prefix, std::string_view name) {
  if (prefix.empty()) return std::string(name);
  return fmt::format("{}.{}", prefix, name);
}

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

std::string expected(std::string_view what, const toml::node& node) {
  return fmt::format("expected {}, got {}", what, type_name(node));
}

// Walks the parsed file into a LoadState. Every problem is recorded and reading goes on,
// so one run reports all of them.
class FileReader {
 public:
  FileReader(const EnvLookup& env, LoadState& state) : env_(env), state_(state) {}

  void read_root(const toml::table& root) {
    for (auto&& [key, node] : root) {
      std::string name(key.str());
      if (name == "providers") {
        read_providers(node);
      } else if (name == "models") {
        read_models(node);
      } else if (name == "plans") {
        read_plans(node);
      } else {
        read_entry(root, name, node, "");
      }
    }
  }

 private:
  void fail(const toml::node& node, std::string key, std::string reason) {
    state_.errors.push_back({state_.file, line_of(node), std::move(key), std::move(reason)});
  }

  // One key of the root or of a section such as [auth]: a field, a secret's *_env form or
  // a nested section.
  void read_entry(const toml::table& table, const std::string& name, const toml::node& node,
                  const std::string& prefix) {
    std::string key = join_key(prefix, name);
    if (const Field* field = find_field(key)) {
      read_field(*field, node, key);
      return;
    }

    if (name.ends_with("_env")) {
      std::string literal = name.substr(0, name.size() - 4);
      const Field* field = find_field(join_key(prefix, literal));
      if (field != nullptr && field->secret) {
        std::optional<std::string> secret =
            read_secret_env(node, key, literal, table.contains(literal));
        if (secret) {
          // Secrets carry no checks, so applying one cannot be refused.
          (void)field->apply(state_.config, Value(std::move(*secret)));
          state_.origins[field->key] = Origin{state_.file, line_of(node), key};
        }
        return;
      }
    }

    if (is_section(key)) {
      if (const toml::table* section = node.as_table()) {
        for (auto&& [child, value] : *section) {
          read_entry(*section, std::string(child.str()), value, key);
        }
      } else {
        fail(node, key, expected("a table", node));
      }
      return;
    }
    fail(node, key, "unknown key");
  }

  void read_field(const Field& field, const toml::node& node, const std::string& key) {
    std::optional<Value> value;
    switch (field.kind) {
      case ValueKind::string:
        if (const auto* text = node.as_string()) value = Value(text->get());
        break;
      case ValueKind::integer:
        if (const auto* number = node.as_integer()) value = Value(number->get());
        break;
      case ValueKind::boolean:
        if (const auto* flag = node.as_boolean()) value = Value(flag->get());
        break;
      case ValueKind::string_list:
        if (const auto* array = node.as_array()) {
          value = read_list(field, *array, key);
          if (!value) return;  // its entries are already reported
        }
        break;
    }
    if (!value) {
      fail(node, key, expected(kind_name(field.kind), node));
      return;
    }

    if (Refusal refusal = field.apply(state_.config, *value)) {
      fail(node, key, std::move(*refusal));
      return;
    }
    state_.origins[field.key] = Origin{state_.file, line_of(node), key};
  }

  std::optional<Value> read_list(const Field& field, const toml::array& array,
                                 const std::string& key) {
    std::vector<std::string> items;
    bool ok = true;
    for (std::size_t i = 0; i < array.size(); ++i) {
      const toml::node& item = array[i];
      std::string item_key = fmt::format("{}[{}]", key, i);
      const auto* text = item.as_string();
      if (text == nullptr) {
        fail(item, item_key, expected("a string", item));
        ok = false;
      } else if (Refusal refusal = field.check_item ? field.check_item(text->get()) : Refusal()) {
        fail(item, item_key, std::move(*refusal));
        ok = false;
      } else {
        items.push_back(text->get());
      }
    }
    if (!ok) return std::nullopt;
    return Value(std::move(items));
  }

  // `node` is a KEY_env value: the name of the variable holding the secret. Returns the
  // secret, or nothing after reporting why not. The secret itself is never reported.
  std::optional<std::string> read_secret_env(const toml::node& node, const std::string& key,
                                             std::string_view literal, bool literal_also_set) {
    const auto* name = node.as_string();
    if (name == nullptr) {
      fail(node, key, expected("a string naming an environment variable", node));
      return std::nullopt;
    }
    const std::string& variable = name->get();
    if (variable.empty()) {
      fail(node, key, "must name an environment variable");
      return std::nullopt;
    }
    state_.referenced_env.insert(variable);
    if (literal_also_set) {
      fail(node, key, fmt::format("{0} and {0}_env are both set; keep one of them", literal));
      return std::nullopt;
    }

    std::optional<std::string> secret = env_(variable);
    if (!secret) {
      fail(node, key, fmt::format("environment variable {} is not set", variable));
      return std::nullopt;
    }
    if (secret->empty()) {
      fail(node, key, fmt::format("environment variable {} is empty", variable));
      return std::nullopt;
    }
    return secret;
  }

  // A secret inside a record table (a provider's api_key): NAME or NAME_env, or empty.
  std::string read_record_secret(const toml::table& table, const std::string& prefix,
                                 const std::string& name) {
    std::string env_key = name + "_env";
    if (const toml::node* node = table.get(env_key)) {
      return read_secret_env(*node, join_key(prefix, env_key), name, table.contains(name))
          .value_or("");
    }
    if (const toml::node* node = table.get(name)) {
      if (const auto* text = node->as_string()) return text->get();
      fail(*node, join_key(prefix, name), expected("a string", *node));
    }
    return {};
  }

  void check_keys(const toml::table& table, const std::string& prefix,
                  std::initializer_list<std::string_view> allowed) {
    for (auto&& [key, node] : table) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
        fail(node, join_key(prefix, key.str()), "unknown key");
      }
    }
  }

  // A string that must be present and non-empty; nothing after reporting otherwise.
  std::optional<std::string> required_text(const toml::table& table, const std::string& prefix,
                                           std::string_view name) {
    std::string key = join_key(prefix, name);
    const toml::node* node = table.get(name);
    if (node == nullptr) {
      fail(table, key, "missing required key");
      return std::nullopt;
    }
    const auto* text = node->as_string();
    if (text == nullptr) {
      fail(*node, key, expected("a string", *node));
      return std::nullopt;
    }
    if (text->get().empty()) {
      fail(*node, key, "must not be empty");
      return std::nullopt;
    }
    return text->get();
  }

  // An optional integer within [min, max]; nothing when absent or after reporting.
  std::optional<std::int64_t> optional_integer(const toml::table& table, const std::string& prefix,
                                               std::string_view name, std::int64_t min,
                                               std::int64_t max) {
    const toml::node* node = table.get(name);
    if (node == nullptr) return std::nullopt;
    std::string key = join_key(prefix, name);
    const auto* number = node->as_integer();
    if (number == nullptr) {
      fail(*node, key, expected("an integer", *node));
      return std::nullopt;
    }
    if (number->get() < min || number->get() > max) {
      fail(*node, key, fmt::format("must be between {} and {}, got {}", min, max, number->get()));
      return std::nullopt;
    }
    return number->get();
  }

  // The entries of a required array of strings, each with its node for later reports.
  std::vector<const toml::value<std::string>*> required_strings(const toml::table& table,
                                                                const std::string& prefix,
                                                                std::string_view name) {
    std::vector<const toml::value<std::string>*> items;
    std::string key = join_key(prefix, name);
    const toml::node* node = table.get(name);
    if (node == nullptr) {
      fail(table, key, "missing required key");
      return items;
    }
    const toml::array* array = node->as_array();
    if (array == nullptr) {
      fail(*node, key, expected("an array of strings", *node));
      return items;
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
      const toml::node& item = (*array)[i];
      if (const auto* text = item.as_string()) {
        items.push_back(text);
      } else {
        fail(item, fmt::format("{}[{}]", key, i), expected("a string", item));
      }
    }
    return items;
  }

  // Calls `read` with each table of an array of tables and its key ("providers[2]").
  template <class Read>
  void for_each_table(const toml::node& node, std::string_view key, Read read) {
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      fail(node, std::string(key), expected(fmt::format("an array of tables ([[{}]])", key), node));
      return;
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
      std::string prefix = fmt::format("{}[{}]", key, i);
      if (const toml::table* table = (*array)[i].as_table()) {
        read(*table, prefix);
      } else {
        fail((*array)[i], prefix, expected("a table", (*array)[i]));
      }
    }
  }

  void read_providers(const toml::node& node) {
    for_each_table(node, "providers", [this](const toml::table& table, const std::string& prefix) {
      check_keys(table, prefix, {"id", "type", "base_url", "api_key", "api_key_env"});
      ProviderConfig provider;
      provider.line = line_of(table);

      if (auto id = required_text(table, prefix, "id")) {
        auto same = std::find_if(state_.config.providers.begin(), state_.config.providers.end(),
                                 [&](const ProviderConfig& other) { return other.id == *id; });
        if (same != state_.config.providers.end()) {
          fail(*table.get("id"), prefix + ".id",
               fmt::format("provider id \"{}\" is already used on line {}", *id, same->line));
        }
        provider.id = *id;
      }
      if (auto type = required_text(table, prefix, "type")) {
        if (*type != "openai" && *type != "anthropic") {
          fail(*table.get("type"), prefix + ".type",
               fmt::format("must be one of openai | anthropic, got \"{}\"", *type));
        }
        provider.type = *type;
      }
      if (auto url = required_text(table, prefix, "base_url")) {
        if (!url->starts_with("http://") && !url->starts_with("https://")) {
          fail(*table.get("base_url"), prefix + ".base_url", "must start with http:// or https://");
        }
        provider.base_url = *url;
      }
      provider.api_key = read_record_secret(table, prefix, "api_key");
      state_.config.providers.push_back(std::move(provider));
    });
  }

  void read_models(const toml::node& node) {
    for_each_table(node, "models", [this](const toml::table& table, const std::string& prefix) {
      check_keys(table, prefix, {"id", "capabilities", "deployments"});
      ModelConfig model;
      model.line = line_of(table);

      if (auto id = required_text(table, prefix, "id")) {
        auto same = std::find_if(state_.config.models.begin(), state_.config.models.end(),
                                 [&](const ModelConfig& other) { return other.id == *id; });
        if (is_builtin_model(*id)) {
          fail(*table.get("id"), prefix + ".id",
               fmt::format("\"{}\" is a built-in model id; choose another", *id));
        } else if (same != state_.config.models.end()) {
          fail(*table.get("id"), prefix + ".id",
               fmt::format("model id \"{}\" is already used on line {}", *id, same->line));
        }
        model.id = *id;
      }
      read_capabilities(table, prefix, model);
      read_deployments(table, prefix, model);
      state_.config.models.push_back(std::move(model));
    });
  }

  void read_capabilities(const toml::table& table, const std::string& prefix, ModelConfig& model) {
    static constexpr std::string_view kCapabilities[] = {"chat", "embeddings", "images", "audio"};
    auto items = required_strings(table, prefix, "capabilities");
    const toml::node* node = table.get("capabilities");
    if (node != nullptr && node->is_array() && node->as_array()->empty()) {
      fail(*node, prefix + ".capabilities",
           "must list at least one of chat | embeddings | "
           "images | audio");
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string& name = items[i]->get();
      std::string key = fmt::format("{}.capabilities[{}]", prefix, i);
      if (std::find(std::begin(kCapabilities), std::end(kCapabilities), name) ==
          std::end(kCapabilities)) {
        fail(*items[i], key,
             fmt::format("must be one of chat | embeddings | images | audio, got \"{}\"", name));
      } else if (std::find(model.capabilities.begin(), model.capabilities.end(), name) !=
                 model.capabilities.end()) {
        fail(*items[i], key, fmt::format("\"{}\" is listed twice", name));
      } else {
        model.capabilities.push_back(name);
      }
    }
  }

  void read_deployments(const toml::table& table, const std::string& prefix, ModelConfig& model) {
    std::string key = prefix + ".deployments";
    const toml::node* node = table.get("deployments");
    if (node == nullptr) {
      fail(table, key, "missing required key");
      return;
    }
    if (node->is_array() && node->as_array()->empty()) {
      fail(*node, key, "must list at least one deployment");
      return;
    }

    constexpr auto kMaxWeight = static_cast<std::int64_t>(std::numeric_limits<unsigned>::max());
    for_each_table(*node, key, [&](const toml::table& entry, const std::string& entry_key) {
      check_keys(entry, entry_key, {"provider", "model", "weight"});
      DeploymentConfig deployment;
      if (auto provider = required_text(entry, entry_key, "provider")) {
        state_.deployment_providers.push_back(
            {*provider, line_of(*entry.get("provider")), entry_key + ".provider"});
        deployment.provider = *provider;
      }
      deployment.model = required_text(entry, entry_key, "model").value_or("");
      if (auto weight = optional_integer(entry, entry_key, "weight", 1, kMaxWeight)) {
        deployment.weight = static_cast<unsigned>(*weight);
      }
      model.deployments.push_back(std::move(deployment));
    });
  }

  void read_plans(const toml::node& node) {
    const toml::table* plans = node.as_table();
    if (plans == nullptr) {
      fail(node, "plans", expected("a table of plans ([plans.NAME])", node));
      return;
    }

    constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
    for (auto&& [name, value] : *plans) {
      std::string prefix = join_key("plans", name.str());
      const toml::table* table = value.as_table();
      if (name.str().empty()) {
        fail(value, prefix, "a plan needs a non-empty name");
        continue;
      }
      if (table == nullptr) {
        fail(value, prefix, expected("a table", value));
        continue;
      }

      check_keys(*table, prefix,
                 {"models", "requests_per_minute", "tokens_per_minute", "monthly_tokens"});
      PlanConfig plan;
      auto models = required_strings(*table, prefix, "models");
      for (std::size_t i = 0; i < models.size(); ++i) {
        plan.models.push_back(models[i]->get());
        state_.plan_models.push_back(
            {models[i]->get(), line_of(*models[i]), fmt::format("{}.models[{}]", prefix, i)});
      }
      auto limit = [&](std::string_view key) {
        return static_cast<std::uint64_t>(
            optional_integer(*table, prefix, key, 0, kMax).value_or(0));
      };
      plan.requests_per_minute = limit("requests_per_minute");
      plan.tokens_per_minute = limit("tokens_per_minute");
      plan.monthly_tokens = limit("monthly_tokens");
      state_.config.plans[std::string(name.str())] = std::move(plan);
    }
  }

  const EnvLookup& env_;
  LoadState& state_;
};

// Reads and parses the file; nothing after recording the one error that stops the load.
std::optional<toml::table> parse_file(const std::string& path, LoadState& state) {
  auto fail = [&](int line, std::string reason) {
    state.errors.push_back({path, line, "", std::move(reason)});
    return std::nullopt;
  };

  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return fail(0, "is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(0, fmt::format("cannot open the file: {}", std::strerror(errno)));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return fail(0, "cannot read the file");

#if TOML_EXCEPTIONS
  try {
    return toml::parse(text, std::string_view(path));
  } catch (const toml::parse_error& error) {
    return fail(static_cast<int>(error.source().begin.line), std::string(error.description()));
  }
#else
  toml::parse_result result = toml::parse(text, std::string_view(path));
  if (!result) {
    const toml::parse_error& error = result.error();
    return fail(static_cast<int>(error.source().begin.line), std::string(error.description()));
  }
  return std::move(result).table();
#endif
}

// File errors in line order first, then the rest (environment, whole-file) as found.
void order_errors(LoadState& state) {
  auto has_line = [&](const ConfigError& error) {
    return error.file == state.file && error.line > 0;
  };
  auto rest = std::stable_partition(state.errors.begin(), state.errors.end(), has_line);
  std::stable_sort(state.errors.begin(), rest,
                   [](const ConfigError& a, const ConfigError& b) { return a.line < b.line; });
}

ConfigLoad load(const std::optional<std::string>& path, const EnvLookup& env,
                const std::vector<std::string>& veyra_env_names) {
  LoadState state;
  bool has_file = path.has_value() && !path->empty();
  state.file = file_label(path);

  if (has_file) {
    std::optional<toml::table> root = parse_file(*path, state);
    if (!root) return ConfigLoad{std::nullopt, std::move(state.errors)};
    FileReader(env, state).read_root(*root);
  }

  apply_env_overrides(env, state);
  check_env_names(veyra_env_names, state);

  // With no [plans], every user is on the built-in free plan.
  if (state.config.plans.empty()) state.config.plans.emplace("free", builtin_free_plan());
  check_references(state);

  order_errors(state);
  if (!state.errors.empty()) return ConfigLoad{std::nullopt, std::move(state.errors)};
  return ConfigLoad{std::move(state.config), {}};
}

}  // namespace
}  // namespace config_internal

ConfigLoad load_config(const std::optional<std::string>& path, const EnvLookup& env,
                       const std::vector<std::string>& veyra_env_names) {
  // Only an allocation failure or a throwing `env` can get here; report it, never throw.
  try {
    return config_internal::load(path, env, veyra_env_names);
  } catch (const std::exception& error) {
    return ConfigLoad{std::nullopt, {{config_internal::file_label(path), 0, "", error.what()}}};
  } catch (...) {
    return ConfigLoad{std::nullopt,
                      {{config_internal::file_label(path), 0, "", "unexpected failure"}}};
  }
}

}  // namespace veyra
