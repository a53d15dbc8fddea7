// Veyra's configuration: defaults that run with no file, a TOML file (--config), then
// VEYRA_* environment overrides. Loading validates everything up front; a bad start is
// reported as ConfigError lines (file, line, key, reason) and the process exits with 2.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cidr.h"

namespace veyra {

using Duration = std::chrono::milliseconds;

// "host:port" or "[v6]:port"; port 0 asks the kernel for a free port.
struct ListenAddress {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
};

struct HttpConfig {
  unsigned threads = 0;                      // I/O threads; 0 = one per core
  std::size_t max_header_bytes = 16 * 1024;  // request line + headers
  std::size_t max_body_bytes = 1024 * 1024;  // default per-route body limit
  Duration header_timeout = std::chrono::seconds(10);
  Duration body_timeout = std::chrono::seconds(30);
  Duration idle_timeout = std::chrono::seconds(60);    // keep-alive wait between requests
  Duration write_timeout = std::chrono::seconds(30);   // one write of a response
  Duration shutdown_grace = std::chrono::seconds(25);  // drain deadline on SIGTERM/SIGINT
  std::vector<std::string> cors_origins;               // empty = CORS off; "*" = any origin
  unsigned blocking_threads = 0;                       // blocking pool size; 0 = max(4, cores)
  std::size_t blocking_queue_limit = 1024;  // queued jobs beyond this get 503 server_busy
};

struct LogConfig {
  std::string level = "info";   // trace | debug | info | warn | error | off
  std::string format = "text";  // text | json
  bool access = true;           // one line per request
};

struct DatabaseConfig {
  Duration busy_timeout = std::chrono::seconds(5);
  unsigned max_connections = 0;  // 0 = the blocking pool size
};

struct AuthConfig {
  Duration access_token_ttl = std::chrono::minutes(15);
  Duration refresh_token_ttl = std::chrono::hours(24 * 30);
  std::uint32_t argon2_memory_kib = 19456;
  std::uint32_t argon2_passes = 2;
  std::string jwt_secret;  // from jwt_secret / jwt_secret_env; empty = generated and stored
};

struct MailConfig {
  std::string transport = "log";  // log | smtp
  std::string smtp_url = "smtp://127.0.0.1:2525";
  std::string smtp_username;
  std::string smtp_password;  // from smtp_password / smtp_password_env
  std::string from = "Veyra <no-reply@localhost>";
  std::string support_inbox = "support@localhost";
};

struct GoogleOAuthConfig {
  std::string client_id;      // empty = Google sign-in off
  std::string client_secret;  // from client_secret / client_secret_env
  std::string issuer = "https://accounts.google.com";
};

// How Veyra talks to providers: timeouts, connection pools, TLS trust and cooldowns.
struct UpstreamConfig {
  Duration connect_timeout = std::chrono::seconds(5);     // TCP connect plus TLS handshake
  Duration first_byte_timeout = std::chrono::minutes(5);  // request sent -> response headers
  Duration idle_timeout = std::chrono::minutes(2);        // silence inside a body or stream
  unsigned max_connections_per_origin = 256;  // open at once, per I/O thread; more calls wait
  unsigned max_idle_per_origin = 64;          // kept alive between calls, per I/O thread
  Duration pool_idle_timeout = std::chrono::seconds(60);  // an idle connection is then closed
  std::string ca_file;  // PEM bundle trusted instead of the system store; empty = system store
  unsigned failure_threshold = 3;  // consecutive failures that put a deployment in cooldown
  Duration cooldown = std::chrono::seconds(30);
  std::uint32_t anthropic_max_tokens = 4096;  // max_tokens sent when the caller gives none
};

struct ProviderConfig {
  std::string id;
  std::string type;  // openai | anthropic
  std::string base_url;
  std::string api_key;  // from api_key / api_key_env; may be empty
  int line = 0;         // where it was declared, for later cross-checks
};

struct DeploymentConfig {
  std::string provider;  // a ProviderConfig id
  std::string model;     // the upstream model name
  unsigned weight = 1;
};

struct ModelConfig {
  std::string id;                         // the public id clients send
  std::vector<std::string> capabilities;  // chat | embeddings | images | audio
  std::vector<DeploymentConfig> deployments;
  int line = 0;
};

struct PlanConfig {
  std::vector<std::string> models;        // "*" = every model
  std::uint64_t requests_per_minute = 0;  // 0 = unlimited
  std::uint64_t tokens_per_minute = 0;
  std::uint64_t monthly_tokens = 0;
};

struct Config {
  ListenAddress listen;
  std::string database_url = "sqlite://./veyra.db";
  std::string redis_url;  // empty = one node
  std::string public_url = "http://127.0.0.1:8080";
  std::vector<Cidr> trusted_proxies;
  HttpConfig http;
  LogConfig log;
  DatabaseConfig database;
  AuthConfig auth;
  MailConfig mail;
  GoogleOAuthConfig google;
  UpstreamConfig upstream;
  std::vector<ProviderConfig> providers;
  std::vector<ModelConfig> models;
  std::map<std::string, PlanConfig> plans;  // always holds default_plan
  std::string default_plan = "free";
};

// One reason the configuration cannot be used. `file` is the config path, or
// "environment" for a VEYRA_* variable (then `key` is the variable name).
struct ConfigError {
  std::string file;
  int line = 0;  // 0 when unknown
  std::string key;
  std::string reason;

  // "FILE:LINE: KEY: REASON" (":LINE" left out when unknown, "KEY: " when empty, as for
  // a file that cannot be read or parsed).
  std::string to_string() const;
};

struct ConfigLoad {
  std::optional<Config> config;     // set when errors is empty
  std::vector<ConfigError> errors;  // every problem found, in file order
};

// Looks up an environment variable; tests pass a map-backed function.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
// Reads the process environment (std::getenv).
EnvLookup process_env();
// Lists the names of all VEYRA_* variables in the process environment.
std::vector<std::string> process_veyra_env_names();

// Loads the configuration: defaults, then the file at `path` when given (nullopt or empty =
// no file), then VEYRA_* overrides (VEYRA_LISTEN, VEYRA_AUTH__ACCESS_TOKEN_TTL, ... read
// through `env`). Every name in `veyra_env_names` must be an override or a variable named
// by a *_env key of the file. Never throws; all problems are in the result's errors.
ConfigLoad load_config(const std::optional<std::string>& path, const EnvLookup& env,
                       const std::vector<std::string>& veyra_env_names);

// Parses "250ms", "2s", "15m", "3h", "30d" (a non-negative integer and a unit); nothing
// for a sign, a missing or other unit, or a value too large for Duration.
std::optional<Duration> parse_duration(std::string_view text);

// Parses "host:port" or "[v6]:port" (host: a DNS name or IPv4; port 0-65535). The host
// is returned without brackets.
std::optional<ListenAddress> parse_listen(std::string_view text);

}  // namespace veyra
