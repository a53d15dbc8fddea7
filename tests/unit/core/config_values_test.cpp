// Parsers of single configuration values (durations, listen addresses), error text, and
// the JWT secret rule.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "core/config.h"

namespace veyra {
namespace {

using namespace std::chrono_literals;

TEST(ConfigErrorText, LineIsLeftOutWhenUnknown) {
  ConfigError with_line{"veyra.toml", 7, "auth.argon2_passes", "must be between 1 and 9"};
  ConfigError without_line{"environment", 0, "VEYRA_X", "unknown environment variable"};

  EXPECT_EQ(with_line.to_string(), "veyra.toml:7: auth.argon2_passes: must be between 1 and 9");
  EXPECT_EQ(without_line.to_string(), "environment: VEYRA_X: unknown environment variable");
}

TEST(ParseDuration, AcceptsEveryUnit) {
  const std::pair<std::string_view, Duration> cases[] = {
      {"250ms", 250ms},
      {"2s", 2s},
      {"15m", 15min},
      {"3h", 3h},
      {"30d", std::chrono::hours(24 * 30)},
      {"0s", 0ms},
      {"007s", 7s},
  };

  for (const auto& [text, expected] : cases) {
    EXPECT_EQ(parse_duration(text), expected) << text;
  }
}

TEST(ParseDuration, RejectsMalformedText) {
  const std::string_view cases[] = {
      "",
      "s",
      "10",
      "-1s",
      "+1s",
      "1.5s",
      "1 s",
      " 1s",
      "1s ",
      "1w",
      "1us",
      "1S",
      "1sec",
      "99999999999999999999s",
      "9223372036854775807s",
      "106751991167301d",
  };

  for (std::string_view text : cases) {
    EXPECT_EQ(parse_duration(text), std::nullopt) << text;
  }
}

TEST(ParseListen, AcceptsHostPortAndBracketedIpv6) {
  auto v4 = parse_listen("0.0.0.0:443");
  auto name = parse_listen("localhost:65535");
  auto v6 = parse_listen("[::1]:0");
  auto mapped = parse_listen("[::ffff:10.1.2.3]:8080");

  ASSERT_TRUE(v4 && name && v6 && mapped);
  EXPECT_EQ(v4->host, "0.0.0.0");
  EXPECT_EQ(v4->port, 443);
  EXPECT_EQ(name->host, "localhost");
  EXPECT_EQ(name->port, 65535);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  EXPECT_EQ(mapped->host, "::ffff:10.1.2.3");
}

TEST(ParseListen, RejectsMalformedText) {
  const std::string_view cases[] = {
      "",        "8080",         ":8080",        "127.0.0.1",    "127.0.0.1:",
      "host:-1", "host:65536",   "host:80x",     "::1:8080",     "[::1]8080",
      "[::1]:",  "[nothost]:80", "[1.2.3.4]:80", "1.2.3.999:80", "bad_host:80",
  };

  for (std::string_view text : cases) {
    EXPECT_EQ(parse_listen(text), std::nullopt) << text;
  }
}

TEST(ConfigJwtSecret, ShorterThan32BytesIsRefusedWithoutEchoingIt) {
  std::vector<std::string> names = {"VEYRA_AUTH__JWT_SECRET"};
  EnvLookup env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "VEYRA_AUTH__JWT_SECRET") return "too-short-secret";
    return std::nullopt;
  };

  ConfigLoad load = load_config(std::nullopt, env, names);

  ASSERT_FALSE(load.config);
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_EQ(load.errors[0].key, "VEYRA_AUTH__JWT_SECRET");
  EXPECT_NE(load.errors[0].reason.find("at least 32"), std::string::npos);
  EXPECT_EQ(load.errors[0].to_string().find("too-short-secret"), std::string::npos);
}

}  // namespace
}  // namespace veyra
