#include "controls.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <utility>
#include <vector>

namespace veyra::mock {
namespace {

constexpr std::string_view kFailPrefix = "mock-fail-";
constexpr std::string_view kSlowPrefix = "mock-slow-";

// The number that ends `model` after `prefix`, or nullopt when the name is not that directive.
std::optional<unsigned> directive_number(std::string_view model, std::string_view prefix) {
  if (!model.starts_with(prefix)) return std::nullopt;
  std::string_view digits = model.substr(prefix.size());
  unsigned number = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return number;
}

// A non-negative integer member clamped to `limit`; nullopt when absent or not a number.
std::optional<unsigned> unsigned_member(const boost::json::object& object, std::string_view key,
                                        unsigned limit) {
  const boost::json::value* found = object.if_contains(key);
  if (found == nullptr) return std::nullopt;
  double number = 0;
  if (found->is_int64()) {
    number = static_cast<double>(found->get_int64());
  } else if (found->is_uint64()) {
    number = static_cast<double>(found->get_uint64());
  } else if (found->is_double()) {
    number = found->get_double();
  } else {
    return std::nullopt;
  }
  return static_cast<unsigned>(std::clamp(number, 0.0, static_cast<double>(limit)));
}

bool valid_failure(unsigned status) {
  return status >= 400 && status <= 599;
}

struct FailureShape {
  std::string_view type;
  std::string_view code;
};

FailureShape failure_shape(unsigned status) {
  switch (status) {
    case 400:
      return {"invalid_request_error", "bad_request"};
    case 401:
      return {"authentication_error", "invalid_api_key"};
    case 403:
      return {"permission_error", "permission_denied"};
    case 404:
      return {"not_found_error", "model_not_found"};
    case 408:
      return {"timeout_error", "request_timeout"};
    case 429:
      return {"rate_limit_error", "rate_limit_exceeded"};
    case 500:
      return {"server_error", "internal_error"};
    case 502:
      return {"server_error", "bad_gateway"};
    case 503:
      return {"server_error", "service_unavailable"};
    case 504:
      return {"server_error", "gateway_timeout"};
    default:
      break;
  }
  return {status < 500 ? "invalid_request_error" : "server_error", "mock_failure"};
}

}  // namespace

const boost::json::object* mock_field(const boost::json::object& body) {
  const boost::json::value* found = body.if_contains("mock");
  return found != nullptr ? found->if_object() : nullptr;
}

Controls resolve_controls(const MockDefaults& defaults, std::string_view model,
                          const boost::json::object* mock) {
  Controls controls;
  controls.tokens = std::min(defaults.tokens, kMaxTokens);
  controls.latency_ms = std::min(defaults.latency_ms, kMaxDelayMs);
  controls.chunk_delay_ms = std::min(defaults.chunk_delay_ms, kMaxDelayMs);

  // Model-name directives let a gateway deployment point at a failure mode by config alone.
  if (auto status = directive_number(model, kFailPrefix); status && valid_failure(*status)) {
    controls.fail_status = *status;
  }
  if (auto latency = directive_number(model, kSlowPrefix)) {
    controls.latency_ms = std::min(*latency, kMaxDelayMs);
  }

  if (mock == nullptr) return controls;
  if (auto tokens = unsigned_member(*mock, "tokens", kMaxTokens)) controls.tokens = *tokens;
  if (auto latency = unsigned_member(*mock, "latency_ms", kMaxDelayMs)) {
    controls.latency_ms = *latency;
  }
  if (auto delay = unsigned_member(*mock, "chunk_delay_ms", kMaxDelayMs)) {
    controls.chunk_delay_ms = *delay;
  }
  if (auto status = unsigned_member(*mock, "fail_status", 999)) {
    controls.fail_status = valid_failure(*status) ? *status : 0;
  }
  if (auto cut = unsigned_member(*mock, "cut_after", kMaxTokens)) controls.cut_after = *cut;
  if (const boost::json::value* echo = mock->if_contains("echo_headers")) {
    if (echo->is_bool()) controls.echo_headers = echo->get_bool();
  }
  return controls;
}

http::Response failure_response(unsigned status) {
  FailureShape shape = failure_shape(status);
  boost::json::object error;
  error["message"] = "mock upstream failure with status " + std::to_string(status);
  error["type"] = shape.type;
  error["code"] = shape.code;
  error["param"] = nullptr;
  boost::json::object envelope;
  envelope["error"] = std::move(error);
  return http::Response::json(status, boost::json::serialize(envelope));
}

boost::asio::awaitable<void> sleep_ms(unsigned milliseconds) {
  if (milliseconds == 0) co_return;
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor,
                                  std::chrono::milliseconds(milliseconds));
  co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
}

boost::asio::awaitable<std::optional<http::Response>> run_prelude(const Controls& controls) {
  co_await sleep_ms(controls.latency_ms);
  if (controls.fail_status != 0) co_return failure_response(controls.fail_status);
  co_return std::nullopt;
}

std::string ascii_lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

std::string headers_json(const http::Request& request) {
  // Joined in arrival order so a repeated header reads as a proxy would fold it.
  std::vector<std::pair<std::string, std::string>> folded;
  folded.reserve(request.headers.size());
  for (const http::Header& header : request.headers) {
    std::string name = ascii_lower(header.name);
    auto same = std::find_if(folded.begin(), folded.end(),
                             [&](const auto& entry) { return entry.first == name; });
    if (same == folded.end()) {
      folded.emplace_back(std::move(name), std::string(header.value));
    } else {
      same->second.append(", ").append(header.value);
    }
  }
  boost::json::object object;
  object.reserve(folded.size());
  for (auto& [name, value] : folded) object[name] = value;
  return boost::json::serialize(object);
}

}  // namespace veyra::mock
