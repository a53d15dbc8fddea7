// Helpers shared by the route files of mock_routes.h.
#include "mock_routes.h"

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>

namespace veyra::mock {

std::int64_t unix_now() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::seconds>(now).count();
}

unsigned approx_tokens(std::size_t bytes) {
  return static_cast<unsigned>(std::max<std::size_t>(1, bytes / 4));
}

}  // namespace veyra::mock
