// Email addresses as accounts use them: trimmed, the domain lower-cased, the local part
// kept as typed; two addresses name the same account when they match ignoring case.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace veyra::accounts {

// The normalised address, or nullopt when `input` is not a plausible address: empty local
// part or domain, more than 254 characters, whitespace or control characters, a domain that
// starts or ends with '.' or '-'.
std::optional<std::string> normalize_email(std::string_view input);

// The key accounts are unique on: the whole address lower-cased (ASCII).
std::string email_key(std::string_view email);

}  // namespace veyra::accounts
