// A small multipart/form-data reader (RFC 7578 over RFC 2046) for the mock's audio
// endpoint: it splits a fully buffered body into parts and reads each part's
// Content-Disposition name and filename and its Content-Type. It does not decode
// Content-Transfer-Encoding (form-data never uses it) nor RFC 5987 `filename*`.
// TODO(http): src/http will get a streaming parser for uploads; this one needs the whole body.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace veyra::mock {

struct FormPart {
  std::string name;
  std::optional<std::string> filename;  // set for file parts, even when empty
  std::string content_type;             // empty when the part has none
  std::string_view data;                // points into the body given to parse_multipart
};

// `name=value` parameters after the first ';' of a header value, names lower-cased,
// quoted values unquoted and unescaped. A ';' inside quotes does not split.
std::vector<std::pair<std::string, std::string>> header_parameters(std::string_view value);

// The media type of a Content-Type value, lower-cased, without parameters or spaces.
std::string media_type(std::string_view content_type);

// The boundary of a multipart Content-Type value, or nullopt when there is none or it is
// not 1 to 70 characters long.
std::optional<std::string> multipart_boundary(std::string_view content_type);

// The parts of `body`, in order, or nullopt when the body has no opening delimiter, a part
// is not terminated by a delimiter, or the closing delimiter is missing. The preamble and
// epilogue are ignored. The parts' data views point into `body`.
std::optional<std::vector<FormPart>> parse_multipart(std::string_view body,
                                                     std::string_view boundary);

// The first part named `name`, or nullptr.
const FormPart* find_part(const std::vector<FormPart>& parts, std::string_view name);

}  // namespace veyra::mock
