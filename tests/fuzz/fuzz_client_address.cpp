// Untrusted input: the X-Forwarded-For header and the socket peer text. Also exercises
// the CIDR and address parsers used for trusted_proxies.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/client_address.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t split = input.find('|');
  std::string_view peer = input.substr(0, split);
  std::string_view forwarded = split == std::string_view::npos ? "" : input.substr(split + 1);

  static const std::vector<veyra::Cidr> trusted = {*veyra::Cidr::parse("127.0.0.0/8"),
                                                   *veyra::Cidr::parse("10.0.0.0/8"),
                                                   *veyra::Cidr::parse("::1")};
  std::string address = veyra::http::client_address(peer, forwarded, trusted);
  if (address.size() > peer.size() + forwarded.size()) __builtin_trap();

  auto range = veyra::Cidr::parse(input);
  auto ip = veyra::IpAddress::parse(input);
  if (range && ip) (void)range->contains(*ip);
  return 0;
}
