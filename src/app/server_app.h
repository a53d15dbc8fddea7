// The composition root: the only place that knows which concrete types are wired together
// (SQLite store, blocking pool, router, server). Everything else depends on interfaces.
#pragma once

#include <memory>
#include <string>

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

 private:
  Config config_;
};

}  // namespace veyra::app
