// Calendar months in UTC, for usage periods and monthly quotas.
#pragma once

#include <cstdint>

namespace veyra {

// The first second of the UTC calendar month holding `now` (Unix seconds), and of the month
// after it (December rolls over to January of the next year).
std::int64_t month_start_utc(std::int64_t now);
std::int64_t next_month_start_utc(std::int64_t now);

}  // namespace veyra
