// What each scalar configuration key means: its kind, its checks and where it is stored.
// The file reader and the environment overrides both go through this table, so a value is
// checked the same way wherever it comes from.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <limits>
#include <type_traits>

#include "core/config_internal.h"

namespace veyra::config_internal {
namespace {

template <class T>
using Slot = T& (*)(Config&);

bool starts_with_any(std::string_view text, std::initializer_list<std::string_view> prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [&](std::string_view prefix) { return text.starts_with(prefix); });
}

std::string join(const std::vector<std::string_view>& words, std::string_view separator) {
  std::string out;
  for (std::string_view word : words) {
    if (!out.empty()) out += separator;
    out += word;
  }
  return out;
}

Field text_field(std::string key, Slot<std::string> slot,
                 std::function<Refusal(std::string_view)> check = nullptr) {
  Field field{std::move(key), ValueKind::string, false, nullptr, nullptr};
  field.apply = [slot, check](Config& config, const Value& value) -> Refusal {
    const auto& text = std::get<std::string>(value);
    if (check) {
      if (Refusal refusal = check(text)) return refusal;
    }
    slot(config) = text;
    return std::nullopt;
  };
  return field;
}

Field secret_field(std::string key, Slot<std::string> slot, std::size_t min_size = 0) {
  Field field = text_field(std::move(key), slot, [min_size](std::string_view text) -> Refusal {
    if (text.size() < min_size) return fmt::format("must be at least {} characters", min_size);
    return std::nullopt;
  });
  field.secret = true;
  return field;
}

Field non_empty_field(std::string key, Slot<std::string> slot) {
  return text_field(std::move(key), slot, [](std::string_view text) -> Refusal {
    if (text.empty()) return "must not be empty";
    return std::nullopt;
  });
}

// The value is not echoed: URLs may carry credentials.
Field url_field(std::string key, Slot<std::string> slot,
                std::initializer_list<std::string_view> schemes, bool allow_empty) {
  std::vector<std::string_view> allowed(schemes);
  return text_field(std::move(key), slot, [allowed, allow_empty](std::string_view text) -> Refusal {
    if (text.empty() && allow_empty) return std::nullopt;
    for (std::string_view scheme : allowed) {
      if (text.starts_with(scheme) && text.size() > scheme.size()) return std::nullopt;
    }
    return fmt::format("must start with {}{}", join(allowed, " or "),
                       allow_empty ? " (or be empty)" : "");
  });
}

Field choice_field(std::string key, Slot<std::string> slot,
                   std::initializer_list<std::string_view> choices) {
  std::vector<std::string_view> allowed(choices);
  std::string names = join(allowed, " | ");
  return text_field(std::move(key), slot, [allowed, names](std::string_view text) -> Refusal {
    if (std::find(allowed.begin(), allowed.end(), text) != allowed.end()) return std::nullopt;
    return fmt::format("must be one of {}, got \"{}\"", names, text);
  });
}

Field duration_field(std::string key, Slot<Duration> slot, bool positive) {
  Field field{std::move(key), ValueKind::string, false, nullptr, nullptr};
  field.apply = [slot, positive](Config& config, const Value& value) -> Refusal {
    const auto& text = std::get<std::string>(value);
    std::optional<Duration> duration = parse_duration(text);
    if (!duration) {
      return fmt::format("\"{}\" is not a duration (an integer and ms, s, m, h or d)", text);
    }
    if (positive && duration->count() == 0) return "must be longer than zero";
    slot(config) = *duration;
    return std::nullopt;
  };
  return field;
}

template <class T>
Field integer_field(std::string key, Slot<T> slot, std::int64_t min) {
  constexpr auto kTypeMax = std::numeric_limits<T>::max();
  constexpr auto kInt64Max = std::numeric_limits<std::int64_t>::max();
  std::int64_t max = kTypeMax > static_cast<std::uint64_t>(kInt64Max)
                         ? kInt64Max
                         : static_cast<std::int64_t>(kTypeMax);
  Field field{std::move(key), ValueKind::integer, false, nullptr, nullptr};
  field.apply = [slot, min, max](Config& config, const Value& value) -> Refusal {
    std::int64_t number = std::get<std::int64_t>(value);
    if (number < min || number > max) {
      return fmt::format("must be between {} and {}, got {}", min, max, number);
    }
    slot(config) = static_cast<T>(number);
    return std::nullopt;
  };
  return field;
}

Field bool_field(std::string key, Slot<bool> slot) {
  Field field{std::move(key), ValueKind::boolean, false, nullptr, nullptr};
  field.apply = [slot](Config& config, const Value& value) -> Refusal {
    slot(config) = std::get<bool>(value);
    return std::nullopt;
  };
  return field;
}

Field listen_field() {
  Field field{"listen", ValueKind::string, false, nullptr, nullptr};
  field.apply = [](Config& config, const Value& value) -> Refusal {
    const auto& text = std::get<std::string>(value);
    std::optional<ListenAddress> address = parse_listen(text);
    if (!address) {
      return fmt::format("\"{}\" is not \"host:port\" or \"[ipv6]:port\" (port 0-65535)", text);
    }
    config.listen = *address;
    return std::nullopt;
  };
  return field;
}

Field trusted_proxies_field() {
  Field field{"trusted_proxies", ValueKind::string_list, false, nullptr, nullptr};
  field.check_item = [](std::string_view item) -> Refusal {
    if (Cidr::parse(item)) return std::nullopt;
    return fmt::format("\"{}\" is not an IPv4 or IPv6 address or CIDR range", item);
  };
  field.apply = [](Config& config, const Value& value) -> Refusal {
    config.trusted_proxies.clear();
    for (const std::string& item : std::get<std::vector<std::string>>(value)) {
      config.trusted_proxies.push_back(*Cidr::parse(item));
    }
    return std::nullopt;
  };
  return field;
}

Field cors_origins_field() {
  Field field{"http.cors_origins", ValueKind::string_list, false, nullptr, nullptr};
  field.check_item = [](std::string_view item) -> Refusal {
    if (item == "*" || starts_with_any(item, {"http://", "https://"})) return std::nullopt;
    return fmt::format("\"{}\" is not \"*\" or an http:// or https:// origin", item);
  };
  field.apply = [](Config& config, const Value& value) -> Refusal {
    config.http.cors_origins = std::get<std::vector<std::string>>(value);
    return std::nullopt;
  };
  return field;
}

std::vector<Field> make_fields() {
  // clang-format off
  return {
      listen_field(),
      url_field("database_url", [](Config& c) -> auto& { return c.database_url; },
                {"sqlite://", "postgres://", "postgresql://"}, false),
      url_field("redis_url", [](Config& c) -> auto& { return c.redis_url; },
                {"redis://", "rediss://"}, true),
      url_field("public_url", [](Config& c) -> auto& { return c.public_url; },
                {"http://", "https://"}, false),
      trusted_proxies_field(),

      integer_field<unsigned>("http.threads", [](Config& c) -> auto& { return c.http.threads; }, 0),
      integer_field<std::size_t>("http.max_header_bytes",
                                 [](Config& c) -> auto& { return c.http.max_header_bytes; }, 1),
      integer_field<std::size_t>("http.max_body_bytes",
                                 [](Config& c) -> auto& { return c.http.max_body_bytes; }, 1),
      duration_field("http.header_timeout",
                     [](Config& c) -> auto& { return c.http.header_timeout; }, true),
      duration_field("http.body_timeout",
                     [](Config& c) -> auto& { return c.http.body_timeout; }, true),
      duration_field("http.idle_timeout",
                     [](Config& c) -> auto& { return c.http.idle_timeout; }, true),
      duration_field("http.write_timeout",
                     [](Config& c) -> auto& { return c.http.write_timeout; }, true),
      duration_field("http.shutdown_grace",
                     [](Config& c) -> auto& { return c.http.shutdown_grace; }, false),
      cors_origins_field(),
      integer_field<unsigned>("http.blocking_threads",
                              [](Config& c) -> auto& { return c.http.blocking_threads; }, 0),
      integer_field<std::size_t>("http.blocking_queue_limit",
                                 [](Config& c) -> auto& { return c.http.blocking_queue_limit; }, 0),

      choice_field("log.level", [](Config& c) -> auto& { return c.log.level; },
                   {"trace", "debug", "info", "warn", "error", "off"}),
      choice_field("log.format", [](Config& c) -> auto& { return c.log.format; },
                   {"text", "json"}),
      bool_field("log.access", [](Config& c) -> auto& { return c.log.access; }),

      duration_field("database.busy_timeout",
                     [](Config& c) -> auto& { return c.database.busy_timeout; }, false),
      integer_field<unsigned>("database.max_connections",
                              [](Config& c) -> auto& { return c.database.max_connections; }, 0),

      duration_field("auth.access_token_ttl",
                     [](Config& c) -> auto& { return c.auth.access_token_ttl; }, true),
      duration_field("auth.refresh_token_ttl",
                     [](Config& c) -> auto& { return c.auth.refresh_token_ttl; }, true),
      integer_field<std::uint32_t>("auth.argon2_memory_kib",
                                   [](Config& c) -> auto& { return c.auth.argon2_memory_kib; }, 8),
      integer_field<std::uint32_t>("auth.argon2_passes",
                                   [](Config& c) -> auto& { return c.auth.argon2_passes; }, 1),
      // The HS256 key: at least 32 bytes, as JwtCodec requires.
      secret_field("auth.jwt_secret", [](Config& c) -> auto& { return c.auth.jwt_secret; }, 32),

      choice_field("mail.transport", [](Config& c) -> auto& { return c.mail.transport; },
                   {"log", "smtp"}),
      url_field("mail.smtp_url", [](Config& c) -> auto& { return c.mail.smtp_url; },
                {"smtp://", "smtps://"}, false),
      text_field("mail.smtp_username", [](Config& c) -> auto& { return c.mail.smtp_username; }),
      secret_field("mail.smtp_password", [](Config& c) -> auto& { return c.mail.smtp_password; }),
      non_empty_field("mail.from", [](Config& c) -> auto& { return c.mail.from; }),
      non_empty_field("mail.support_inbox",
                      [](Config& c) -> auto& { return c.mail.support_inbox; }),

      text_field("oauth.google.client_id", [](Config& c) -> auto& { return c.google.client_id; }),
      secret_field("oauth.google.client_secret",
                   [](Config& c) -> auto& { return c.google.client_secret; }),
      url_field("oauth.google.issuer", [](Config& c) -> auto& { return c.google.issuer; },
                {"https://", "http://"}, false),

      duration_field("upstream.connect_timeout",
                     [](Config& c) -> auto& { return c.upstream.connect_timeout; }, true),
      duration_field("upstream.first_byte_timeout",
                     [](Config& c) -> auto& { return c.upstream.first_byte_timeout; }, true),
      duration_field("upstream.idle_timeout",
                     [](Config& c) -> auto& { return c.upstream.idle_timeout; }, true),
      integer_field<unsigned>(
          "upstream.max_connections_per_origin",
          [](Config& c) -> auto& { return c.upstream.max_connections_per_origin; }, 1),
      integer_field<unsigned>("upstream.max_idle_per_origin",
                              [](Config& c) -> auto& { return c.upstream.max_idle_per_origin; }, 0),
      duration_field("upstream.pool_idle_timeout",
                     [](Config& c) -> auto& { return c.upstream.pool_idle_timeout; }, true),
      text_field("upstream.ca_file", [](Config& c) -> auto& { return c.upstream.ca_file; }),
      integer_field<unsigned>("upstream.failure_threshold",
                              [](Config& c) -> auto& { return c.upstream.failure_threshold; }, 1),
      duration_field("upstream.cooldown",
                     [](Config& c) -> auto& { return c.upstream.cooldown; }, false),
      integer_field<std::uint32_t>(
          "upstream.anthropic_max_tokens",
          [](Config& c) -> auto& { return c.upstream.anthropic_max_tokens; }, 1),

      non_empty_field("defaults.plan", [](Config& c) -> auto& { return c.default_plan; }),
  };
  // clang-format on
}

}  // namespace

const std::vector<Field>& config_fields() {
  static const std::vector<Field> fields = make_fields();
  return fields;
}

const Field* find_field(std::string_view key) {
  for (const Field& field : config_fields()) {
    if (field.key == key) return &field;
  }
  return nullptr;
}

bool is_section(std::string_view prefix) {
  for (const Field& field : config_fields()) {
    std::string_view key = field.key;
    if (key.size() > prefix.size() && key.starts_with(prefix) && key[prefix.size()] == '.') {
      return true;
    }
  }
  return false;
}

std::string env_name(std::string_view key) {
  std::string name = "VEYRA_";
  for (char c : key) {
    if (c == '.') {
      name += "__";
    } else {
      name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  return name;
}

std::string_view kind_name(ValueKind kind) {
  switch (kind) {
    case ValueKind::string:
      return "a string";
    case ValueKind::integer:
      return "an integer";
    case ValueKind::boolean:
      return "a boolean";
    case ValueKind::string_list:
      return "an array of strings";
  }
  return "a value";
}

Origin LoadState::origin_of(const std::string& key) const {
  auto found = origins.find(key);
  if (found != origins.end()) return found->second;
  return Origin{file, 0, key};
}

}  // namespace veyra::config_internal
