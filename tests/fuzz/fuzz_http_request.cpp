// Untrusted input: raw bytes on a connection, parsed by Beast's request parser with the
// limits Veyra configures (16 KiB of headers, a body limit), then the header checks the
// connection applies (X-Request-Id validation, Expect, Content-Length).
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>

#include "core/ids.h"

namespace bhttp = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::system::error_code ec;
  std::size_t used = 0;
  while (used < size && !ec && !parser.is_done()) {
    std::size_t n = parser.put(boost::asio::const_buffer(data + used, size - used), ec);
    if (n == 0) break;
    used += n;
  }
  if (ec || !parser.is_header_done()) return 0;

  const auto& message = parser.get();
  (void)veyra::valid_request_id(message["X-Request-Id"]);
  (void)bhttp::token_list(message["Expect"]).exists("100-continue");
  (void)parser.content_length();
  (void)message.keep_alive();
  return 0;
}
