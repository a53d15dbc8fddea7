#include "auth/user_directory.h"

#include <mutex>

namespace veyra::auth {

Status UserDirectory::load(store::UserRepository& users) {
  auto standings = users.list_standings();
  if (!standings) return std::move(standings).error();
  std::unique_lock lock(mutex_);
  standings_.clear();
  for (store::UserStanding& standing : *standings) {
    std::string id = standing.id;
    standings_.insert_or_assign(std::move(id), std::move(standing));
  }
  return {};
}

std::optional<store::UserStanding> UserDirectory::find(std::string_view user_id) const {
  std::shared_lock lock(mutex_);
  auto found = standings_.find(user_id);
  if (found == standings_.end()) return std::nullopt;
  return found->second;
}

void UserDirectory::upsert(store::UserStanding standing) {
  std::unique_lock lock(mutex_);
  std::string id = standing.id;
  standings_.insert_or_assign(std::move(id), std::move(standing));
}

std::size_t UserDirectory::size() const {
  std::shared_lock lock(mutex_);
  return standings_.size();
}

}  // namespace veyra::auth
