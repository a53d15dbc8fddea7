// Help-center tickets: stored by the contact endpoint, read by the admin listing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace veyra::store {

struct TicketRecord {
  std::string id;  // tkt_...
  std::string email;
  std::optional<std::string> name;
  std::string subject;
  std::string message;
  std::optional<std::string> category;
  std::string status = "received";  // received | emailed | failed
  std::optional<std::string> client_ip;
  std::int64_t created_at = 0;
};

// Every method blocks (run it on the blocking pool) and is safe from several threads.
class TicketRepository {
 public:
  virtual ~TicketRepository() = default;

  virtual Status create(const TicketRecord& ticket) = 0;

  // The newest `limit` tickets, newest first.
  virtual Result<std::vector<TicketRecord>> list_recent(std::size_t limit) = 0;
};

}  // namespace veyra::store
