#include "auth/revoked_sessions.h"

#include <algorithm>
#include <mutex>

namespace veyra::auth {

void RevokedSessions::revoke(std::string session_id, std::int64_t expires_at) {
  std::unique_lock lock(mutex_);
  auto [entry, inserted] = expiry_by_session_.try_emplace(std::move(session_id), expires_at);
  if (!inserted) entry->second = std::max(entry->second, expires_at);
}

bool RevokedSessions::is_revoked(std::string_view session_id) const {
  std::shared_lock lock(mutex_);
  return expiry_by_session_.find(session_id) != expiry_by_session_.end();
}

void RevokedSessions::prune(std::int64_t now) {
  std::unique_lock lock(mutex_);
  std::erase_if(expiry_by_session_, [now](const auto& entry) { return entry.second <= now; });
}

std::size_t RevokedSessions::size() const {
  std::shared_lock lock(mutex_);
  return expiry_by_session_.size();
}

}  // namespace veyra::auth
