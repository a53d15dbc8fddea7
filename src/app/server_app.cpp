#include "app/server_app.h"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "accounts/registration.h"
#include "api/admin_routes.h"
#include "api/api_key_routes.h"
#include "api/auth_routes.h"
#include "api/model_routes.h"
#include "api/service_routes.h"
#include "api/usage_routes.h"
#include "app/auth_stack.h"
#include "app/commands.h"
#include "app/gateway_stack.h"
#include "core/blocking_pool.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "store/database.h"

namespace veyra::app {
namespace {

unsigned blocking_threads(const HttpConfig& http) {
  if (http.blocking_threads != 0) return http.blocking_threads;
  return std::max(4u, std::thread::hardware_concurrency());
}

// Opens and migrates the database, logging what happened. nullptr on failure.
std::unique_ptr<store::Database> open_and_migrate(const Config& config, unsigned connections) {
  store::DatabaseOptions options;
  options.url = config.database_url;
  options.busy_timeout = config.database.busy_timeout;
  options.max_connections =
      config.database.max_connections != 0 ? config.database.max_connections : connections;
  options.error_log = [](std::string_view detail) {
    log_event(LogLevel::error, "database_error", {{"detail", detail}});
  };
  auto opened = store::open_database(options);
  if (!opened) {
    log_event(LogLevel::error, "database_open_failed", {{"reason", opened.error().message}});
    return nullptr;
  }
  std::unique_ptr<store::Database> database = std::move(*opened);
  auto applied = database->migrate();
  if (!applied) {
    log_event(LogLevel::error, "migration_failed", {{"reason", applied.error().message}});
    return nullptr;
  }
  for (const store::AppliedMigration& migration : *applied) {
    log_event(LogLevel::info, "migration_applied",
              {{"version", migration.version}, {"name", migration.name}});
  }
  return database;
}

constexpr std::chrono::seconds kApiKeyUseFlushPeriod{30};

void log_key_flush(const Status& flushed) {
  if (!flushed) {
    log_event(LogLevel::warn, "api_key_use_flush_failed", {{"reason", flushed.error().message}});
  }
}

// Hands the API keys' last-use times to `pool` as one job; skipped when the pool is full.
void flush_api_key_uses(AuthStack& auth, BlockingPool& pool) {
  struct FlushJob final : BlockingPool::Job {
    explicit FlushJob(AuthStack& stack) : auth(stack) {}
    void run() override { log_key_flush(auth.api_keys.flush_uses()); }
    AuthStack& auth;
  };
  std::unique_ptr<BlockingPool::Job> job = std::make_unique<FlushJob>(auth);
  if (!pool.submit(job)) log_key_flush(make_error(ErrorCode::server_busy));
}

// The account with `email` for the CLI, or nullopt after saying why on stderr.
std::optional<store::UserRecord> account_by_email(store::Database& database,
                                                  const std::string& email) {
  auto user = database.users().find_by_email(email);
  if (user && *user) return std::move(**user);
  std::fprintf(stderr, "veyra: no account with email %s\n", email.c_str());
  return std::nullopt;
}

}  // namespace

ServerApp::ServerApp(Config config) : config_(std::move(config)) {}

ServerApp::~ServerApp() = default;

int ServerApp::migrate_only() {
  auto database = open_and_migrate(config_, 1);
  if (database == nullptr) return kExitFailure;
  std::printf("database is up to date\n");
  return kExitOk;
}

int ServerApp::create_user(const CreateUserArgs& args) {
  std::string plan = args.plan.empty() ? config_.default_plan : args.plan;
  if (!config_.plans.contains(plan)) {
    std::fprintf(stderr, "veyra: unknown plan \"%s\" (not in the configuration)\n", plan.c_str());
    return kExitConfig;
  }
  if (args.role != "user" && args.role != "admin") {
    std::fprintf(stderr, "veyra: role must be user or admin\n");
    return kExitConfig;
  }
  auto database = open_and_migrate(config_, 1);
  if (database == nullptr) return kExitFailure;
  SystemClock clock;
  auth::PasswordHasher hasher({config_.auth.argon2_memory_kib, config_.auth.argon2_passes});
  accounts::Registration registration(database->users(), hasher, clock);

  accounts::NewAccount account{args.email, args.password, args.name,
                               plan,       args.role,     args.verified};
  auto user = registration.create(account);
  if (!user) {
    std::fprintf(stderr, "veyra: %s: %s\n", std::string(code_name(user.error().code)).c_str(),
                 user.error().message.c_str());
    return kExitFailure;
  }
  std::printf("%s %s role=%s plan=%s\n", user->id.c_str(), user->email.c_str(), user->role.c_str(),
              user->plan.c_str());
  return kExitOk;
}

int ServerApp::update_user(const UpdateUserArgs& args) {
  if (args.plan && !config_.plans.contains(*args.plan)) {
    std::fprintf(stderr, "veyra: unknown plan \"%s\" (not in the configuration)\n",
                 args.plan->c_str());
    return kExitConfig;
  }
  auto database = open_and_migrate(config_, 1);
  if (database == nullptr) return kExitFailure;
  SystemClock clock;
  auto user = account_by_email(*database, args.email);
  if (!user) return kExitFailure;
  const bool* disabled = args.disabled ? &*args.disabled : nullptr;
  auto updated = database->users().update_standing(user->id, args.plan ? &*args.plan : nullptr,
                                                   nullptr, disabled, clock.now());
  if (!updated || !*updated) {
    std::fprintf(stderr, "veyra: the account could not be updated\n");
    return kExitFailure;
  }
  if (args.disabled && *args.disabled) {
    auto revoked = database->sessions().revoke_all(user->id, clock.now(), "account_disabled");
    if (!revoked) {
      std::fprintf(stderr, "veyra: the account's sessions could not be revoked\n");
      return kExitFailure;
    }
  }
  auto after = database->users().find_by_id(user->id);
  if (!after || !*after) return kExitFailure;
  std::printf("%s %s plan=%s disabled=%s\n", (*after)->id.c_str(), (*after)->email.c_str(),
              (*after)->plan.c_str(), (*after)->disabled ? "true" : "false");
  return kExitOk;
}

int ServerApp::create_key(const CreateKeyArgs& args) {
  unsigned scopes = args.scopes.empty() ? auth::kAllScopes : 0;
  for (const std::string& name : args.scopes) {
    unsigned bit = auth::scope_bit(name);
    if (bit == 0) {
      std::fprintf(stderr,
                   "veyra: unknown scope \"%s\" (models, chat, embeddings, images, audio)\n",
                   name.c_str());
      return kExitConfig;
    }
    scopes |= bit;
  }
  auto database = open_and_migrate(config_, 1);
  if (database == nullptr) return kExitFailure;
  SystemClock clock;
  auto user = account_by_email(*database, args.email);
  if (!user) return kExitFailure;
  auto stack = AuthStack::build(config_, *database, clock);
  if (!stack) {
    std::fprintf(stderr, "veyra: %s\n", stack.error().message.c_str());
    return kExitFailure;
  }
  auth::NewApiKey request;
  request.name = args.name;
  request.scopes = scopes;
  if (!args.models.empty()) request.models = args.models;
  request.rpm_limit = args.rpm_limit;
  auto created = (*stack)->api_keys.create(user->id, request);
  if (!created) {
    std::fprintf(stderr, "veyra: %s: %s\n", std::string(code_name(created.error().code)).c_str(),
                 created.error().message.c_str());
    return kExitFailure;
  }
  // The secret is printed once, here, and never stored or logged.
  std::printf("%s %s\n", created->key.id.c_str(), created->secret.c_str());
  return kExitOk;
}

int ServerApp::serve() {
  BlockingPool blocking_pool(blocking_threads(config_.http), config_.http.blocking_queue_limit);
  // Argon2id gets its own low-priority threads: a login flood then queues behind itself and
  // leaves the cores, the I/O threads and the database pool to everything else.
  BlockingPool password_pool(std::max(1u, std::thread::hardware_concurrency()),
                             config_.http.blocking_queue_limit, 10);
  // Usage batches are bulk background writes: one low-priority thread, so a second's worth
  // of records never competes with the I/O threads for a core.
  BlockingPool background_pool(1, 64, 10);
  auto database = open_and_migrate(config_, blocking_pool.threads());
  if (database == nullptr) return kExitFailure;

  SystemClock clock;
  auto auth_stack = AuthStack::build(config_, *database, clock);
  if (!auth_stack) {
    log_event(LogLevel::error, "auth_setup_failed", {{"reason", auth_stack.error().message}});
    return kExitFailure;
  }
  AuthStack& auth = **auth_stack;

  auto gateway_stack = GatewayStack::build(config_, *database, background_pool, clock);
  if (!gateway_stack) {
    log_event(LogLevel::error, "gateway_setup_failed", {{"reason", gateway_stack.error().message}});
    return kExitFailure;
  }
  GatewayStack& models = **gateway_stack;

  MetricsRegistry metrics;
  http::Router router;
  api::add_service_routes(router, {*database, blocking_pool, metrics});
  api::AuthRouteDeps auth_deps{auth.auth,     auth.tokens, auth.registration,   blocking_pool,
                               password_pool, clock,       config_.default_plan};
  api::add_auth_routes(router, auth_deps);
  api::add_account_routes(router, auth_deps);
  api::add_api_key_routes(router, {auth.tokens, auth.api_keys, blocking_pool, clock});
  api::add_model_routes(
      router, {auth.tokens, auth.api_key_cache, *models.gateway, models.rate_limiter, *models.quota,
               auth.directory, config_.plans, config_.default_plan});
  api::add_admin_routes(router,
                        {auth.tokens, auth.directory, database->users(), database->sessions(),
                         database->tickets(), config_.plans, blocking_pool, clock});
  api::add_usage_routes(router, {auth.tokens, database->usage(), blocking_pool, clock});

  http::ServerOptions options{config_.listen, config_.http, config_.trusted_proxies,
                              config_.log.access};
  http::Server server(options, router);
  metrics.set_http(&server.metrics());
  metrics.add_gauge("veyra_blocking_pool_queue_depth", "Jobs waiting for a blocking thread.",
                    [&] { return static_cast<double>(blocking_pool.queue_depth()); });
  metrics.add_gauge("veyra_blocking_pool_busy_threads", "Blocking threads running a job.",
                    [&] { return static_cast<double>(blocking_pool.busy_threads()); });
  metrics.add_gauge("veyra_blocking_pool_threads", "Size of the blocking pool.",
                    [&] { return static_cast<double>(blocking_pool.threads()); });
  metrics.add_gauge("veyra_password_pool_queue_depth", "Argon2id jobs waiting for a thread.",
                    [&] { return static_cast<double>(password_pool.queue_depth()); });

  metrics.add_gauge("veyra_auth_revoked_sessions", "Revoked sessions tracked in memory.",
                    [&] { return static_cast<double>(auth.revoked.size()); });
  server.run_every(std::chrono::minutes(1), [&] { auth.revoked.prune(clock.now()); });
  metrics.add_gauge("veyra_usage_queue_depth", "Usage records waiting to be written.",
                    [&] { return static_cast<double>(models.usage->queued()); });
  metrics.add_gauge("veyra_usage_records_dropped", "Usage records dropped on a full queue.",
                    [&] { return static_cast<double>(models.usage->dropped()); });
  server.run_every(std::chrono::seconds(1), [&] { models.usage->flush_async(); });
  server.run_every(std::chrono::minutes(1), [&] {
    auto now = std::chrono::steady_clock::now().time_since_epoch();
    models.rate_limiter.prune(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
  });
  metrics.add_gauge("veyra_api_keys_cached", "API keys held by the in-memory key cache.",
                    [&] { return static_cast<double>(auth.api_key_cache.size()); });
  // Last-use times are a display field: written in batches, never per call.
  server.run_every(kApiKeyUseFlushPeriod, [&] { flush_api_key_uses(auth, background_pool); });
  // Streams that ended during the drain recorded their usage; write it all before exiting.
  server.on_drained([&] {
    models.usage->flush_now();
    log_key_flush(auth.api_keys.flush_uses());
  });

  if (Status listening = server.listen(); !listening) {
    log_event(LogLevel::error, "listen_failed", {{"reason", listening.error().message}});
    return kExitFailure;
  }
  log_event(LogLevel::info, "listening",
            {{"address", config_.listen.host},
             {"port", static_cast<unsigned>(server.port())},
             {"database", database->kind()},
             {"version", VEYRA_VERSION}});
  server.run();
  password_pool.stop();
  blocking_pool.stop();
  background_pool.stop();
  return kExitOk;
}

}  // namespace veyra::app
