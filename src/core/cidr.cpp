#include "core/cidr.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace veyra {
namespace {

// The longest textual IPv6 address ("ffff:...:255.255.255.255") is 45 characters.
constexpr std::size_t kMaxAddressText = 64;
constexpr unsigned kMappedPrefixBits = 96;  // ::ffff:0:0/96 holds every IPv4 address

// inet_pton wants a NUL-terminated string; copy into a stack buffer so parsing stays
// allocation-free.
bool to_c_string(std::string_view text, std::array<char, kMaxAddressText>& buffer) {
  if (text.empty() || text.size() >= buffer.size()) return false;
  std::memcpy(buffer.data(), text.data(), text.size());
  buffer[text.size()] = '\0';
  return true;
}

bool is_ipv4_text(std::string_view text) {
  return text.find(':') == std::string_view::npos;
}

// Zeroes every bit of `address` past the first `prefix_bits`.
void mask_host_bits(IpAddress& address, unsigned prefix_bits) {
  for (unsigned i = 0; i < address.bytes.size(); ++i) {
    unsigned first_bit = i * 8;
    if (first_bit >= prefix_bits) {
      address.bytes[i] = 0;
    } else if (prefix_bits - first_bit < 8) {
      unsigned kept = prefix_bits - first_bit;
      address.bytes[i] &= static_cast<std::uint8_t>(0xff << (8 - kept));
    }
  }
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  std::array<char, kMaxAddressText> buffer;
  if (!to_c_string(text, buffer)) return std::nullopt;

  IpAddress address;
  if (is_ipv4_text(text)) {
    in_addr v4;
    if (inet_pton(AF_INET, buffer.data(), &v4) != 1) return std::nullopt;
    address.bytes[10] = 0xff;
    address.bytes[11] = 0xff;
    std::memcpy(address.bytes.data() + 12, &v4.s_addr, 4);
    return address;
  }

  in6_addr v6;
  if (inet_pton(AF_INET6, buffer.data(), &v6) != 1) return std::nullopt;
  std::memcpy(address.bytes.data(), v6.s6_addr, 16);
  return address;
}

std::optional<Cidr> Cidr::parse(std::string_view text) {
  std::size_t slash = text.find('/');
  std::string_view address_text = text.substr(0, slash);
  auto address = IpAddress::parse(address_text);
  if (!address) return std::nullopt;

  // A bare address is a single host.
  bool v4 = is_ipv4_text(address_text);
  unsigned bits = v4 ? 32 : 128;
  if (slash != std::string_view::npos) {
    std::string_view prefix_text = text.substr(slash + 1);
    if (prefix_text.empty() || prefix_text.size() > 3) return std::nullopt;
    const char* end = prefix_text.data() + prefix_text.size();
    auto [stop, ec] = std::from_chars(prefix_text.data(), end, bits);
    if (ec != std::errc() || stop != end) return std::nullopt;
    if (bits > (v4 ? 32u : 128u)) return std::nullopt;
  }

  Cidr cidr;
  cidr.prefix_bits = v4 ? kMappedPrefixBits + bits : bits;
  cidr.network = *address;
  mask_host_bits(cidr.network, cidr.prefix_bits);
  cidr.text = std::string(text);
  return cidr;
}

bool Cidr::contains(const IpAddress& address) const {
  unsigned whole_bytes = prefix_bits / 8;
  if (std::memcmp(address.bytes.data(), network.bytes.data(), whole_bytes) != 0) return false;

  unsigned rest = prefix_bits % 8;
  if (rest == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (address.bytes[whole_bytes] & mask) == network.bytes[whole_bytes];
}

}  // namespace veyra
