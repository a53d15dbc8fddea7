#include "auth/jwt.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <limits>
#include <stdexcept>

#include "core/base64url.h"

namespace veyra::auth {
namespace {

namespace json = boost::json;

constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";
constexpr std::size_t kMacSize = 32;
constexpr std::size_t kMaxDecodedSize = base64url_decoded_size(JwtCodec::kMaxTokenSize);

// The members the codec reads; every other member is skipped whatever it holds.
enum class Field : std::uint8_t {
  other,
  // header
  alg,
  typ,
  crit,
  jku,
  jwk,
  x5u,
  // payload
  iss,
  sub,
  sid,
  iat,
  exp,
  nbf,
  amr,
  jti,
};

constexpr std::uint32_t bit(Field field) {
  return 1u << static_cast<unsigned>(field);
}

enum class Part { header, payload };

Field header_field(std::string_view key) {
  if (key == "alg") return Field::alg;
  if (key == "typ") return Field::typ;
  if (key == "crit") return Field::crit;
  if (key == "jku") return Field::jku;
  if (key == "jwk") return Field::jwk;
  if (key == "x5u") return Field::x5u;
  return Field::other;
}

Field payload_field(std::string_view key) {
  if (key.size() != 3) return Field::other;
  if (key == "iss") return Field::iss;
  if (key == "sub") return Field::sub;
  if (key == "sid") return Field::sid;
  if (key == "iat") return Field::iat;
  if (key == "exp") return Field::exp;
  if (key == "nbf") return Field::nbf;
  if (key == "amr") return Field::amr;
  if (key == "jti") return Field::jti;
  return Field::other;
}

// What the header and payload said, as far as the codec cares.
struct TokenFields {
  std::uint32_t seen = 0;  // bit(field) for every known member present
  std::string alg;
  std::string typ;
  AccessClaims claims;
  std::int64_t not_before = 0;
};

enum class Kind { object, array, string, integer, other_number, literal };

// Boost.JSON SAX handler reading the top-level members of one JSON object straight into
// TokenFields: no DOM, no allocation beyond the strings kept. Any known member holding the
// wrong type, appearing twice, or a root that is not an object stops the parse.
class FieldReader {
 public:
  static constexpr std::size_t max_array_size = -1;
  static constexpr std::size_t max_object_size = -1;
  static constexpr std::size_t max_string_size = -1;
  static constexpr std::size_t max_key_size = -1;

  FieldReader(Part part, TokenFields& fields) : part_(part), fields_(fields) {}

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }

  bool on_object_begin(json::error_code& ec) { return open(Kind::object, ec); }
  bool on_object_end(std::size_t, json::error_code&) { return close(); }
  bool on_array_begin(json::error_code& ec) { return open(Kind::array, ec); }
  bool on_array_end(std::size_t, json::error_code&) { return close(); }

  bool on_key_part(json::string_view part, std::size_t, json::error_code&) {
    if (depth_ == 1) text_.append(part.data(), part.size());
    return true;
  }
  bool on_key(json::string_view last, std::size_t, json::error_code& ec) {
    if (depth_ != 1) return true;
    field_ = part_ == Part::header ? header_field(joined(last)) : payload_field(joined(last));
    text_.clear();
    if (field_ == Field::other) return true;
    if (fields_.seen & bit(field_)) return reject(ec);
    fields_.seen |= bit(field_);
    return true;
  }

  bool on_string_part(json::string_view part, std::size_t, json::error_code&) {
    if (keeps_text()) text_.append(part.data(), part.size());
    return true;
  }
  bool on_string(json::string_view last, std::size_t, json::error_code& ec) {
    if (!accepts(Kind::string)) return reject(ec);
    if (keeps_text()) store(joined(last));
    text_.clear();
    return true;
  }

  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t value, json::string_view, json::error_code& ec) {
    if (!accepts(Kind::integer)) return reject(ec);
    if (depth_ == 1) store(value);
    return true;
  }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code& ec) {
    return accepts(Kind::other_number) || reject(ec);
  }
  bool on_double(double, json::string_view, json::error_code& ec) {
    return accepts(Kind::other_number) || reject(ec);
  }
  bool on_bool(bool, json::error_code& ec) { return accepts(Kind::literal) || reject(ec); }
  bool on_null(json::error_code& ec) { return accepts(Kind::literal) || reject(ec); }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  // Whether a value of `kind` may appear here: the root must be an object, a known member
  // must hold its type, and amr's elements must be strings.
  bool accepts(Kind kind) const {
    if (depth_ == 0) return kind == Kind::object;
    if (depth_ == 2 && field_ == Field::amr) return kind == Kind::string;
    if (depth_ != 1) return true;
    switch (field_) {
      case Field::alg:
      case Field::typ:
      case Field::iss:
      case Field::sub:
      case Field::sid:
      case Field::jti:
        return kind == Kind::string;
      case Field::iat:
      case Field::exp:
      case Field::nbf:
        return kind == Kind::integer;
      case Field::amr:
        return kind == Kind::array;
      default:
        return true;
    }
  }

  bool keeps_text() const {
    if (depth_ == 2) return field_ == Field::amr;
    return depth_ == 1 && field_ != Field::other;
  }

  // The whole string or key: `last` alone unless earlier parts were buffered.
  std::string_view joined(json::string_view last) {
    if (text_.empty()) return {last.data(), last.size()};
    text_.append(last.data(), last.size());
    return text_;
  }

  bool open(Kind kind, json::error_code& ec) {
    if (!accepts(kind)) return reject(ec);
    ++depth_;
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }

  void store(std::string_view text) {
    if (depth_ == 2) {
      std::vector<std::string>& amr = fields_.claims.amr;
      if (amr.empty()) amr.reserve(4);  // one allocation for the usual one to three methods
      amr.emplace_back(text);
      return;
    }
    switch (field_) {
      case Field::alg:
        fields_.alg.assign(text);
        break;
      case Field::typ:
        fields_.typ.assign(text);
        break;
      case Field::iss:
        fields_.claims.issuer.assign(text);
        break;
      case Field::sub:
        fields_.claims.subject.assign(text);
        break;
      case Field::sid:
        fields_.claims.session_id.assign(text);
        break;
      case Field::jti:
        fields_.claims.jti.assign(text);
        break;
      default:
        break;
    }
  }
  void store(std::int64_t value) {
    switch (field_) {
      case Field::iat:
        fields_.claims.issued_at = value;
        break;
      case Field::exp:
        fields_.claims.expires_at = value;
        break;
      case Field::nbf:
        fields_.not_before = value;
        break;
      default:
        break;
    }
  }

  static bool reject(json::error_code& ec) {
    ec = json::error::syntax;
    return false;
  }

  Part part_;
  TokenFields& fields_;
  int depth_ = 0;               // containers open around the current event
  Field field_ = Field::other;  // the top-level member being read
  std::string text_;            // a string or key whose parts arrive separately (escapes)
};

// Decodes one base64url segment and reads its JSON object into `fields`.
bool read_segment(std::string_view segment, Part part, TokenFields& fields) {
  std::array<char, kMaxDecodedSize> buffer;
  const std::optional<std::size_t> size = base64url_decode_into(segment, buffer);
  if (!size) return false;

  json::basic_parser<FieldReader> parser(json::parse_options{}, part, fields);
  json::error_code ec;
  const std::size_t used = parser.write_some(false, buffer.data(), *size, ec);
  return !ec && parser.done() && used == *size;
}

bool header_allowed(const TokenFields& fields) {
  constexpr std::uint32_t kForbidden =
      bit(Field::crit) | bit(Field::jku) | bit(Field::jwk) | bit(Field::x5u);
  if (fields.seen & kForbidden) return false;
  if (!(fields.seen & bit(Field::alg)) || fields.alg != "HS256") return false;
  return !(fields.seen & bit(Field::typ)) || fields.typ == "JWT";
}

// `now + kClockSkewSeconds`, saturating instead of overflowing.
std::int64_t latest_acceptable(std::int64_t now) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  return now > kMax - JwtCodec::kClockSkewSeconds ? kMax : now + JwtCodec::kClockSkewSeconds;
}

Result<AccessClaims> check_claims(TokenFields fields, std::string_view issuer, std::int64_t now) {
  constexpr std::uint32_t kRequired =
      bit(Field::iss) | bit(Field::sub) | bit(Field::sid) | bit(Field::iat) | bit(Field::exp);
  AccessClaims& claims = fields.claims;
  if ((fields.seen & kRequired) != kRequired || claims.issuer != issuer || claims.subject.empty() ||
      claims.session_id.empty()) {
    return make_error(ErrorCode::invalid_access_token);
  }

  if (claims.expires_at <= now) return make_error(ErrorCode::access_token_expired);
  const std::int64_t latest = latest_acceptable(now);
  if (claims.issued_at > latest) return make_error(ErrorCode::invalid_access_token);
  if ((fields.seen & bit(Field::nbf)) && fields.not_before > latest) {
    return make_error(ErrorCode::invalid_access_token);
  }
  return std::move(claims);
}

}  // namespace

namespace {

// Throws before the HMAC state is built when the secret is too short; the caller's copy
// is wiped either way.
std::string checked_secret(std::string secret) {
  if (secret.size() < JwtCodec::kMinSecretSize) {
    OPENSSL_cleanse(secret.data(), secret.size());
    throw std::invalid_argument("the JWT secret must be at least 32 bytes");
  }
  return secret;
}

}  // namespace

JwtCodec::JwtCodec(std::string secret, std::string issuer)
    : issuer_(std::move(issuer)),
      encoded_header_(base64url_encode(kHeader)),
      hmac_(checked_secret(std::move(secret))) {}

JwtCodec::~JwtCodec() = default;
JwtCodec::JwtCodec(JwtCodec&&) noexcept = default;
JwtCodec& JwtCodec::operator=(JwtCodec&&) noexcept = default;

std::string JwtCodec::sign(const AccessClaims& claims) const {
  json::object payload;
  payload["iss"] = issuer_;
  payload["sub"] = claims.subject;
  payload["sid"] = claims.session_id;
  payload["iat"] = claims.issued_at;
  payload["exp"] = claims.expires_at;
  json::array& amr = payload["amr"].emplace_array();
  for (const std::string& method : claims.amr) amr.emplace_back(method);
  payload["jti"] = claims.jti;

  std::string token = encoded_header_;
  token += '.';
  token += base64url_encode(json::serialize(payload));

  HmacSha256Mac mac;
  if (!hmac_.mac(token, mac)) throw std::bad_alloc();
  token += '.';
  token += base64url_encode({reinterpret_cast<const char*>(mac.data()), mac.size()});
  return token;
}

Result<AccessClaims> JwtCodec::verify(std::string_view token, std::int64_t now) const {
  if (token.size() > kMaxTokenSize) return make_error(ErrorCode::invalid_access_token);
  const std::size_t first_dot = token.find('.');
  const std::size_t second_dot = token.find('.', first_dot + 1);
  if (first_dot == std::string_view::npos || second_dot == std::string_view::npos ||
      token.find('.', second_dot + 1) != std::string_view::npos) {
    return make_error(ErrorCode::invalid_access_token);
  }
  const std::string_view header = token.substr(0, first_dot);
  const std::string_view payload = token.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signature = token.substr(second_dot + 1);

  // The header sign() writes is recognised byte for byte; any other is parsed and held to
  // the same rules, so only the common case skips the JSON parser.
  TokenFields fields;
  if (header != encoded_header_ &&
      (!read_segment(header, Part::header, fields) || !header_allowed(fields))) {
    return make_error(ErrorCode::invalid_access_token);
  }

  // Authenticate before reading a byte of the payload.
  HmacSha256Mac expected;
  std::array<char, kMacSize> presented;
  if (!hmac_.mac(token.substr(0, second_dot), expected)) {
    return make_error(ErrorCode::internal_error);
  }
  if (base64url_decode_into(signature, presented) != kMacSize ||
      CRYPTO_memcmp(expected.data(), presented.data(), kMacSize) != 0) {
    return make_error(ErrorCode::invalid_access_token);
  }

  if (!read_segment(payload, Part::payload, fields)) {
    return make_error(ErrorCode::invalid_access_token);
  }
  return check_claims(std::move(fields), issuer_, now);
}

}  // namespace veyra::auth
