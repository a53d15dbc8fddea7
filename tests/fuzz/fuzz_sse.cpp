// Untrusted input: an upstream's text/event-stream body, arriving in pieces. The first byte
// picks the piece size and the second the event size limit; the rest is the stream. Events,
// failure and truncation must not depend on the cut, and every event must read back the same
// after format_sse_event.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "http/sse.h"

namespace {

using veyra::http::SseEvent;
using veyra::http::SseParser;

struct Outcome {
  std::vector<SseEvent> events;
  bool partial = false;
  bool failed = false;
};

Outcome parse(std::string_view stream, std::size_t piece, std::size_t limit) {
  SseParser parser(limit);
  Outcome outcome;
  for (std::size_t start = 0; start < stream.size(); start += piece) {
    bool ok = parser.feed(stream.substr(start, piece));
    if (ok == parser.failed()) __builtin_trap();
    while (auto event = parser.next()) outcome.events.push_back(std::move(*event));
  }
  outcome.partial = parser.has_partial_event();
  outcome.failed = parser.failed();
  return outcome;
}

bool same(const Outcome& a, const Outcome& b) {
  if (a.events.size() != b.events.size() || a.partial != b.partial || a.failed != b.failed) {
    return false;
  }
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    const SseEvent& x = a.events[i];
    const SseEvent& y = b.events[i];
    if (x.event != y.event || x.data != y.data || x.id != y.id) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  std::size_t piece = data[0] % 17 + 1;
  std::size_t limit = data[1] == 0 ? 4 * 1024 * 1024 : data[1] * 4;
  std::string_view stream(reinterpret_cast<const char*>(data) + 2, size - 2);

  Outcome whole = parse(stream, stream.size() + 1, limit);
  Outcome pieces = parse(stream, piece, limit);
  if (!same(whole, pieces)) __builtin_trap();

  for (const SseEvent& event : whole.events) {
    if (event.data.size() > limit) __builtin_trap();
    std::string wire = veyra::http::format_sse_event(event.data, event.event);
    Outcome back = parse(wire, wire.size() + 1, 4 * 1024 * 1024);
    if (back.events.size() != 1 || back.partial || back.events[0].data != event.data ||
        back.events[0].event != event.event) {
      __builtin_trap();
    }
  }
  return 0;
}
