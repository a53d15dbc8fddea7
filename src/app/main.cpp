// The `veyra` command line: serve, migrate, config check, version, admin, keys.
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

  veyra::app::UpdateUserArgs set_plan_args;
  std::string new_plan;
  CLI::App* set_plan = admin->add_subcommand("set-plan", "Move an account to another plan");
  add_config_option(set_plan);
  set_plan->add_option("--email", set_plan_args.email, "The account's email")->required();
  set_plan->add_option("--plan", new_plan, "A plan of the configuration")->required();
  veyra::app::UpdateUserArgs disable_args;
  CLI::App* disable_user =
      admin->add_subcommand("disable-user", "Disable an account and revoke its sessions");
  add_config_option(disable_user);
  disable_user->add_option("--email", disable_args.email, "The account's email")->required();

  CLI::App* keys = cli.add_subcommand("keys", "API keys");
  keys->require_subcommand(1);
  veyra::app::CreateKeyArgs key_args;
  CLI::App* create_key = keys->add_subcommand("create", "Mint an API key; prints its secret once");
  add_config_option(create_key);
  create_key->add_option("--email", key_args.email, "The owner's email")->required();
  create_key->add_option("--name", key_args.name, "A name for the key")->required();
  create_key->add_option("--scopes", key_args.scopes, "models chat embeddings images audio")
      ->delimiter(',');
  create_key->add_option("--models", key_args.models, "Allowed model ids (default: all)")
      ->delimiter(',');
  create_key->add_option("--rpm-limit", key_args.rpm_limit, "Requests per minute (0: none)");

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
  if (*set_plan) {
    set_plan_args.plan = new_plan;
    return veyra::app::run_update_user(config_path, set_plan_args);
  }
  if (*disable_user) {
    disable_args.disabled = true;
    return veyra::app::run_update_user(config_path, disable_args);
  }
  if (*create_key) return veyra::app::run_create_key(config_path, key_args);
  if (*version) {
    std::printf("veyra %s\n", VEYRA_VERSION);
    return veyra::app::kExitOk;
  }
  return veyra::app::kExitConfig;
}
