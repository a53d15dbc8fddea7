#include "core/calendar.h"

#include <chrono>

namespace veyra {

namespace {

using std::chrono::days;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;
using std::chrono::year_month_day;

// The first day of the month holding `now`.
year_month_day first_of_month(std::int64_t now) {
  const year_month_day today{std::chrono::floor<days>(sys_seconds{seconds{now}})};
  return today.year() / today.month() / 1;
}

std::int64_t unix_seconds(year_month_day day) {
  return std::chrono::duration_cast<seconds>(sys_days{day}.time_since_epoch()).count();
}

}  // namespace

std::int64_t month_start_utc(std::int64_t now) {
  return unix_seconds(first_of_month(now));
}

std::int64_t next_month_start_utc(std::int64_t now) {
  return unix_seconds(first_of_month(now) + std::chrono::months{1});
}

}  // namespace veyra
