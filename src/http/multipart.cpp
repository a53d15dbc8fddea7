#include "http/multipart.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "core/ids.h"
#include "http/request.h"

namespace veyra::http {
namespace {

constexpr std::size_t kMaxBoundaryChars = 70;
// Spaces and tabs tolerated between a boundary and its CRLF (RFC 2046 transport padding).
constexpr std::size_t kMaxTransportPadding = 256;

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_token_char);
}

// RFC 2046 bchars.
bool valid_boundary(std::string_view boundary) {
  if (boundary.empty() || boundary.size() > kMaxBoundaryChars || boundary.back() == ' ') {
    return false;
  }
  return std::all_of(boundary.begin(), boundary.end(), [](char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
  });
}

struct Parameter {
  std::string name;
  std::string value;
};

// The `; name=value` list after a media type or disposition type, values being tokens or
// quoted strings with backslash escapes. Unquoted values run to the next ';' (trimmed), which
// also accepts what sloppy clients send. False on malformed syntax.
bool parse_parameters(std::string_view text, std::vector<Parameter>& out) {
  std::size_t pos = 0;
  auto skip_spaces = [&] {
    while (pos < text.size() && is_space(text[pos])) ++pos;
  };

  while (true) {
    skip_spaces();
    if (pos == text.size()) return true;
    if (text[pos] != ';') return false;
    ++pos;
    skip_spaces();
    if (pos == text.size()) return true;

    Parameter parameter;
    std::size_t name_start = pos;
    while (pos < text.size() && is_token_char(text[pos])) ++pos;
    parameter.name = text.substr(name_start, pos - name_start);
    skip_spaces();
    if (parameter.name.empty() || pos == text.size() || text[pos] != '=') return false;
    ++pos;
    skip_spaces();

    if (pos < text.size() && text[pos] == '"') {
      ++pos;
      while (pos < text.size() && text[pos] != '"') {
        if (text[pos] == '\\' && pos + 1 < text.size()) ++pos;
        parameter.value.push_back(text[pos++]);
      }
      if (pos == text.size()) return false;
      ++pos;
    } else {
      std::size_t end = std::min(text.find(';', pos), text.size());
      parameter.value = trim(text.substr(pos, end - pos));
      pos = end;
    }
    out.push_back(std::move(parameter));
  }
}

// The media type before the parameters, e.g. "multipart/form-data".
std::string_view media_type(std::string_view content_type) {
  return trim(content_type.substr(0, content_type.find(';')));
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// An RFC 5987 ext-value (`UTF-8'lang'percent%20encoded`) decoded, or nullopt when it is
// malformed or in another charset.
std::optional<std::string> decode_ext_value(std::string_view text) {
  std::size_t first = text.find('\'');
  std::size_t second = first == std::string_view::npos ? first : text.find('\'', first + 1);
  if (second == std::string_view::npos || !iequals(text.substr(0, first), "UTF-8")) {
    return std::nullopt;
  }

  std::string out;
  for (std::size_t i = second + 1; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size() || hex_digit(text[i + 1]) < 0 || hex_digit(text[i + 2]) < 0) {
        return std::nullopt;
      }
      out.push_back(static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2])));
      i += 2;
    } else if (is_token_char(c)) {
      out.push_back(c);
    } else {
      return std::nullopt;
    }
  }
  return out;
}

// "64 KiB", "25 MB": a limit as the error message states it.
std::string describe_size(std::size_t bytes) {
  if (bytes >= 1000 * 1000 && bytes % (1000 * 1000) == 0) {
    return std::to_string(bytes / (1000 * 1000)) + " MB";
  }
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
    return std::to_string(bytes / (1024 * 1024)) + " MiB";
  }
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes / 1024) + " KiB";
  if (bytes >= 1000 && bytes % 1000 == 0) return std::to_string(bytes / 1000) + " kB";
  return std::to_string(bytes) + " bytes";
}

Error malformed(std::string message, std::string_view param = {}) {
  return make_error(ErrorCode::invalid_field, std::move(message), std::string(param));
}

// Where `delimiter` (which holds a single CR, its first byte) starts in `text`: either in
// full, or as a proper prefix running to the end of `text`. Linear in text.size(): candidates
// are CRs, and a candidate that matches k bytes is followed by no CR in those k bytes.
struct DelimiterHit {
  std::size_t pos;
  bool full;
};

DelimiterHit find_delimiter(std::string_view text, std::string_view delimiter) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const void* cr = std::memchr(text.data() + pos, '\r', text.size() - pos);
    if (cr == nullptr) break;
    pos = static_cast<const char*>(cr) - text.data();
    std::size_t available = std::min(text.size() - pos, delimiter.size());
    if (std::memcmp(text.data() + pos, delimiter.data(), available) == 0) {
      return {pos, available == delimiter.size()};
    }
    ++pos;
  }
  return {text.size(), false};
}

// Fills `part` from one Content-Disposition value; an Error for anything but a well-formed
// `form-data` disposition with a non-empty name.
Status parse_disposition(std::string_view value, MultipartPartInfo& part) {
  std::size_t semicolon = value.find(';');
  if (!iequals(trim(value.substr(0, semicolon)), "form-data")) {
    return malformed("a form part's Content-Disposition is not form-data");
  }
  std::vector<Parameter> parameters;
  if (semicolon == std::string_view::npos) semicolon = value.size();
  if (!parse_parameters(value.substr(semicolon), parameters)) {
    return malformed("a form part has a malformed Content-Disposition header");
  }

  std::optional<std::string> name, filename, ext_filename;
  for (Parameter& parameter : parameters) {
    std::optional<std::string>* slot = nullptr;
    if (iequals(parameter.name, "name")) slot = &name;
    if (iequals(parameter.name, "filename")) slot = &filename;
    if (iequals(parameter.name, "filename*")) slot = &ext_filename;
    if (slot == nullptr) continue;
    if (slot->has_value()) return malformed("a form part repeats a Content-Disposition parameter");
    *slot = std::move(parameter.value);
  }

  if (!name || name->empty()) return malformed("a form part has no name");
  part.name = std::move(*name);
  // An unreadable filename* still marks a file part, so that file limits apply.
  if (ext_filename) {
    std::optional<std::string> decoded = decode_ext_value(*ext_filename);
    if (decoded) {
      filename = std::move(decoded);
    } else if (!filename) {
      filename.emplace();
    }
  }
  part.filename = std::move(filename);
  return {};
}

// Fills `part` from the header lines of a part (CRLF-separated, without the blank line).
Status parse_part_headers(std::string_view lines, MultipartPartInfo& part) {
  bool has_disposition = false, has_content_type = false;
  while (!lines.empty()) {
    std::size_t end = std::min(lines.find("\r\n"), lines.size());
    std::string_view line = lines.substr(0, end);
    lines.remove_prefix(std::min(end + 2, lines.size()));

    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon)) ||
        line.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
      return malformed("a form part has a malformed header line");
    }
    std::string_view name = line.substr(0, colon);
    std::string_view value = trim(line.substr(colon + 1));

    if (iequals(name, "Content-Disposition")) {
      if (has_disposition) return malformed("a form part has two Content-Disposition headers");
      has_disposition = true;
      if (Status status = parse_disposition(value, part); !status) return status;
    } else if (iequals(name, "Content-Type")) {
      if (has_content_type) return malformed("a form part has two Content-Type headers");
      has_content_type = true;
      part.content_type = value;
    }
  }

  if (!has_disposition) return malformed("a form part has no Content-Disposition header");
  return {};
}

class FormCollector : public MultipartSink {
 public:
  explicit FormCollector(MultipartForm& form) : form_(form) {}

  void on_part_begin(const MultipartPartInfo& info) override {
    form_.fields.push_back({info.name, info.filename, info.content_type, {}});
  }
  void on_part_data(std::string_view bytes) override { form_.fields.back().data.append(bytes); }
  void on_part_end() override {}

 private:
  MultipartForm& form_;
};

// A name or filename inside a quoted-string: `"` and `\` escaped; CR, LF and NUL, which a
// header line cannot carry, percent-encoded as browsers do.
void append_quoted(std::string& out, std::string_view text) {
  out.push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\r') {
      out += "%0D";
    } else if (c == '\n') {
      out += "%0A";
    } else if (c == '\0') {
      out += "%00";
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  if (!iequals(media_type(content_type), "multipart/form-data")) return std::nullopt;
  std::vector<Parameter> parameters;
  std::size_t semicolon = content_type.find(';');
  if (semicolon == std::string_view::npos) return std::nullopt;
  if (!parse_parameters(content_type.substr(semicolon), parameters)) return std::nullopt;

  std::optional<std::string> boundary;
  for (Parameter& parameter : parameters) {
    if (!iequals(parameter.name, "boundary")) continue;
    if (boundary) return std::nullopt;  // two boundaries: no way to tell which one is meant
    boundary = std::move(parameter.value);
  }
  if (!boundary || !valid_boundary(*boundary)) return std::nullopt;
  return boundary;
}

MultipartParser::MultipartParser(std::string boundary, MultipartSink& sink, MultipartLimits limits)
    : delimiter_("\r\n--" + boundary), sink_(sink), limits_(limits) {
  if (!valid_boundary(boundary)) error_ = malformed("the multipart boundary is invalid");
  // The body may open with its first boundary: pretend a CRLF came before it.
  held_ = "\r\n";
}

Error MultipartParser::fail(Error error) {
  error_ = std::move(error);
  return *error_;
}

std::string_view MultipartParser::part_name() const {
  return in_part_ ? std::string_view(part_.name) : std::string_view();
}

Result<void> MultipartParser::feed(std::string_view bytes) {
  if (error_) return *error_;

  while (!bytes.empty() && state_ != State::epilogue) {
    std::size_t used = 0;
    switch (state_) {
      case State::preamble:
        used = consume_search(bytes, false);
        break;
      case State::content:
        used = consume_search(bytes, true);
        break;
      case State::headers:
        used = consume_headers(bytes);
        break;
      default:
        used = consume_delimiter_tail(bytes);
        break;
    }
    if (error_) return *error_;
    bytes.remove_prefix(used);
  }
  return {};
}

Result<void> MultipartParser::finish() {
  if (error_) return *error_;
  if (state_ != State::epilogue) {
    return fail(malformed("the form ends before its closing boundary", part_name()));
  }
  return {};
}

// In the preamble or a part's content: passes content on (when `emit`) up to the next
// delimiter, holding back a tail that may be the delimiter's start. Returns the bytes used.
std::size_t MultipartParser::consume_search(std::string_view bytes, bool to_sink) {
  auto pass_on = [&](std::string_view content) { return to_sink ? emit(content) : Status(); };
  auto on_delimiter = [&] {
    if (state_ == State::content) {
      sink_.on_part_end();
      in_part_ = false;
    }
    state_ = State::after_boundary;
    padding_bytes_ = 0;
  };

  // A held tail is completed with at most one delimiter's worth of new bytes: any delimiter
  // that starts inside it ends inside that window.
  if (!held_.empty()) {
    std::size_t old_size = held_.size();
    std::size_t take = std::min(bytes.size(), delimiter_.size());
    held_.append(bytes.substr(0, take));
    DelimiterHit hit = find_delimiter(held_, delimiter_);

    if (hit.full) {
      if (!pass_on(std::string_view(held_).substr(0, hit.pos))) return 0;
      held_.clear();
      on_delimiter();
      return hit.pos + delimiter_.size() - old_size;
    }
    if (take == bytes.size()) {
      if (!pass_on(std::string_view(held_).substr(0, hit.pos))) return 0;
      held_.erase(0, hit.pos);
      return take;
    }
    held_.resize(old_size);
    if (!pass_on(held_)) return 0;
    held_.clear();
  }

  DelimiterHit hit = find_delimiter(bytes, delimiter_);
  if (!pass_on(bytes.substr(0, hit.pos))) return 0;
  if (hit.full) {
    on_delimiter();
    return hit.pos + delimiter_.size();
  }
  held_.assign(bytes.substr(hit.pos));
  return bytes.size();
}

// After a delimiter: `--` closes the form, else optional padding and CRLF open a part.
std::size_t MultipartParser::consume_delimiter_tail(std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    char c = bytes[i];
    bool ok = true;
    switch (state_) {
      case State::after_boundary:
      case State::padding:
        if (c == '-' && state_ == State::after_boundary) {
          state_ = State::close_dash;
        } else if (is_space(c) && ++padding_bytes_ <= kMaxTransportPadding) {
          state_ = State::padding;
        } else if (c == '\r') {
          state_ = State::header_lf;
        } else {
          ok = false;
        }
        break;
      case State::close_dash:
        if (c != '-') {
          ok = false;
          break;
        }
        state_ = State::epilogue;
        return i + 1;
      case State::header_lf:
        if (c != '\n') {
          ok = false;
          break;
        }
        if (parts_ == limits_.max_parts) {
          fail(
              make_error(ErrorCode::payload_too_large,
                         "the form has more than " + std::to_string(limits_.max_parts) + " parts"));
          return 0;
        }
        ++parts_;
        part_ = {};
        header_block_ = "\r\n";
        state_ = State::headers;
        return i + 1;
      default:
        ok = false;
        break;
    }
    if (!ok) {
      fail(malformed("the form has a malformed boundary line"));
      return 0;
    }
  }
  return bytes.size();
}

// Collects a part's header lines up to the blank line, within max_part_header_bytes.
// header_block_ starts with the CRLF that ended the boundary line, so the blank line is
// always found as CRLF CRLF, even right away.
std::size_t MultipartParser::consume_headers(std::string_view bytes) {
  std::size_t capacity = limits_.max_part_header_bytes + 4;
  std::size_t old_size = header_block_.size();
  std::size_t take = std::min(bytes.size(), capacity - old_size);
  header_block_.append(bytes.substr(0, take));

  std::size_t end = header_block_.find("\r\n\r\n", old_size < 3 ? 0 : old_size - 3);
  if (end == std::string::npos) {
    if (header_block_.size() < capacity) return take;
    fail(make_error(
        ErrorCode::payload_too_large,
        "a form part's headers are larger than " + describe_size(limits_.max_part_header_bytes)));
    return 0;
  }

  // The block starts with a CRLF, so `end` is 0 (no header lines) or past that CRLF.
  std::string_view lines;
  if (end > 0) lines = std::string_view(header_block_).substr(2, end - 2);
  if (Status status = parse_part_headers(lines, part_); !status) {
    fail(std::move(status).error());
    return 0;
  }
  sink_.on_part_begin(part_);
  in_part_ = true;
  part_bytes_ = 0;
  state_ = State::content;
  return end + 4 - old_size;
}

Status MultipartParser::emit(std::string_view bytes) {
  if (bytes.empty()) return {};
  bool is_file = part_.filename.has_value();
  std::size_t limit = is_file ? limits_.max_file_bytes : limits_.max_field_bytes;
  if (part_bytes_ + bytes.size() > limit) {
    std::string what = is_file ? "file" : "form field";
    return fail(make_error(ErrorCode::payload_too_large,
                           what + " is larger than " + describe_size(limit), part_.name));
  }
  part_bytes_ += bytes.size();
  sink_.on_part_data(bytes);
  return {};
}

const MultipartField* MultipartForm::find(std::string_view name) const {
  for (const MultipartField& field : fields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

Result<MultipartForm> parse_multipart_form(std::string_view content_type, std::string_view body,
                                           const MultipartLimits& limits) {
  if (!iequals(media_type(content_type), "multipart/form-data")) {
    return make_error(ErrorCode::unsupported_media_type,
                      "Content-Type must be multipart/form-data");
  }
  std::optional<std::string> boundary = multipart_boundary(content_type);
  if (!boundary) return malformed("Content-Type multipart/form-data has no valid boundary");

  MultipartForm form;
  FormCollector collector(form);
  MultipartParser parser(std::move(*boundary), collector, limits);
  if (Status status = parser.feed(body); !status) return std::move(status).error();
  if (Status status = parser.finish(); !status) return std::move(status).error();
  return form;
}

std::string random_multipart_boundary() {
  return "veyra-" + random_base62(32);
}

MultipartBuilder::MultipartBuilder(std::string boundary) : boundary_(std::move(boundary)) {}

void MultipartBuilder::begin_part(std::string_view name, const std::string_view* filename) {
  body_ += "--";
  body_ += boundary_;
  body_ += "\r\nContent-Disposition: form-data; name=";
  append_quoted(body_, name);
  if (filename != nullptr) {
    body_ += "; filename=";
    append_quoted(body_, *filename);
  }
  body_ += "\r\n";
}

void MultipartBuilder::add_field(std::string_view name, std::string_view value) {
  begin_part(name, nullptr);
  body_ += "\r\n";
  body_ += value;
  body_ += "\r\n";
}

void MultipartBuilder::add_file(std::string_view name, std::string_view filename,
                                std::string_view content_type, std::string_view data) {
  body_.reserve(body_.size() + data.size() + name.size() + filename.size() + 128);
  begin_part(name, &filename);
  body_ += "Content-Type: ";
  if (content_type.empty()) content_type = "application/octet-stream";
  for (char c : content_type) {
    if (c != '\r' && c != '\n' && c != '\0') body_.push_back(c);
  }
  body_ += "\r\n\r\n";
  body_ += data;
  body_ += "\r\n";
}

std::string MultipartBuilder::content_type() const {
  std::string out = "multipart/form-data; boundary=";
  if (is_token(boundary_)) {
    out += boundary_;
  } else {
    append_quoted(out, boundary_);
  }
  return out;
}

std::string MultipartBuilder::finish() && {
  body_ += "--";
  body_ += boundary_;
  body_ += "--\r\n";
  return std::move(body_);
}

}  // namespace veyra::http
