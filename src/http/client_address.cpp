#include "http/client_address.h"

namespace veyra::http {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool is_trusted(std::string_view address, const std::vector<Cidr>& trusted) {
  auto parsed = IpAddress::parse(address);
  if (!parsed) return false;
  for (const Cidr& range : trusted) {
    if (range.contains(*parsed)) return true;
  }
  return false;
}

}  // namespace

std::string client_address(std::string_view peer, std::string_view forwarded_for,
                           const std::vector<Cidr>& trusted_proxies) {
  if (trusted_proxies.empty() || forwarded_for.empty() || !is_trusted(peer, trusted_proxies)) {
    return std::string(peer);
  }

  // Walk right to left: each hop was added by the proxy to its right.
  std::string_view current = peer;
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    std::size_t comma = rest.rfind(',');
    std::string_view entry = trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (entry.empty()) continue;
    if (!IpAddress::parse(entry)) break;
    current = entry;
    if (!is_trusted(entry, trusted_proxies)) break;
  }
  return std::string(current);
}

}  // namespace veyra::http
