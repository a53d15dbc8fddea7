// A fixed set of open SqliteConnections shared by the threads of the blocking pool. A thread
// leases one connection, uses it alone, and the lease hands it back when it goes out of scope.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "core/result.h"
#include "store/sqlite/sqlite_connection.h"

namespace veyra::store {

struct SqlitePoolOptions {
  SqliteConnectionOptions connection;  // also gives the wait for a free connection
  unsigned max_connections = 4;        // 0 is treated as 1
};

class SqlitePool {
 public:
  // Exclusive use of one connection until destruction. A transaction still open then is rolled
  // back, so a connection always returns to the pool clean.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    SqliteConnection& operator*() const { return *connection_; }
    SqliteConnection* operator->() const { return connection_.get(); }

   private:
    friend class SqlitePool;
    Lease(SqlitePool& pool, std::unique_ptr<SqliteConnection> connection);

    SqlitePool* pool_;
    std::unique_ptr<SqliteConnection> connection_;  // null once moved from
  };

  // Opens every connection up front, so a bad path or an unusable file fails here and not on
  // the first request. Errors as SqliteConnection::open().
  static Result<std::unique_ptr<SqlitePool>> open(const SqlitePoolOptions& options);

  // REQUIRES: every lease has ended.
  ~SqlitePool() = default;
  SqlitePool(const SqlitePool&) = delete;
  SqlitePool& operator=(const SqlitePool&) = delete;

  // Waits up to the busy timeout for a free connection; fails with server_busy after that.
  // Blocks; safe to call from any thread. A thread must not hold two leases of one pool at a
  // time, or it can wait on itself.
  Result<Lease> acquire();

  unsigned size() const { return size_; }

 private:
  SqlitePool(const SqlitePoolOptions& options, std::vector<std::unique_ptr<SqliteConnection>> all);

  void release(std::unique_ptr<SqliteConnection> connection);

  const std::chrono::milliseconds wait_timeout_;
  const ErrorLog error_log_;
  const unsigned size_;

  std::mutex mutex_;
  std::condition_variable returned_;  // signalled when a lease hands a connection back
  std::vector<std::unique_ptr<SqliteConnection>> idle_;  // guarded by mutex_
};

}  // namespace veyra::store
