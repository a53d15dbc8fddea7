// The composition root: the only place that knows which concrete types are wired together
// (SQLite store, blocking pool, router, server). Everything else depends on interfaces.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"

namespace veyra::app {

struct CreateUserArgs {
  std::string email;
  std::string password;
  std::string name;
  std::string role = "user";
  std::string plan;  // empty = the configured default plan
  bool verified = false;
};

// `veyra admin set-plan` / `disable-user`: the account by email, and what changes.
struct UpdateUserArgs {
  std::string email;
  std::optional<std::string> plan;
  std::optional<bool> disabled;
};

// `veyra keys create`: a key for the account with this email.
struct CreateKeyArgs {
  std::string email;
  std::string name;
  std::vector<std::string> scopes;  // empty: every scope
  std::vector<std::string> models;  // empty: every model
  std::int64_t rpm_limit = 0;
};

class ServerApp {
 public:
  explicit ServerApp(Config config);
  ~ServerApp();

  // Opens the database, migrates, serves until shutdown. Returns the exit status.
  int serve();

  // Opens the database, applies pending migrations, prints them. Returns the exit status.
  int migrate_only();

  // `veyra admin create-user`: migrates, creates the account, prints its id. Returns the
  // exit status (2 for a plan or role the configuration does not know, 1 when refused).
  int create_user(const CreateUserArgs& args);
  // Changes an account's plan or disabled flag (disabling also revokes its sessions). A
  // running server learns of it at its next start.
  int update_user(const UpdateUserArgs& args);
  // Mints an API key and prints its secret once. A running server learns of it at its next
  // start; keys made through the API reach it at once.
  int create_key(const CreateKeyArgs& args);

 private:
  Config config_;
};

}  // namespace veyra::app
