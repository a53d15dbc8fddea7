// The composition root: the only place that knows which concrete types are wired together
// (SQLite store, blocking pool, router, server). Everything else depends on interfaces.
#pragma once

#include <memory>

#include "core/config.h"

namespace veyra::app {

class ServerApp {
 public:
  explicit ServerApp(Config config);
  ~ServerApp();

  // Opens the database, migrates, serves until shutdown. Returns the exit status.
  int serve();

  // Opens the database, applies pending migrations, prints them. Returns the exit status.
  int migrate_only();

 private:
  Config config_;
};

}  // namespace veyra::app
