// IPv4/IPv6 address ranges, for trusted_proxies. Parsing and matching never allocate on the
// match path and never throw.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace veyra {

// An address as 16 bytes; IPv4 is stored IPv4-mapped (::ffff:a.b.c.d) so that a v4 peer
// seen on a dual-stack socket matches a v4 range.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};

  // Accepts "1.2.3.4", "::1", "::ffff:1.2.3.4"; surrounding brackets are not accepted.
  static std::optional<IpAddress> parse(std::string_view text);
};

struct Cidr {
  IpAddress network;
  unsigned prefix_bits = 128;  // counted on the 16-byte form (v4 /24 is stored as /120)
  std::string text;            // as written, for logs and errors

  // Accepts "10.0.0.0/8", "::1/128" or a bare address (a single host).
  static std::optional<Cidr> parse(std::string_view text);

  bool contains(const IpAddress& address) const;
};

}  // namespace veyra
