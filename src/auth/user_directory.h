// Every account's plan, role and disabled flag in memory, so that a model call learns what
// its caller may do without touching the database. Loaded once at start. New accounts get
// the default plan, so callers treat an account missing here as on the default plan;
// changes to existing accounts (admin endpoints, a later issue) must upsert() here.
// Thread-safe: lookups take a shared lock.
#pragma once

#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.h"
#include "store/user_repository.h"

namespace veyra::auth {

class UserDirectory {
 public:
  // Reads every standing from `users`. Blocks: call at start, before serving.
  Status load(store::UserRepository& users);

  // The account's standing, or nullopt for an account this process has not seen (created
  // by another process after start: callers treat it as the default plan).
  std::optional<store::UserStanding> find(std::string_view user_id) const;

  // Records a new or changed account.
  void upsert(store::UserStanding standing);

  std::size_t size() const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>{}(key);
    }
  };

  mutable std::shared_mutex mutex_;
  // GUARDED_BY(mutex_)
  std::unordered_map<std::string, store::UserStanding, Hash, std::equal_to<>> standings_;
};

}  // namespace veyra::auth
