// Server-Sent Events (`text/event-stream`, WHATWG HTML "Parsing an event stream"): an
// incremental parser for the streams upstream providers answer with, and the writer for the
// streams Veyra answers with. Beast-free and allocation-light: it runs on every chunk of
// every streamed answer.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace veyra::http {

struct SseEvent {
  std::string event;  // empty when the stream gave no `event:` line
  std::string data;   // data lines joined with '\n'
  std::string id;     // the last `id:` seen so far in the stream (it persists across events)
};

// Parses one event stream that arrives in pieces of any size: a piece may end mid-line,
// mid-field or between the CR and LF of a line ending.
//
// Rules (WHATWG): lines end in LF, CRLF or CR; one leading BOM is skipped; a line starting
// with ':' is a comment; `name: value` loses one space after the colon, a line without a
// colon is a field with an empty value; `data` values are joined with '\n'; `event` names the
// event; `id` (unless it contains NUL) sets the id of this and later events; `retry` and
// unknown fields are ignored; a blank line dispatches the event, unless it had no `data`
// line, in which case it is discarded.
//
// Not thread-safe: one parser belongs to one stream.
class SseParser {
 public:
  explicit SseParser(std::size_t max_event_bytes = 4 * 1024 * 1024);

  // Appends bytes of the stream. Returns false, and stays failed (later feeds are ignored),
  // when one event grows beyond max_event_bytes: its event name and data so far plus the line
  // being read (of any kind, comments included). The outcome does not depend on the split.
  bool feed(std::string_view bytes);

  // The next complete event, in stream order, or nullopt until more bytes arrive. Events
  // completed before a failure are still returned. Events wait here until taken: callers
  // drain them after each feed.
  std::optional<SseEvent> next();

  // True when the stream so far ends inside an event: a `data` or `event` line with no blank
  // line after it, or an unterminated non-comment line. At end of stream such an event is
  // dropped, as the spec says; callers report the truncation. Also true once failed(): the
  // event that broke the limit was never dispatched.
  bool has_partial_event() const;

  bool failed() const { return failed_; }

 private:
  void consume(std::string_view bytes);
  void process_line(std::string_view line);
  void dispatch();
  bool fits(std::size_t extra) const;

  std::size_t max_event_bytes_;
  std::size_t bom_matched_ = 0;  // leading bytes that matched the BOM so far
  bool bom_done_ = false;
  bool skip_lf_ = false;  // the last piece ended in CR: an LF right after it is the same end
  std::string partial_;   // the unterminated last line, across feeds
  std::string event_;     // event type buffer
  std::string data_;      // data buffer, each line followed by '\n'
  std::string last_id_;
  bool failed_ = false;
  std::vector<SseEvent> ready_;  // dispatched events from ready_head_ on
  std::size_t ready_head_ = 0;
};

// One event in wire form: `event: NAME\n` when `event_name` is non-empty, then one
// `data: LINE\n` per line of `data`, then a blank line. Lines of `data` are split on LF, CRLF
// and CR alike (a parser reads the result back with LF between them); CR and LF are removed
// from `event_name` so it cannot end the line early.
std::string format_sse_event(std::string_view data, std::string_view event_name = {});

// The same, appended to `out` (a stream relay reuses one buffer for every event).
void append_sse_event(std::string& out, std::string_view data, std::string_view event_name = {});

}  // namespace veyra::http
