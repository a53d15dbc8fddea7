// Structured, levelled logging. Each call writes one line: text ("ts level event k=v ...")
// or JSON ({"ts":..,"level":..,"event":..,"k":v}) depending on LogConfig::format.
// Thread-safe; callers never pass secrets (passwords, tokens, keys) as fields.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <variant>

namespace veyra {

struct LogConfig;

enum class LogLevel { trace, debug, info, warn, error, off };

struct LogField {
  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  LogField(std::string_view k, std::int64_t v) : key(k), value(v) {}
  LogField(std::string_view k, int v) : key(k), value(std::int64_t{v}) {}
  LogField(std::string_view k, unsigned v) : key(k), value(std::int64_t{v}) {}
  LogField(std::string_view k, std::uint64_t v) : key(k), value(static_cast<std::int64_t>(v)) {}
  LogField(std::string_view k, double v) : key(k), value(v) {}

  std::string_view key;
  std::variant<std::string_view, std::int64_t, double> value;
};

// Sets level and format for the whole process. Call once, before any thread logs.
void init_logging(const LogConfig& config);

// True when lines at `level` are written; lets callers skip building fields.
bool log_enabled(LogLevel level);

void log_event(LogLevel level, std::string_view event, std::initializer_list<LogField> fields);

}  // namespace veyra
