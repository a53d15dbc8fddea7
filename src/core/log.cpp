#include "core/log.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>

#include "core/config.h"

namespace veyra {
namespace {

std::atomic<LogLevel> g_level{LogLevel::info};
std::atomic<bool> g_json{false};

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::trace:
      return "trace";
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::error:
      return "error";
    case LogLevel::off:
      return "off";
  }
  return "info";
}

LogLevel parse_level(std::string_view name) {
  for (auto level : {LogLevel::trace, LogLevel::debug, LogLevel::info, LogLevel::warn,
                     LogLevel::error, LogLevel::off}) {
    if (level_name(level) == name) return level;
  }
  return LogLevel::info;
}

void append_json_string(fmt::memory_buffer& out, std::string_view text) {
  out.push_back('"');
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out.append(std::string_view("\\\""));
        break;
      case '\\':
        out.append(std::string_view("\\\\"));
        break;
      case '\n':
        out.append(std::string_view("\\n"));
        break;
      case '\r':
        out.append(std::string_view("\\r"));
        break;
      case '\t':
        out.append(std::string_view("\\t"));
        break;
      default:
        if (c < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

// Text values are quoted only when they would otherwise be ambiguous.
void append_text_value(fmt::memory_buffer& out, std::string_view text) {
  bool plain = !text.empty();
  for (unsigned char c : text) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c >= 0x7f) {
      plain = false;
      break;
    }
  }
  if (plain) {
    out.append(text);
  } else {
    append_json_string(out, text);
  }
}

spdlog::logger& logger() {
  static auto instance = [] {
    auto sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
    auto made = std::make_shared<spdlog::logger>("veyra", sink);
    made->set_pattern("%v");
    made->set_level(spdlog::level::trace);
    made->flush_on(spdlog::level::trace);
    return made;
  }();
  return *instance;
}

}  // namespace

void init_logging(const LogConfig& config) {
  g_level = parse_level(config.level);
  g_json = config.format == "json";
  logger();
}

bool log_enabled(LogLevel level) {
  return level != LogLevel::off && level >= g_level.load();
}

void log_event(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) {
  if (!log_enabled(level)) return;

  auto now = std::chrono::system_clock::now();
  auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now - seconds).count();
  fmt::memory_buffer line;
  bool json = g_json.load();
  if (json) {
    fmt::format_to(std::back_inserter(line),
                   R"({{"ts":"{:%Y-%m-%dT%H:%M:%S}.{:03}Z","level":"{}",)", seconds, millis,
                   level_name(level));
    line.append(std::string_view(R"("event":)"));
    append_json_string(line, event);
  } else {
    fmt::format_to(std::back_inserter(line), "{:%Y-%m-%dT%H:%M:%S}.{:03}Z {} {}", seconds, millis,
                   level_name(level), event);
  }

  for (const LogField& field : fields) {
    if (json) {
      line.push_back(',');
      append_json_string(line, field.key);
      line.push_back(':');
    } else {
      line.push_back(' ');
      line.append(field.key);
      line.push_back('=');
    }
    if (auto* text = std::get_if<std::string_view>(&field.value)) {
      json ? append_json_string(line, *text) : append_text_value(line, *text);
    } else if (auto* integer = std::get_if<std::int64_t>(&field.value)) {
      fmt::format_to(std::back_inserter(line), "{}", *integer);
    } else {
      fmt::format_to(std::back_inserter(line), "{:.3f}", std::get<double>(field.value));
    }
  }
  if (json) line.push_back('}');

  logger().log(spdlog::level::info, std::string_view(line.data(), line.size()));
}

}  // namespace veyra
