#include "core/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace veyra {
namespace {

using namespace std::chrono_literals;
using EnvMap = std::map<std::string, std::string>;

// The example of DESIGN.md "Configuration" (one comment shortened to fit 100 columns).
constexpr std::string_view kDesignExample = R"(listen = "127.0.0.1:8080"
database_url = "sqlite://./veyra.db"        # or "postgres://user:pass@host/db"
redis_url = ""                               # e.g. "redis://127.0.0.1:6379"; empty = one node
public_url = "http://127.0.0.1:8080"         # used in email links
trusted_proxies = []                          # CIDRs whose X-Forwarded-For is believed

[auth]
access_token_ttl = "15m"
refresh_token_ttl = "30d"
argon2_memory_kib = 19456
argon2_passes = 2

[mail]
transport = "log"                             # or "smtp"
smtp_url = "smtp://127.0.0.1:2525"            # smtps:// for implicit TLS
from = "Veyra <no-reply@localhost>"
support_inbox = "support@localhost"

[oauth.google]
client_id = ""
client_secret_env = "GOOGLE_CLIENT_SECRET"
issuer = "https://accounts.google.com"        # discovery at issuer + /.well-known/...

[[providers]]
id = "openai"
type = "openai"                               # openai | anthropic
base_url = "https://api.openai.com/v1"
api_key_env = "OPENAI_API_KEY"

[[models]]
id = "gpt-5.4-mini"                           # the public id clients send
capabilities = ["chat"]                       # chat | embeddings | images | audio
deployments = [{ provider = "openai", model = "gpt-5.4-mini", weight = 1 }]

[plans.free]                                  # new users get default_plan
models = ["veyra-echo", "veyra-embed", "veyra-sphinx"]   # "*" = every model
requests_per_minute = 60
tokens_per_minute = 100000
monthly_tokens = 2000000

[defaults]
plan = "free"
)";

// One provider and one model, for tests about the records.
constexpr std::string_view kOneModel = R"([[providers]]
id = "openai"
type = "openai"
base_url = "https://api.openai.com/v1"
api_key = "sk-literal"

[[models]]
id = "gpt-mini"
capabilities = ["chat"]
deployments = [{ provider = "openai", model = "gpt-5.4-mini" }]
)";

EnvLookup lookup(EnvMap vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto found = vars.find(std::string(name));
    if (found == vars.end()) return std::nullopt;
    return found->second;
  };
}

std::vector<std::string> veyra_names(const EnvMap& vars) {
  std::vector<std::string> names;
  for (const auto& [name, value] : vars) {
    if (name.starts_with("VEYRA_")) names.push_back(name);
  }
  return names;
}

ConfigLoad load_env_only(const EnvMap& vars) {
  return load_config(std::nullopt, lookup(vars), veyra_names(vars));
}

std::string describe(const ConfigLoad& load) {
  std::string out;
  for (const ConfigError& error : load.errors) out += error.to_string() + "\n";
  return out;
}

const ConfigError* find_error(const ConfigLoad& load, std::string_view key) {
  for (const ConfigError& error : load.errors) {
    if (error.key == key) return &error;
  }
  return nullptr;
}

// Each test writes its config files into a fresh directory removed afterwards.
class ConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "veyra-config-XXXXXX");
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }

  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(std::string_view text) {
    std::string path = (dir_ / "veyra.toml").string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  ConfigLoad load(std::string_view text, const EnvMap& vars = {}) {
    path_ = write(text);
    return load_config(path_, lookup(vars), veyra_names(vars));
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST(ConfigDefaults, NoFileGivesDefaults) {
  ConfigLoad load = load_env_only({});

  ASSERT_TRUE(load.config) << describe(load);
  const Config& config = *load.config;
  EXPECT_EQ(config.listen.host, "127.0.0.1");
  EXPECT_EQ(config.listen.port, 8080);
  EXPECT_EQ(config.database_url, "sqlite://./veyra.db");
  EXPECT_EQ(config.public_url, "http://127.0.0.1:8080");
  EXPECT_EQ(config.auth.access_token_ttl, 15min);
  EXPECT_EQ(config.auth.refresh_token_ttl, std::chrono::hours(24 * 30));
  EXPECT_EQ(config.http.max_header_bytes, 16u * 1024);
  EXPECT_EQ(config.log.level, "info");
  EXPECT_TRUE(config.providers.empty());
  EXPECT_EQ(config.default_plan, "free");
}

TEST(ConfigDefaults, DefaultPlanIsFreeWithEveryModelAndNoLimits) {
  ConfigLoad load = load_config(std::string(), lookup({}), {});

  ASSERT_TRUE(load.config) << describe(load);
  ASSERT_EQ(load.config->plans.size(), 1u);
  const PlanConfig& free = load.config->plans.at("free");
  EXPECT_EQ(free.models, (std::vector<std::string>{"*"}));
  EXPECT_EQ(free.requests_per_minute, 0u);
  EXPECT_EQ(free.tokens_per_minute, 0u);
  EXPECT_EQ(free.monthly_tokens, 0u);
}

TEST_F(ConfigFileTest, DesignExampleLoads) {
  EnvMap vars = {{"OPENAI_API_KEY", "sk-test"}, {"GOOGLE_CLIENT_SECRET", "google-secret"}};

  ConfigLoad load = this->load(kDesignExample, vars);

  ASSERT_TRUE(load.config) << describe(load);
  const Config& config = *load.config;
  EXPECT_EQ(config.google.client_secret, "google-secret");
  ASSERT_EQ(config.providers.size(), 1u);
  EXPECT_EQ(config.providers[0].api_key, "sk-test");
  EXPECT_EQ(config.providers[0].line, 24);
  ASSERT_EQ(config.models.size(), 1u);
  EXPECT_EQ(config.models[0].id, "gpt-5.4-mini");
  EXPECT_EQ(config.models[0].capabilities, std::vector<std::string>{"chat"});
  ASSERT_EQ(config.models[0].deployments.size(), 1u);
  EXPECT_EQ(config.models[0].deployments[0].provider, "openai");
  EXPECT_EQ(config.plans.at("free").monthly_tokens, 2000000u);
  EXPECT_EQ(config.auth.refresh_token_ttl, std::chrono::hours(24 * 30));
}

TEST_F(ConfigFileTest, ExtraSectionsLoad) {
  std::string_view text = R"(trusted_proxies = ["10.0.0.0/8", "::1"]
[http]
threads = 4
max_body_bytes = 2048
header_timeout = "250ms"
cors_origins = ["https://app.example"]
[log]
level = "debug"
format = "json"
access = false
[database]
busy_timeout = "2s"
max_connections = 8
)";

  ConfigLoad load = this->load(text);

  ASSERT_TRUE(load.config) << describe(load);
  const Config& config = *load.config;
  ASSERT_EQ(config.trusted_proxies.size(), 2u);
  EXPECT_EQ(config.trusted_proxies[0].prefix_bits, 104u);
  EXPECT_EQ(config.http.threads, 4u);
  EXPECT_EQ(config.http.max_body_bytes, 2048u);
  EXPECT_EQ(config.http.header_timeout, 250ms);
  EXPECT_EQ(config.http.cors_origins, std::vector<std::string>{"https://app.example"});
  EXPECT_EQ(config.log.format, "json");
  EXPECT_FALSE(config.log.access);
  EXPECT_EQ(config.database.busy_timeout, 2s);
  EXPECT_EQ(config.database.max_connections, 8u);
}

TEST_F(ConfigFileTest, UnknownKeyReportsFileLineAndKey) {
  ConfigLoad load = this->load("[auth]\naccess_token_ttl = \"15m\"\ncolour = 1\n");

  ASSERT_EQ(load.errors.size(), 1u) << describe(load);
  const ConfigError& error = load.errors[0];
  EXPECT_EQ(error.file, path_);
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.key, "auth.colour");
  EXPECT_EQ(error.to_string(), path_ + ":3: auth.colour: unknown key");
  EXPECT_FALSE(load.config);
}

TEST_F(ConfigFileTest, UnknownKeysInsideRecordsAreReported) {
  std::string text(kOneModel);
  text += "[[providers]]\nid = \"b\"\ntype = \"openai\"\nbase_url = \"http://b\"\nregion = 1\n";
  text += "[[models]]\nid = \"m\"\ncapabilities = [\"chat\"]\n";
  text += "deployments = [{ provider = \"b\", model = \"x\", priority = 2 }]\n";
  text += "[plans.pro]\nmodels = [\"*\"]\nburst = 5\n[defaults]\nplan = \"pro\"\n[cache]\n";

  ConfigLoad load = this->load(text);

  EXPECT_EQ(load.errors.size(), 4u) << describe(load);
  EXPECT_NE(find_error(load, "providers[1].region"), nullptr);
  EXPECT_NE(find_error(load, "models[1].deployments[0].priority"), nullptr);
  EXPECT_NE(find_error(load, "plans.pro.burst"), nullptr);
  EXPECT_NE(find_error(load, "cache"), nullptr);
}

TEST_F(ConfigFileTest, WrongTypeIsReported) {
  ConfigLoad load = this->load("listen = 8080\n[http]\nthreads = \"4\"\n[log]\naccess = \"yes\"\n");

  ASSERT_EQ(load.errors.size(), 3u) << describe(load);
  EXPECT_EQ(load.errors[0].key, "listen");
  EXPECT_EQ(load.errors[0].reason, "expected a string, got an integer");
  EXPECT_EQ(load.errors[1].key, "http.threads");
  EXPECT_EQ(load.errors[1].reason, "expected an integer, got a string");
  EXPECT_EQ(load.errors[2].reason, "expected a boolean, got a string");
}

TEST_F(ConfigFileTest, BadDurationIsReported) {
  ConfigLoad load = this->load("[auth]\naccess_token_ttl = \"15 minutes\"\n");

  ASSERT_EQ(load.errors.size(), 1u) << describe(load);
  EXPECT_EQ(load.errors[0].line, 2);
  EXPECT_EQ(load.errors[0].key, "auth.access_token_ttl");
  EXPECT_NE(load.errors[0].reason.find("\"15 minutes\" is not a duration"), std::string::npos);
}

TEST_F(ConfigFileTest, ZeroTtlIsRejected) {
  ConfigLoad load = this->load("[auth]\nrefresh_token_ttl = \"0d\"\n");

  ASSERT_EQ(load.errors.size(), 1u) << describe(load);
  EXPECT_EQ(load.errors[0].key, "auth.refresh_token_ttl");
  EXPECT_EQ(load.errors[0].reason, "must be longer than zero");
}

TEST_F(ConfigFileTest, CollectsEveryErrorInLineOrder) {
  std::string_view text = R"(listen = "nowhere"
database_url = "mysql://db"
public_url = "ftp://x"
[auth]
argon2_memory_kib = 4
argon2_passes = 0
[http]
max_header_bytes = 0
max_body_bytes = 0
[log]
level = "loud"
)";

  ConfigLoad load = this->load(text);

  ASSERT_EQ(load.errors.size(), 8u) << describe(load);
  std::vector<int> lines;
  for (const ConfigError& error : load.errors) lines.push_back(error.line);
  EXPECT_EQ(lines, (std::vector<int>{1, 2, 3, 5, 6, 8, 9, 11}));
  EXPECT_EQ(load.errors[1].reason, "must start with sqlite:// or postgres:// or postgresql://");
}

TEST_F(ConfigFileTest, SyntaxErrorGivesOneError) {
  ConfigLoad load = this->load("[auth]\naccess_token_ttl = \n[mail\n");

  ASSERT_EQ(load.errors.size(), 1u) << describe(load);
  EXPECT_EQ(load.errors[0].file, path_);
  EXPECT_EQ(load.errors[0].line, 2);
  EXPECT_FALSE(load.errors[0].reason.empty());
}

TEST_F(ConfigFileTest, MissingFileGivesOneError) {
  std::string path = (dir_ / "absent.toml").string();

  ConfigLoad load = load_config(path, lookup({}), {});

  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_EQ(load.errors[0].file, path);
  EXPECT_EQ(load.errors[0].line, 0);
  EXPECT_NE(load.errors[0].to_string().find("No such file"), std::string::npos);
}

TEST_F(ConfigFileTest, DeploymentNamingUnknownProviderIsReported) {
  std::string text(kOneModel);
  text += "[[models]]\nid = \"claude\"\ncapabilities = [\"chat\"]\n";
  text += "deployments = [{ provider = \"openai\", model = \"a\" },\n";
  text += "               { provider = \"anthropic\", model = \"b\" }]\n";

  ConfigLoad load = this->load(text);

  ASSERT_EQ(load.errors.size(), 1u) << describe(load);
  EXPECT_EQ(load.errors[0].key, "models[1].deployments[1].provider");
  EXPECT_EQ(load.errors[0].line, 15);
  EXPECT_NE(load.errors[0].reason.find("\"anthropic\""), std::string::npos);
}

TEST_F(ConfigFileTest, DeploymentWeightDefaultsToOneAndMustBePositive) {
  std::string bad(kOneModel);
  bad += "[[models]]\nid = \"m2\"\ncapabilities = [\"chat\"]\n";
  bad += "deployments = [{ provider = \"openai\", model = \"a\", weight = 0 }]\n";

  ConfigLoad good = this->load(kOneModel);
  ConfigLoad rejected = this->load(bad);

  ASSERT_TRUE(good.config) << describe(good);
  EXPECT_EQ(good.config->models[0].deployments[0].weight, 1u);
  ASSERT_EQ(rejected.errors.size(), 1u) << describe(rejected);
  EXPECT_EQ(rejected.errors[0].key, "models[1].deployments[0].weight");
}

TEST_F(ConfigFileTest, DuplicateAndBuiltinIdsAreReported) {
  std::string text(kOneModel);
  text += "[[providers]]\nid = \"openai\"\ntype = \"anthropic\"\nbase_url = \"https://a\"\n";
  text += "[[models]]\nid = \"gpt-mini\"\ncapabilities = [\"chat\"]\n";
  text += "deployments = [{ provider = \"openai\", model = \"a\" }]\n";
  text += "[[models]]\nid = \"veyra-echo\"\ncapabilities = [\"chat\"]\n";
  text += "deployments = [{ provider = \"openai\", model = \"a\" }]\n";

  ConfigLoad load = this->load(text);

  ASSERT_EQ(load.errors.size(), 3u) << describe(load);
  EXPECT_EQ(load.errors[0].key, "providers[1].id");
  EXPECT_EQ(load.errors[0].reason, "provider id \"openai\" is already used on line 1");
  EXPECT_EQ(load.errors[1].key, "models[1].id");
  EXPECT_EQ(load.errors[2].key, "models[2].id");
}

TEST_F(ConfigFileTest, CapabilitiesMustBeKnownAndNonEmpty) {
  std::string text(kOneModel);
  text += "[[models]]\nid = \"a\"\ncapabilities = []\n";
  text += "deployments = [{ provider = \"openai\", model = \"a\" }]\n";
  text += "[[models]]\nid = \"b\"\ncapabilities = [\"chat\", \"video\"]\n";
  text += "deployments = [{ provider = \"openai\", model = \"b\" }]\n";

  ConfigLoad load = this->load(text);

  ASSERT_EQ(load.errors.size(), 2u) << describe(load);
  EXPECT_EQ(load.errors[0].key, "models[1].capabilities");
  EXPECT_EQ(load.errors[1].key, "models[2].capabilities[1]");
}

TEST_F(ConfigFileTest, PlanModelsMustExist) {
  std::string text(kOneModel);
  text += "[plans.pro]\nmodels = [\"gpt-mini\", \"veyra-echo\", \"*\", \"gpt-9\"]\n";
  text += "[defaults]\nplan = \"pro\"\n";

  ConfigLoad load = this->load(text);

  ASSERT_EQ(load.errors.size(), 1u) << describe(load);
  EXPECT_EQ(load.errors[0].key, "plans.pro.models[3]");
  EXPECT_EQ(load.errors[0].line, 12);
}

TEST_F(ConfigFileTest, DefaultPlanMustNameAPlan) {
  ConfigLoad implicit = this->load("[plans.pro]\nmodels = [\"*\"]\n");
  ConfigLoad explicit_plan = this->load("[defaults]\nplan = \"gold\"\n");

  ASSERT_EQ(implicit.errors.size(), 1u) << describe(implicit);
  EXPECT_EQ(implicit.errors[0].key, "defaults.plan");
  EXPECT_EQ(implicit.errors[0].line, 0);
  ASSERT_EQ(explicit_plan.errors.size(), 1u) << describe(explicit_plan);
  EXPECT_EQ(explicit_plan.errors[0].line, 2);
  EXPECT_EQ(explicit_plan.errors[0].reason, "plan \"gold\" is not defined in [plans]");
}

TEST_F(ConfigFileTest, TrustedProxyEntriesAreChecked) {
  ConfigLoad load = this->load("trusted_proxies = [\n  \"10.0.0.0/8\",\n  \"10.0.0.0/33\",\n]\n");

  ASSERT_EQ(load.errors.size(), 1u) << describe(load);
  EXPECT_EQ(load.errors[0].key, "trusted_proxies[1]");
  EXPECT_EQ(load.errors[0].line, 3);
}

TEST_F(ConfigFileTest, SecretIsReadFromNamedVariable) {
  std::string_view text = "[auth]\njwt_secret_env = \"JWT\"\n[mail]\nsmtp_password_env = \"PW\"\n";

  ConfigLoad load =
      this->load(text, {{"JWT", "jwt-value-that-is-at-least-32-bytes"}, {"PW", "pw-value"}});

  ASSERT_TRUE(load.config) << describe(load);
  EXPECT_EQ(load.config->auth.jwt_secret, "jwt-value-that-is-at-least-32-bytes");
  EXPECT_EQ(load.config->mail.smtp_password, "pw-value");
}

TEST_F(ConfigFileTest, UnsetSecretVariableNamesKeyAndVariable) {
  ConfigLoad load = this->load(kDesignExample, {{"OPENAI_API_KEY", "sk-test"}});

  ASSERT_EQ(load.errors.size(), 1u) << describe(load);
  EXPECT_EQ(load.errors[0].key, "oauth.google.client_secret_env");
  EXPECT_EQ(load.errors[0].line, 21);
  EXPECT_EQ(load.errors[0].reason, "environment variable GOOGLE_CLIENT_SECRET is not set");
}

TEST_F(ConfigFileTest, EmptySecretVariableIsAnError) {
  ConfigLoad load = this->load("[auth]\njwt_secret_env = \"JWT\"\n", {{"JWT", ""}});

  ASSERT_EQ(load.errors.size(), 1u) << describe(load);
  EXPECT_EQ(load.errors[0].reason, "environment variable JWT is empty");
}

TEST_F(ConfigFileTest, LiteralAndEnvSecretTogetherIsAnError) {
  std::string text(kOneModel);
  text.insert(text.find("[[models]]"), "api_key_env = \"OPENAI_API_KEY\"\n");

  ConfigLoad load = this->load(text, {{"OPENAI_API_KEY", "sk-from-env"}});

  ASSERT_EQ(load.errors.size(), 1u) << describe(load);
  EXPECT_EQ(load.errors[0].key, "providers[0].api_key_env");
  EXPECT_EQ(describe(load).find("sk-"), std::string::npos);
}

TEST_F(ConfigFileTest, EnvOverridesWinOverTheFile) {
  EnvMap vars = {{"VEYRA_LOG__LEVEL", "warn"}, {"VEYRA_LISTEN", "0.0.0.0:9000"}};

  ConfigLoad load = this->load("listen = \"127.0.0.1:1\"\n[log]\nlevel = \"debug\"\n", vars);

  ASSERT_TRUE(load.config) << describe(load);
  EXPECT_EQ(load.config->log.level, "warn");
  EXPECT_EQ(load.config->listen.port, 9000);
}

TEST_F(ConfigFileTest, VariableNamedByEnvKeyIsNotUnknown) {
  std::string text(kOneModel);
  text.replace(text.find("api_key ="), 22, "api_key_env = \"VEYRA_OPENAI_KEY\"");

  ConfigLoad load = this->load(text, {{"VEYRA_OPENAI_KEY", "sk-x"}});

  ASSERT_TRUE(load.config) << describe(load);
  EXPECT_EQ(load.config->providers[0].api_key, "sk-x");
}

TEST(ConfigEnv, TopLevelOverridesApply) {
  EnvMap vars = {{"VEYRA_LISTEN", "[::1]:0"},
                 {"VEYRA_DATABASE_URL", "postgres://u:p@db/veyra"},
                 {"VEYRA_REDIS_URL", "redis://127.0.0.1:6379"},
                 {"VEYRA_PUBLIC_URL", "https://veyra.example"},
                 {"VEYRA_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.1"}};

  ConfigLoad load = load_env_only(vars);

  ASSERT_TRUE(load.config) << describe(load);
  const Config& config = *load.config;
  EXPECT_EQ(config.listen.host, "::1");
  EXPECT_EQ(config.listen.port, 0);
  EXPECT_EQ(config.database_url, "postgres://u:p@db/veyra");
  EXPECT_EQ(config.redis_url, "redis://127.0.0.1:6379");
  EXPECT_EQ(config.public_url, "https://veyra.example");
  ASSERT_EQ(config.trusted_proxies.size(), 2u);
  EXPECT_EQ(config.trusted_proxies[1].text, "192.168.1.1");
}

TEST(ConfigEnv, SectionOverridesAreParsedByType) {
  EnvMap vars = {{"VEYRA_AUTH__ACCESS_TOKEN_TTL", "5s"},
                 {"VEYRA_AUTH__JWT_SECRET", "jwt-secret-of-thirty-two-bytes!!"},
                 {"VEYRA_HTTP__THREADS", "2"},
                 {"VEYRA_HTTP__CORS_ORIGINS", "https://a,https://b"},
                 {"VEYRA_LOG__FORMAT", "json"},
                 {"VEYRA_LOG__ACCESS", "false"},
                 {"VEYRA_OAUTH__GOOGLE__CLIENT_ID", "x"},
                 {"VEYRA_OAUTH__GOOGLE__CLIENT_SECRET", "y"},
                 {"VEYRA_MAIL__SMTP_URL", "smtps://mail.example:465"},
                 {"VEYRA_DEFAULTS__PLAN", "free"}};

  ConfigLoad load = load_env_only(vars);

  ASSERT_TRUE(load.config) << describe(load);
  const Config& config = *load.config;
  EXPECT_EQ(config.auth.access_token_ttl, 5s);
  EXPECT_EQ(config.auth.jwt_secret, "jwt-secret-of-thirty-two-bytes!!");
  EXPECT_EQ(config.http.threads, 2u);
  EXPECT_EQ(config.http.cors_origins, (std::vector<std::string>{"https://a", "https://b"}));
  EXPECT_EQ(config.log.format, "json");
  EXPECT_FALSE(config.log.access);
  EXPECT_EQ(config.google.client_id, "x");
  EXPECT_EQ(config.google.client_secret, "y");
  EXPECT_EQ(config.mail.smtp_url, "smtps://mail.example:465");
}

TEST(ConfigEnv, BadValuesNameTheVariable) {
  EnvMap vars = {{"VEYRA_HTTP__THREADS", "two"},
                 {"VEYRA_LOG__ACCESS", "yes"},
                 {"VEYRA_AUTH__ACCESS_TOKEN_TTL", "5"},
                 {"VEYRA_TRUSTED_PROXIES", "10.0.0.0/8,nope"}};

  ConfigLoad load = load_env_only(vars);

  ASSERT_EQ(load.errors.size(), 4u) << describe(load);
  for (const ConfigError& error : load.errors) {
    EXPECT_EQ(error.file, "environment");
    EXPECT_EQ(error.line, 0);
  }
  EXPECT_EQ(find_error(load, "VEYRA_HTTP__THREADS")->reason, "expected an integer");
  EXPECT_EQ(find_error(load, "VEYRA_LOG__ACCESS")->reason, "expected true or false");
  EXPECT_NE(find_error(load, "VEYRA_AUTH__ACCESS_TOKEN_TTL"), nullptr);
  EXPECT_NE(find_error(load, "VEYRA_TRUSTED_PROXIES")->reason.find("entry 2"), std::string::npos);
}

TEST(ConfigEnv, UnknownVeyraVariableIsAnError) {
  EnvMap vars = {{"VEYRA_LISTN", "x"}, {"VEYRA_AUTH_ACCESS_TOKEN_TTL", "5s"}};

  ConfigLoad load = load_env_only(vars);

  ASSERT_EQ(load.errors.size(), 2u) << describe(load);
  EXPECT_EQ(find_error(load, "VEYRA_LISTN")->to_string(),
            "environment: VEYRA_LISTN: unknown environment variable");
  EXPECT_NE(find_error(load, "VEYRA_AUTH_ACCESS_TOKEN_TTL")
                ->reason.find("did you mean VEYRA_AUTH__ACCESS_TOKEN_TTL?"),
            std::string::npos);
}

TEST(ConfigEnv, DefaultPlanOverrideIsChecked) {
  ConfigLoad load = load_env_only({{"VEYRA_DEFAULTS__PLAN", "pro"}});

  ASSERT_EQ(load.errors.size(), 1u) << describe(load);
  EXPECT_EQ(load.errors[0].to_string(),
            "environment: VEYRA_DEFAULTS__PLAN: plan \"pro\" is not defined in [plans]");
}

TEST(ConfigEnv, ProcessEnvironmentIsRead) {
  ASSERT_EQ(setenv("VEYRA_CONFIG_TEST_PROBE", "probe", 1), 0);

  std::optional<std::string> value = process_env()("VEYRA_CONFIG_TEST_PROBE");
  std::vector<std::string> names = process_veyra_env_names();
  unsetenv("VEYRA_CONFIG_TEST_PROBE");

  EXPECT_EQ(value, "probe");
  EXPECT_NE(std::find(names.begin(), names.end(), "VEYRA_CONFIG_TEST_PROBE"), names.end());
  EXPECT_EQ(process_env()("VEYRA_CONFIG_TEST_PROBE"), std::nullopt);
}

}  // namespace
}  // namespace veyra
