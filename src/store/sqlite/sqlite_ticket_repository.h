// TicketRepository over the tickets table of a SQLite database.
#pragma once

#include "store/ticket_repository.h"

namespace veyra::store {

class SqlitePool;

class SqliteTicketRepository final : public TicketRepository {
 public:
  // `pool` must outlive the repository.
  explicit SqliteTicketRepository(SqlitePool& pool) : pool_(pool) {}

  Status create(const TicketRecord& ticket) override;
  Result<std::vector<TicketRecord>> list_recent(std::size_t limit) override;

 private:
  SqlitePool& pool_;
};

}  // namespace veyra::store
