// Value parsers shared by the configuration (durations, listen addresses), the error text,
// and the checks that need the whole configuration.
#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>

#include "core/config.h"
#include "core/config_internal.h"

namespace veyra {
namespace {

constexpr std::string_view kBuiltinModelIds[] = {"veyra-echo", "veyra-embed", "veyra-sphinx"};
constexpr std::size_t kMaxHostNameLength = 253;

struct DurationUnit {
  std::string_view suffix;
  std::int64_t milliseconds;
};

constexpr DurationUnit kDurationUnits[] = {
    {"ms", 1}, {"s", 1000}, {"m", 60 * 1000}, {"h", 60 * 60 * 1000}, {"d", 24 * 60 * 60 * 1000},
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// A DNS name or a dotted IPv4 address; anything that looks numeric must be a real IPv4.
bool is_host(std::string_view host) {
  if (host.empty() || host.size() > kMaxHostNameLength) return false;
  bool numeric = true;
  for (char c : host) {
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!letter && !is_digit(c) && c != '-' && c != '.') return false;
    if (letter || c == '-') numeric = false;
  }
  if (!numeric) return true;
  std::string text(host);
  in_addr address;
  return inet_pton(AF_INET, text.c_str(), &address) == 1;
}

bool is_ipv6(std::string_view host) {
  std::string text(host);
  in6_addr address;
  return inet_pton(AF_INET6, text.c_str(), &address) == 1;
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned port = 0;
  const char* end = text.data() + text.size();
  auto [stop, ec] = std::from_chars(text.data(), end, port);
  if (ec != std::errc() || stop != end || port > std::numeric_limits<std::uint16_t>::max()) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(port);
}

}  // namespace

std::string ConfigError::to_string() const {
  std::string out = file;
  if (line > 0) out += fmt::format(":{}", line);
  out += ": ";
  if (!key.empty()) out += fmt::format("{}: ", key);
  out += reason;
  return out;
}

std::optional<Duration> parse_duration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && is_digit(text[digits])) ++digits;
  if (digits == 0 || digits == text.size()) return std::nullopt;

  std::uint64_t amount = 0;
  auto [stop, ec] = std::from_chars(text.data(), text.data() + digits, amount);
  if (ec != std::errc()) return std::nullopt;

  std::string_view suffix = text.substr(digits);
  for (const DurationUnit& unit : kDurationUnits) {
    if (unit.suffix != suffix) continue;
    constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<Duration::rep>::max());
    if (amount > kMax / static_cast<std::uint64_t>(unit.milliseconds)) return std::nullopt;
    return Duration(static_cast<Duration::rep>(amount) * unit.milliseconds);
  }
  return std::nullopt;
}

std::optional<ListenAddress> parse_listen(std::string_view text) {
  std::string_view host;
  std::string_view port_text;
  if (text.starts_with('[')) {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
    if (!is_ipv6(host)) return std::nullopt;
  } else {
    std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (!is_host(host)) return std::nullopt;
  }

  std::optional<std::uint16_t> port = parse_port(port_text);
  if (!port) return std::nullopt;
  return ListenAddress{std::string(host), *port};
}

namespace config_internal {

bool is_builtin_model(std::string_view id) {
  return std::find(std::begin(kBuiltinModelIds), std::end(kBuiltinModelIds), id) !=
         std::end(kBuiltinModelIds);
}

PlanConfig builtin_free_plan() {
  // With no [plans] the operator has asked for no restriction: every model (on a fresh
  // install, the built-in ones), no limits. Plans written in the file replace it.
  PlanConfig plan;
  plan.models = {"*"};
  return plan;
}

void check_references(LoadState& state) {
  const Config& config = state.config;
  auto fail = [&](const Origin& origin, std::string reason) {
    state.errors.push_back({origin.file, origin.line, origin.key, std::move(reason)});
  };

  for (const Reference& ref : state.deployment_providers) {
    bool known =
        std::any_of(config.providers.begin(), config.providers.end(),
                    [&](const ProviderConfig& provider) { return provider.id == ref.name; });
    if (!known) {
      fail({state.file, ref.line, ref.key},
           fmt::format("no provider \"{}\" is declared in [[providers]]", ref.name));
    }
  }

  for (const Reference& ref : state.plan_models) {
    bool known = ref.name == "*" || is_builtin_model(ref.name) ||
                 std::any_of(config.models.begin(), config.models.end(),
                             [&](const ModelConfig& model) { return model.id == ref.name; });
    if (!known) {
      fail({state.file, ref.line, ref.key},
           fmt::format("no model \"{}\": use \"*\", a built-in id or an id from [[models]]",
                       ref.name));
    }
  }

  if (!config.plans.contains(config.default_plan)) {
    fail(state.origin_of("defaults.plan"),
         fmt::format("plan \"{}\" is not defined in [plans]", config.default_plan));
  }

  if (!config.google.client_id.empty() && config.google.client_secret.empty()) {
    fail(state.origin_of("oauth.google.client_id"),
         "Google sign-in needs oauth.google.client_secret or client_secret_env");
  }
}

}  // namespace config_internal
}  // namespace veyra
