#include "store/sqlite/sqlite_pool.h"

#include <algorithm>
#include <string>
#include <utility>

namespace veyra::store {

Result<std::unique_ptr<SqlitePool>> SqlitePool::open(const SqlitePoolOptions& options) {
  const unsigned size = std::max(1u, options.max_connections);
  std::vector<std::unique_ptr<SqliteConnection>> connections;
  connections.reserve(size);
  for (unsigned i = 0; i < size; ++i) {
    Result<std::unique_ptr<SqliteConnection>> connection =
        SqliteConnection::open(options.connection);
    if (!connection) return std::move(connection).error();
    connections.push_back(std::move(*connection));
  }
  return std::unique_ptr<SqlitePool>(new SqlitePool(options, std::move(connections)));
}

SqlitePool::SqlitePool(const SqlitePoolOptions& options,
                       std::vector<std::unique_ptr<SqliteConnection>> all)
    : wait_timeout_(options.connection.busy_timeout),
      error_log_(options.connection.error_log),
      size_(static_cast<unsigned>(all.size())),
      idle_(std::move(all)) {}

Result<SqlitePool::Lease> SqlitePool::acquire() {
  std::unique_lock lock(mutex_);
  if (!returned_.wait_for(lock, wait_timeout_, [this] { return !idle_.empty(); })) {
    lock.unlock();
    if (error_log_) {
      error_log_("sqlite: all " + std::to_string(size_) + " pooled connections stayed busy for " +
                 std::to_string(wait_timeout_.count()) + " ms");
    }
    return make_error(ErrorCode::server_busy, std::string(kDatabaseBusyMessage));
  }

  std::unique_ptr<SqliteConnection> connection = std::move(idle_.back());
  idle_.pop_back();
  return Lease(*this, std::move(connection));
}

void SqlitePool::release(std::unique_ptr<SqliteConnection> connection) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
  }
  returned_.notify_one();
}

SqlitePool::Lease::Lease(SqlitePool& pool, std::unique_ptr<SqliteConnection> connection)
    : pool_(&pool), connection_(std::move(connection)) {}

SqlitePool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), connection_(std::move(other.connection_)) {}

SqlitePool::Lease::~Lease() {
  if (connection_ == nullptr) return;

  // A transaction left open (an early return between BEGIN and COMMIT outside a
  // SqliteTransaction) would hold the write lock for whoever leases the connection next.
  if (connection_->in_transaction()) (void)connection_->exec("ROLLBACK");
  pool_->release(std::move(connection_));
}

}  // namespace veyra::store
