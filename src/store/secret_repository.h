// Server secrets kept in the database (the JWT signing key, ...), so that every node sharing
// one database signs and verifies with the same keys and a restart keeps them.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace veyra::store {

class SecretRepository {
 public:
  virtual ~SecretRepository() = default;

  // Returns the stored value of the secret `name`. On first use it stores make() and returns
  // it; when several threads or processes race on the first use, exactly one make() result is
  // stored and every caller gets that one value. make() may be called even when its result is
  // then discarded, and is never called once the secret exists.
  // Fails with a generic database Error (internal_error, or server_busy when the database
  // stayed locked past the busy timeout); the detail goes to the database's error log.
  // Blocks: call it on the blocking pool. Safe to call from several threads at once.
  virtual Result<std::string> get_or_create(std::string_view name,
                                            const std::function<std::string()>& make) = 0;
};

}  // namespace veyra::store
