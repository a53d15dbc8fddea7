// multipart/form-data (RFC 7578 over RFC 2046): a streaming parser for request bodies, a
// collector for the common case of a body already in memory, and a builder for forwarding a
// form to a provider. Beast-free; every byte parsed here comes from a client.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace veyra::http {

// The boundary parameter of a Content-Type value such as
// `multipart/form-data; boundary="----abc"`: type and parameter names match case-insensitively,
// the value may be quoted. Nullopt when the type is not multipart/form-data or the boundary is
// missing or breaks RFC 2046 (1 to 70 characters of DIGIT ALPHA ' ( ) + _ , - . / : = ? and
// space, not ending in a space).
std::optional<std::string> multipart_boundary(std::string_view content_type);

struct MultipartLimits {
  std::size_t max_parts = 32;
  std::size_t max_part_header_bytes = 8 * 1024;
  std::size_t max_field_bytes = 64 * 1024;  // parts without a filename
  std::size_t max_file_bytes = 25 * 1000 * 1000;
};

// What a part's headers say about it.
struct MultipartPartInfo {
  std::string name;  // Content-Disposition `name`, never empty
  // `filename*` when in UTF-8, else `filename`; empty when only an unreadable `filename*` came.
  std::optional<std::string> filename;
  std::string content_type;  // the part's Content-Type, empty when absent
};

// Receives a form as it is parsed. For each part, in order: on_part_begin once,
// on_part_data zero or more times with consecutive non-empty pieces of its content, then
// on_part_end, unless the parser fails first. Views are valid only during the call.
class MultipartSink {
 public:
  virtual ~MultipartSink() = default;
  virtual void on_part_begin(const MultipartPartInfo& info) = 0;
  virtual void on_part_data(std::string_view bytes) = 0;
  virtual void on_part_end() = 0;
};

// Parses one multipart/form-data body that arrives in pieces of any size (a boundary may be
// split across them). Part content is streamed to the sink, never buffered whole: the parser
// holds at most one part's headers and a boundary's worth of content across feeds. Preamble
// and epilogue are ignored. Every part needs a `Content-Disposition: form-data` header with a
// non-empty name; other headers than that and Content-Type are ignored. Lines end in CRLF;
// spaces or tabs may follow a boundary. `filename` is passed on as sent: it is not a safe path.
//
// Errors (the first one sticks; later feeds return it again and call no sink method):
// - ErrorCode::invalid_field for a malformed body (param: the part's name when known);
// - ErrorCode::payload_too_large when a limit is exceeded (param: the part's name for a
//   field or file that is too large), before the sink sees any byte past the limit.
//
// Not thread-safe. `sink` must outlive the parser.
class MultipartParser {
 public:
  // `boundary` as returned by multipart_boundary; an invalid one makes every feed fail.
  MultipartParser(std::string boundary, MultipartSink& sink, MultipartLimits limits = {});

  // Parses the next piece of the body, calling the sink for what it completes. Ok, or the
  // sticky error.
  Result<void> feed(std::string_view bytes);

  // At the end of the body: ok only when the closing `--boundary--` has been seen.
  Result<void> finish();

 private:
  enum class State {
    preamble,
    after_boundary,
    close_dash,
    padding,
    header_lf,
    headers,
    content,
    epilogue
  };

  Error fail(Error error);  // records the sticky error and returns it
  std::size_t consume_search(std::string_view bytes, bool to_sink);
  std::size_t consume_headers(std::string_view bytes);
  std::size_t consume_delimiter_tail(std::string_view bytes);
  Status emit(std::string_view bytes);
  std::string_view part_name() const;

  std::string delimiter_;  // "\r\n--" + boundary
  MultipartSink& sink_;
  MultipartLimits limits_;
  State state_ = State::preamble;
  std::string held_;          // content held back: it may be the start of the delimiter
  std::string header_block_;  // the current part's header lines, from their leading CRLF
  std::size_t padding_bytes_ = 0;
  std::size_t parts_ = 0;
  std::size_t part_bytes_ = 0;
  MultipartPartInfo part_;
  bool in_part_ = false;
  std::optional<Error> error_;
};

// One part of a collected form.
struct MultipartField {
  std::string name;
  std::optional<std::string> filename;
  std::string content_type;  // empty when the part gave none
  std::string data;
};

struct MultipartForm {
  std::vector<MultipartField> fields;  // in body order; a name may repeat

  // The first part named `name`, or nullptr. Valid while the form is unchanged.
  const MultipartField* find(std::string_view name) const;
};

// Parses a whole body. Errors: ErrorCode::unsupported_media_type when `content_type` is not
// multipart/form-data, ErrorCode::invalid_field when its boundary is missing or invalid, then
// those of MultipartParser.
Result<MultipartForm> parse_multipart_form(std::string_view content_type, std::string_view body,
                                           const MultipartLimits& limits = {});

// A fresh random boundary: "veyra-" and 32 base62 characters (about 190 bits).
std::string random_multipart_boundary();

// Builds a multipart/form-data body, part by part. In names and filenames `"` and `\` are
// backslash-escaped and CR, LF, NUL become %0D, %0A, %00 (browsers encode CR and LF the
// same way); CR, LF and NUL are dropped from content types.
// REQUIRES: no value contains "\r\n--" followed by the boundary (with the random default
// this holds with overwhelming probability).
class MultipartBuilder {
 public:
  explicit MultipartBuilder(std::string boundary = random_multipart_boundary());

  void add_field(std::string_view name, std::string_view value);

  // An empty `content_type` is sent as application/octet-stream.
  void add_file(std::string_view name, std::string_view filename, std::string_view content_type,
                std::string_view data);

  // "multipart/form-data; boundary=..." for the request carrying the body.
  std::string content_type() const;

  // The body, closed with the final boundary.
  std::string finish() &&;

 private:
  void begin_part(std::string_view name, const std::string_view* filename);

  std::string boundary_;
  std::string body_;
};

}  // namespace veyra::http
