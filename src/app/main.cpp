// The `veyra` command line: serve, migrate, config check, version.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>
#include <string>

#include "app/commands.h"

int main(int argc, char** argv) {
  CLI::App cli{"Veyra, a self-hosted LLM API gateway", "veyra"};
  cli.require_subcommand(1);

  std::optional<std::string> config_path;
  auto add_config_option = [&config_path](CLI::App* command) {
    command->add_option("--config", config_path, "TOML configuration file");
  };

  CLI::App* serve = cli.add_subcommand("serve", "Run the gateway");
  add_config_option(serve);
  CLI::App* migrate = cli.add_subcommand("migrate", "Apply pending database migrations");
  add_config_option(migrate);
  CLI::App* config = cli.add_subcommand("config", "Configuration tools");
  config->require_subcommand(1);
  CLI::App* check = config->add_subcommand("check", "Validate a configuration and exit");
  add_config_option(check);
  CLI::App* version = cli.add_subcommand("version", "Print the version");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int status = cli.exit(e);
    return status == 0 ? 0 : veyra::app::kExitConfig;
  }

  if (*serve) return veyra::app::run_serve(config_path);
  if (*migrate) return veyra::app::run_migrate(config_path);
  if (*check) return veyra::app::run_config_check(config_path);
  if (*version) {
    std::printf("veyra %s\n", VEYRA_VERSION);
    return veyra::app::kExitOk;
  }
  return veyra::app::kExitConfig;
}
