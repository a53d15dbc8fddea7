// The knobs a test or a gateway deployment turns to make the mock upstream misbehave.
// Every /v1 endpoint resolves its Controls from three places, later ones winning: the
// command-line defaults, directives in the model name ("mock-fail-503", "mock-slow-1500"),
// and the request body's `mock` object ({"tokens", "latency_ms", "chunk_delay_ms",
// "fail_status", "cut_after", "echo_headers"}).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/fwd.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "http/request.h"
#include "http/response.h"

namespace veyra::mock {

// The command-line defaults (--tokens, --latency-ms, --chunk-delay-ms).
struct MockDefaults {
  unsigned tokens = 16;
  unsigned latency_ms = 0;
  unsigned chunk_delay_ms = 0;
};

struct Controls {
  unsigned tokens = 16;               // completion length in tokens
  unsigned latency_ms = 0;            // wait before the response head (the first byte)
  unsigned chunk_delay_ms = 0;        // wait before each streamed chunk after the first
  unsigned fail_status = 0;           // 0 = succeed; else answer this status with an error envelope
  std::optional<unsigned> cut_after;  // streams: stop after this many content chunks
  bool echo_headers = false;          // the answer's content is the request headers as JSON
};

// Upper bounds that keep a typo in a test from pinning a connection for hours.
inline constexpr unsigned kMaxTokens = 100'000;
inline constexpr unsigned kMaxDelayMs = 600'000;

// Resolves the controls for one request. `body` is the parsed request object, or nullptr
// when the endpoint has none (multipart); `mock_field` then supplies the `mock` object.
// Out-of-range numbers are clamped; values of the wrong type are ignored.
Controls resolve_controls(const MockDefaults& defaults, std::string_view model,
                          const boost::json::object* mock_field);

// The `mock` member of a request object, or nullptr when absent or not an object.
const boost::json::object* mock_field(const boost::json::object& body);

// An OpenAI-style failure with the given status: {"error":{"message","type","code"}}.
// REQUIRES: 400 <= status <= 599.
http::Response failure_response(unsigned status);

// Sleeps on the calling coroutine's executor; returns at once for zero.
boost::asio::awaitable<void> sleep_ms(unsigned milliseconds);

// Applies the latency, then answers the failure when one is asked for. Returns nullopt when
// the handler should go on and produce its normal answer.
boost::asio::awaitable<std::optional<http::Response>> run_prelude(const Controls& controls);

// The request headers as one JSON object with lower-cased names; repeated headers are
// joined with ", ".
std::string headers_json(const http::Request& request);

// `text` lower-cased (ASCII).
std::string ascii_lower(std::string_view text);

}  // namespace veyra::mock
