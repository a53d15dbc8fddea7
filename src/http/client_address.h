// Who is calling: the socket peer, or, when the peer is a trusted proxy, the rightmost
// X-Forwarded-For entry that is not itself a trusted proxy (API.md, Conventions).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/cidr.h"

namespace veyra::http {

// `peer` is the socket's remote address as text ("127.0.0.1", "::1"). `forwarded_for` is the
// raw X-Forwarded-For value (may be empty; several headers joined with ", "). Entries that
// do not parse as addresses stop the walk: the last address trusted so far is the answer.
std::string client_address(std::string_view peer, std::string_view forwarded_for,
                           const std::vector<Cidr>& trusted_proxies);

}  // namespace veyra::http
