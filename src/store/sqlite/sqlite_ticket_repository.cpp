#include "store/sqlite/sqlite_ticket_repository.h"

#include "store/sqlite/sqlite_connection.h"
#include "store/sqlite/sqlite_pool.h"
#include "store/sqlite/sqlite_statement.h"

namespace veyra::store {

namespace {

void bind_optional(SqliteStatement& statement, int index, const std::optional<std::string>& text) {
  if (text) {
    statement.bind_text(index, *text);
  } else {
    statement.bind_null(index);
  }
}

std::optional<std::string> optional_column(const SqliteStatement& row, int index) {
  if (row.column_is_null(index)) return std::nullopt;
  return std::string(row.column_text(index));
}

}  // namespace

Status SqliteTicketRepository::create(const TicketRecord& ticket) {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();
  Result<SqliteStatement> insert =
      (*connection)
          ->prepare(
              "INSERT INTO tickets (id, email, name, subject, message, category, status, "
              "client_ip, "
              "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!insert) return std::move(insert).error();
  insert->bind_text(1, ticket.id);
  insert->bind_text(2, ticket.email);
  bind_optional(*insert, 3, ticket.name);
  insert->bind_text(4, ticket.subject);
  insert->bind_text(5, ticket.message);
  bind_optional(*insert, 6, ticket.category);
  insert->bind_text(7, ticket.status);
  bind_optional(*insert, 8, ticket.client_ip);
  insert->bind_int64(9, ticket.created_at);
  Result<std::int64_t> inserted = insert->run();
  if (!inserted) return std::move(inserted).error();
  return {};
}

Result<std::vector<TicketRecord>> SqliteTicketRepository::list_recent(std::size_t limit) {
  Result<SqlitePool::Lease> connection = pool_.acquire();
  if (!connection) return std::move(connection).error();
  Result<SqliteStatement> select =
      (*connection)
          ->prepare(
              "SELECT id, email, name, subject, message, category, status, client_ip, created_at "
              "FROM tickets ORDER BY created_at DESC, id DESC LIMIT ?1");
  if (!select) return std::move(select).error();
  select->bind_int64(1, static_cast<std::int64_t>(limit));
  std::vector<TicketRecord> tickets;
  while (true) {
    Result<bool> row = select->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    TicketRecord ticket;
    ticket.id = std::string(select->column_text(0));
    ticket.email = std::string(select->column_text(1));
    ticket.name = optional_column(*select, 2);
    ticket.subject = std::string(select->column_text(3));
    ticket.message = std::string(select->column_text(4));
    ticket.category = optional_column(*select, 5);
    ticket.status = std::string(select->column_text(6));
    ticket.client_ip = optional_column(*select, 7);
    ticket.created_at = select->column_int64(8);
    tickets.push_back(std::move(ticket));
  }
  return tickets;
}

}  // namespace veyra::store
