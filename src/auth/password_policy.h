// The password rules of API.md, applied at registration, password reset and password change
// before anything is hashed. Thread-safe; cheap (no hashing), so it may run on an I/O thread.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/result.h"

namespace veyra::auth {

// Bounds in Unicode code points of the UTF-8 password, not bytes.
inline constexpr std::size_t kMinPasswordChars = 8;
inline constexpr std::size_t kMaxPasswordChars = 128;

// OK when `password` may be used by the account whose email is `email`. Otherwise a
// weak_password Error whose `param` is `param` (the request field: "password" or
// "new_password") and whose message names the rule that failed:
//   - not valid UTF-8, or fewer than 8 or more than 128 code points; longer input is
//     refused after a size check in constant time, never truncated or scanned;
//   - one of the 10,000 most common passwords (ASCII case-insensitive);
//   - equal to `email` or to its local part, the text before the last '@' (ASCII
//     case-insensitive).
// The first call that reaches the common-password rule loads the embedded list (about a
// millisecond); the list then lives until exit.
Status check_password(std::string_view password, std::string_view email, std::string_view param);

}  // namespace veyra::auth
