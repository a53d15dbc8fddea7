// VEYRA_* environment overrides and the process environment itself.
#include <fmt/format.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>

#include "core/config_internal.h"

namespace veyra {
namespace config_internal {
namespace {

constexpr std::string_view kEnvironmentFile = "environment";
constexpr std::string_view kVeyraPrefix = "VEYRA_";

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// "a, b,,c" -> {"a", "b", "c"}; an empty string is an empty list.
std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    std::size_t comma = text.find(',');
    std::string_view item = trim(text.substr(0, comma));
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

// Reads `text` as the field's kind; nothing when it does not have that shape.
std::optional<Value> parse_env_value(ValueKind kind, std::string_view text) {
  switch (kind) {
    case ValueKind::string:
      return Value(std::string(text));
    case ValueKind::string_list:
      return Value(split_list(text));
    case ValueKind::boolean:
      if (text == "true") return Value(true);
      if (text == "false") return Value(false);
      return std::nullopt;
    case ValueKind::integer: {
      std::int64_t number = 0;
      const char* end = text.data() + text.size();
      auto [stop, ec] = std::from_chars(text.data(), end, number);
      if (text.empty() || ec != std::errc() || stop != end) return std::nullopt;
      return Value(number);
    }
  }
  return std::nullopt;
}

std::string_view env_kind_name(ValueKind kind) {
  switch (kind) {
    case ValueKind::boolean:
      return "true or false";
    case ValueKind::integer:
      return "an integer";
    case ValueKind::string_list:
      return "a comma-separated list";
    case ValueKind::string:
      return "a string";
  }
  return "a value";
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
  return text;
}

}  // namespace

void apply_env_overrides(const EnvLookup& env, LoadState& state) {
  for (const Field& field : config_fields()) {
    std::string name = env_name(field.key);
    std::optional<std::string> text = env(name);
    if (!text) continue;
    auto fail = [&](std::string reason) {
      state.errors.push_back({std::string(kEnvironmentFile), 0, name, std::move(reason)});
    };

    std::optional<Value> value = parse_env_value(field.kind, *text);
    if (!value) {
      fail(fmt::format("expected {}", env_kind_name(field.kind)));
      continue;
    }

    bool items_ok = true;
    if (field.check_item) {
      const auto& items = std::get<std::vector<std::string>>(*value);
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (Refusal refusal = field.check_item(items[i])) {
          fail(fmt::format("entry {}: {}", i + 1, *refusal));
          items_ok = false;
        }
      }
    }
    if (!items_ok) continue;

    if (Refusal refusal = field.apply(state.config, *value)) {
      fail(*refusal);
      continue;
    }
    state.origins[field.key] = Origin{std::string(kEnvironmentFile), 0, name};
  }
}

void check_env_names(const std::vector<std::string>& names, LoadState& state) {
  std::set<std::string> overrides;
  for (const Field& field : config_fields()) overrides.insert(env_name(field.key));

  for (const std::string& name : names) {
    if (!name.starts_with(kVeyraPrefix)) continue;
    if (overrides.contains(name) || state.referenced_env.contains(name)) continue;

    // The usual slip is a single underscore between section and key.
    std::string reason = "unknown environment variable";
    for (const std::string& known : overrides) {
      if (replace_all(known, "__", "_") == name) {
        reason += fmt::format(" (did you mean {}?)", known);
        break;
      }
    }
    state.errors.push_back({std::string(kEnvironmentFile), 0, name, std::move(reason)});
  }
}

}  // namespace config_internal

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    std::string key(name);
    const char* value = std::getenv(key.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::vector<std::string> process_veyra_env_names() {
  std::vector<std::string> names;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    if (!text.starts_with(config_internal::kVeyraPrefix)) continue;
    names.emplace_back(text.substr(0, text.find('=')));
  }
  return names;
}

}  // namespace veyra
