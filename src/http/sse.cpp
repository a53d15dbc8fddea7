#include "http/sse.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace veyra::http {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Offset of the first `c` in `bytes` at or after `from`, or bytes.size().
std::size_t find_byte(std::string_view bytes, char c, std::size_t from) {
  const void* hit = std::memchr(bytes.data() + from, c, bytes.size() - from);
  return hit == nullptr ? bytes.size() : static_cast<const char*>(hit) - bytes.data();
}

}  // namespace

SseParser::SseParser(std::size_t max_event_bytes) : max_event_bytes_(max_event_bytes) {}

bool SseParser::feed(std::string_view bytes) {
  if (failed_) return false;

  // The BOM may itself arrive split; bytes that start like one but are not stay content.
  if (!bom_done_) {
    while (bom_matched_ < kBom.size() && !bytes.empty() && bytes[0] == kBom[bom_matched_]) {
      ++bom_matched_;
      bytes.remove_prefix(1);
    }
    if (bom_matched_ < kBom.size() && bytes.empty()) return true;
    bom_done_ = true;
    if (bom_matched_ < kBom.size()) consume(kBom.substr(0, bom_matched_));
  }

  if (!failed_) consume(bytes);
  return !failed_;
}

// Walks the complete lines of `bytes` in place; only an unterminated last line is copied.
// Each byte is searched for LF and for CR at most once, so CR-only streams stay linear.
void SseParser::consume(std::string_view bytes) {
  std::size_t pos = 0;
  const std::size_t size = bytes.size();
  if (skip_lf_ && size > 0) {
    if (bytes[0] == '\n') pos = 1;
    skip_lf_ = false;
  }

  std::size_t next_lf = find_byte(bytes, '\n', pos);
  std::size_t next_cr = find_byte(bytes, '\r', pos);
  while (pos < size) {
    if (next_lf < pos) next_lf = find_byte(bytes, '\n', pos);
    if (next_cr < pos) next_cr = find_byte(bytes, '\r', pos);
    std::size_t eol = std::min(next_lf, next_cr);
    if (eol == size) break;

    std::string_view line = bytes.substr(pos, eol - pos);
    if (partial_.empty()) {
      process_line(line);
    } else if (!fits(partial_.size() + line.size())) {
      failed_ = true;
    } else {
      partial_.append(line);
      process_line(partial_);
      partial_.clear();
    }
    if (failed_) return;

    pos = eol + 1;
    if (bytes[eol] == '\r') {
      if (pos == size) {
        skip_lf_ = true;
      } else if (bytes[pos] == '\n') {
        ++pos;
      }
    }
  }

  if (pos < size) {
    if (!fits(partial_.size() + (size - pos))) {
      failed_ = true;
      return;
    }
    partial_.append(bytes.substr(pos));
  }
}

void SseParser::process_line(std::string_view line) {
  // Every line counts against the limit while it is read, whatever its kind, so the outcome
  // does not depend on where the stream was split.
  if (!fits(line.size())) {
    failed_ = true;
    return;
  }
  if (line.empty()) {
    dispatch();
    return;
  }
  if (line[0] == ':') return;

  std::size_t colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
  }

  if (field == "data") {
    data_.append(value);
    data_.push_back('\n');
  } else if (field == "event") {
    event_.assign(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) last_id_.assign(value);
  }
}

void SseParser::dispatch() {
  if (data_.empty()) {
    event_.clear();
    return;
  }
  data_.pop_back();
  ready_.push_back(SseEvent{std::move(event_), std::move(data_), last_id_});
  event_.clear();
  data_.clear();
}

bool SseParser::fits(std::size_t extra) const {
  return event_.size() + data_.size() + extra <= max_event_bytes_;
}

std::optional<SseEvent> SseParser::next() {
  if (ready_head_ == ready_.size()) return std::nullopt;
  SseEvent event = std::move(ready_[ready_head_++]);
  if (ready_head_ == ready_.size()) {
    ready_.clear();
    ready_head_ = 0;
  }
  return event;
}

bool SseParser::has_partial_event() const {
  if (failed_) return true;
  bool pending_bom = !bom_done_ && bom_matched_ > 0;
  bool open_line = !partial_.empty() && partial_[0] != ':';
  return !data_.empty() || !event_.empty() || open_line || pending_bom;
}

std::string format_sse_event(std::string_view data, std::string_view event_name) {
  std::string out;
  append_sse_event(out, data, event_name);
  return out;
}

void append_sse_event(std::string& out, std::string_view data, std::string_view event_name) {
  out.reserve(out.size() + data.size() + event_name.size() + 16);

  if (!event_name.empty()) {
    out += "event: ";
    for (char c : event_name) {
      if (c != '\r' && c != '\n') out.push_back(c);
    }
    out.push_back('\n');
  }

  std::size_t pos = 0;
  while (true) {
    std::size_t eol = data.find_first_of("\r\n", pos);
    out += "data: ";
    out.append(data.substr(pos, eol == std::string_view::npos ? eol : eol - pos));
    out.push_back('\n');
    if (eol == std::string_view::npos) break;
    pos = eol + 1;
    if (data[eol] == '\r' && pos < data.size() && data[pos] == '\n') ++pos;
  }
  out.push_back('\n');
}

}  // namespace veyra::http
