#include "multipart.h"

#include <algorithm>
#include <functional>

#include "controls.h"
#include "http/request.h"

namespace veyra::mock {
namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr std::size_t kMaxBoundary = 70;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The position of `needle` in `haystack` at or after `from`, or npos. Horspool keeps a
// 25 MiB upload with a 40-character boundary cheap to scan.
std::size_t find_from(std::string_view haystack, std::string_view needle, std::size_t from) {
  if (from > haystack.size()) return std::string_view::npos;
  std::boyer_moore_horspool_searcher searcher(needle.begin(), needle.end());
  auto found =
      std::search(haystack.begin() + static_cast<std::ptrdiff_t>(from), haystack.end(), searcher);
  return found == haystack.end() ? std::string_view::npos
                                 : static_cast<std::size_t>(found - haystack.begin());
}

// Reads the part headers in `block` (lines separated by CRLF) into `part`. Returns false
// when the part has no form-data Content-Disposition with a name.
bool read_part_headers(std::string_view block, FormPart& part) {
  bool named = false;
  while (!block.empty()) {
    std::size_t end = block.find(kCrlf);
    std::string_view line = block.substr(0, end);
    block = end == std::string_view::npos ? std::string_view() : block.substr(end + 2);

    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = trim(line.substr(0, colon));
    std::string_view value = trim(line.substr(colon + 1));
    if (http::iequals(name, "Content-Type")) {
      part.content_type = std::string(value);
    } else if (http::iequals(name, "Content-Disposition")) {
      if (media_type(value) != "form-data") return false;
      for (auto& [key, text] : header_parameters(value)) {
        if (key == "name") {
          part.name = std::move(text);
          named = true;
        } else if (key == "filename") {
          part.filename = std::move(text);
        }
      }
    }
  }
  return named;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> header_parameters(std::string_view value) {
  std::vector<std::pair<std::string, std::string>> parameters;
  std::size_t pos = value.find(';');
  while (pos != std::string_view::npos && pos < value.size()) {
    ++pos;  // past ';'
    std::size_t equals = value.find('=', pos);
    std::size_t next_semicolon = value.find(';', pos);
    if (equals == std::string_view::npos || equals > next_semicolon) {
      pos = next_semicolon;  // a parameter without a value: skip it
      continue;
    }
    std::string key = ascii_lower(trim(value.substr(pos, equals - pos)));
    pos = equals + 1;
    while (pos < value.size() && (value[pos] == ' ' || value[pos] == '\t')) ++pos;

    std::string text;
    if (pos < value.size() && value[pos] == '"') {
      for (++pos; pos < value.size() && value[pos] != '"'; ++pos) {
        if (value[pos] == '\\' && pos + 1 < value.size()) ++pos;
        text.push_back(value[pos]);
      }
      pos = value.find(';', pos);
    } else {
      std::size_t end = value.find(';', pos);
      text = std::string(trim(value.substr(pos, end - pos)));
      pos = end;
    }
    parameters.emplace_back(std::move(key), std::move(text));
  }
  return parameters;
}

std::string media_type(std::string_view content_type) {
  return ascii_lower(trim(content_type.substr(0, content_type.find(';'))));
}

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  for (auto& [key, value] : header_parameters(content_type)) {
    if (key != "boundary") continue;
    if (value.empty() || value.size() > kMaxBoundary) return std::nullopt;
    return std::move(value);
  }
  return std::nullopt;
}

std::optional<std::vector<FormPart>> parse_multipart(std::string_view body,
                                                     std::string_view boundary) {
  const std::string dash_boundary = "--" + std::string(boundary);
  const std::string delimiter = std::string(kCrlf) + dash_boundary;

  // The first delimiter may open the body or follow a preamble.
  std::size_t pos = 0;
  if (!body.starts_with(dash_boundary)) {
    pos = find_from(body, delimiter, 0);
    if (pos == std::string_view::npos) return std::nullopt;
    pos += kCrlf.size();
  }

  std::vector<FormPart> parts;
  for (;;) {
    pos += dash_boundary.size();
    if (body.substr(pos, 2) == "--") return parts;  // the close delimiter
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) != kCrlf) return std::nullopt;
    pos += kCrlf.size();

    // Headers end at an empty line; a part may have none at all.
    std::size_t headers_end = body.substr(pos, 2) == kCrlf ? pos : find_from(body, "\r\n\r\n", pos);
    if (headers_end == std::string_view::npos) return std::nullopt;
    std::size_t data_start = headers_end + (headers_end == pos ? 2 : 4);
    std::size_t data_end = find_from(body, delimiter, data_start);
    if (data_end == std::string_view::npos) return std::nullopt;

    FormPart part;
    if (!read_part_headers(body.substr(pos, headers_end - pos), part)) return std::nullopt;
    part.data = body.substr(data_start, data_end - data_start);
    parts.push_back(std::move(part));
    pos = data_end + kCrlf.size();
  }
}

const FormPart* find_part(const std::vector<FormPart>& parts, std::string_view name) {
  auto found = std::find_if(parts.begin(), parts.end(),
                            [&](const FormPart& part) { return part.name == name; });
  return found == parts.end() ? nullptr : &*found;
}

}  // namespace veyra::mock
