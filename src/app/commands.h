// The subcommands of the `veyra` binary. Each returns the process exit status:
// 0 success, 1 runtime failure, 2 unusable configuration or arguments.
#pragma once

#include <optional>
#include <string>

namespace veyra::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitConfig = 2;

// `veyra serve`: migrates the database, then serves until SIGTERM/SIGINT and a drain.
int run_serve(const std::optional<std::string>& config_path);

// `veyra migrate`: applies pending migrations and prints what it applied.
int run_migrate(const std::optional<std::string>& config_path);

struct CreateUserArgs;

// `veyra admin create-user`: creates an account (for operators and tests).
int run_create_user(const std::optional<std::string>& config_path, const CreateUserArgs& args);

struct UpdateUserArgs;
struct CreateKeyArgs;

// `veyra admin set-plan` and `veyra admin disable-user`.
int run_update_user(const std::optional<std::string>& config_path, const UpdateUserArgs& args);

// `veyra keys create`: prints "KEY_ID SECRET" once.
int run_create_key(const std::optional<std::string>& config_path, const CreateKeyArgs& args);

// `veyra config check`: loads and validates the configuration, prints problems or "ok".
int run_config_check(const std::optional<std::string>& config_path);

}  // namespace veyra::app
