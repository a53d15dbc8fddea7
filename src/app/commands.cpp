#include "app/commands.h"

#include <cstdio>

#include "app/server_app.h"
#include "core/config.h"
#include "core/log.h"

namespace veyra::app {
namespace {

// Loads the configuration, printing every problem to stderr. nullopt means exit 2.
std::optional<Config> load_or_report(const std::optional<std::string>& path) {
  ConfigLoad load = load_config(path, process_env(), process_veyra_env_names());
  for (const ConfigError& error : load.errors) {
    std::fprintf(stderr, "veyra: config error: %s\n", error.to_string().c_str());
  }
  return std::move(load.config);
}

}  // namespace

int run_serve(const std::optional<std::string>& config_path) {
  std::optional<Config> config = load_or_report(config_path);
  if (!config) return kExitConfig;
  init_logging(config->log);
  return ServerApp(std::move(*config)).serve();
}

int run_migrate(const std::optional<std::string>& config_path) {
  std::optional<Config> config = load_or_report(config_path);
  if (!config) return kExitConfig;
  init_logging(config->log);
  return ServerApp(std::move(*config)).migrate_only();
}

int run_create_user(const std::optional<std::string>& config_path, const CreateUserArgs& args) {
  std::optional<Config> config = load_or_report(config_path);
  if (!config) return kExitConfig;
  LogConfig quiet = config->log;
  quiet.level = "warn";  // stdout carries the result; keep it clean
  init_logging(quiet);
  return ServerApp(std::move(*config)).create_user(args);
}

int run_update_user(const std::optional<std::string>& config_path, const UpdateUserArgs& args) {
  std::optional<Config> config = load_or_report(config_path);
  if (!config) return kExitConfig;
  LogConfig quiet = config->log;
  quiet.level = "warn";
  init_logging(quiet);
  return ServerApp(std::move(*config)).update_user(args);
}

int run_create_key(const std::optional<std::string>& config_path, const CreateKeyArgs& args) {
  std::optional<Config> config = load_or_report(config_path);
  if (!config) return kExitConfig;
  LogConfig quiet = config->log;
  quiet.level = "warn";
  init_logging(quiet);
  return ServerApp(std::move(*config)).create_key(args);
}

int run_config_check(const std::optional<std::string>& config_path) {
  std::optional<Config> config = load_or_report(config_path);
  if (!config) return kExitConfig;
  std::printf("ok: %s is valid\n",
              config_path ? config_path->c_str() : "the default configuration");
  return kExitOk;
}

}  // namespace veyra::app
