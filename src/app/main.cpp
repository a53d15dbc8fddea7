// The `veyra` command line: serve, migrate, config check, version.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>
#include <string>

#include "app/commands.h"
#include "app/server_app.h"

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

  CLI::App* admin = cli.add_subcommand("admin", "Operator tasks");
  admin->require_subcommand(1);
  veyra::app::CreateUserArgs create;
  CLI::App* create_user = admin->add_subcommand("create-user", "Create an account");
  add_config_option(create_user);
  create_user->add_option("--email", create.email, "Email address")->required();
  create_user->add_option("--password", create.password, "Password (the password policy applies)")
      ->required();
  create_user->add_option("--name", create.name, "Display name");
  create_user->add_option("--role", create.role, "user or admin")
      ->check(CLI::IsMember({"user", "admin"}));
  create_user->add_option("--plan", create.plan, "Plan name (default: [defaults] plan)");
  create_user->add_flag("--verified", create.verified, "Mark the email as verified");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int status = cli.exit(e);
    return status == 0 ? 0 : veyra::app::kExitConfig;
  }

  if (*serve) return veyra::app::run_serve(config_path);
  if (*migrate) return veyra::app::run_migrate(config_path);
  if (*check) return veyra::app::run_config_check(config_path);
  if (*create_user) return veyra::app::run_create_user(config_path, create);
  if (*version) {
    std::printf("veyra %s\n", VEYRA_VERSION);
    return veyra::app::kExitOk;
  }
  return veyra::app::kExitConfig;
}
