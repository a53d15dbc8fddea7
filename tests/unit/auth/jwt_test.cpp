#include "auth/jwt.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/base64url.h"

namespace veyra::auth {
namespace {

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef-veyra";
constexpr std::string_view kIssuer = "https://veyra.test";
constexpr std::int64_t kNow = 1'700'000'000;
constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";

AccessClaims sample_claims() {
  AccessClaims claims;
  claims.subject = "usr_alice";
  claims.session_id = "ses_1";
  claims.issued_at = kNow;
  claims.expires_at = kNow + 900;
  claims.amr = {"pwd", "otp"};
  claims.jti = "tkt_1";
  return claims;
}

// A payload as raw JSON members; an empty value leaves the member out.
struct RawClaims {
  std::string iss = R"("https://veyra.test")";
  std::string sub = R"("usr_alice")";
  std::string sid = R"("ses_1")";
  std::string iat = std::to_string(kNow);
  std::string exp = std::to_string(kNow + 900);
  std::string amr = R"(["pwd"])";
  std::string jti = R"("tkt_1")";
  std::string extra;  // more members, written verbatim after the others: R"(,"nbf":1)"

  std::string json() const {
    std::string out = "{";
    auto add = [&out](std::string_view name, const std::string& value) {
      if (value.empty()) return;
      if (out.size() > 1) out += ',';
      out += '"';
      out += name;
      out += "\":";
      out += value;
    };
    add("iss", iss);
    add("sub", sub);
    add("sid", sid);
    add("iat", iat);
    add("exp", exp);
    add("amr", amr);
    add("jti", jti);
    return out + extra + "}";
  }
};

// Builds a token with OpenSSL's one-shot HMAC(), independently of JwtCodec, so tests can
// present any header and payload with a genuine signature.
std::string forge(std::string_view header, std::string_view payload,
                  std::string_view secret = kSecret) {
  std::string token = base64url_encode(header) + "." + base64url_encode(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(token.data()), token.size(), mac, &mac_size);
  return token + "." + base64url_encode({reinterpret_cast<const char*>(mac), mac_size});
}

std::string forge(std::string_view header, const RawClaims& claims,
                  std::string_view secret = kSecret) {
  return forge(header, claims.json(), secret);
}

JwtCodec make_codec() {
  return JwtCodec(std::string(kSecret), std::string(kIssuer));
}

ErrorCode verify_error(std::string_view token, std::int64_t now = kNow) {
  Result<AccessClaims> result = make_codec().verify(token, now);
  return result.ok() ? ErrorCode::internal_error : result.error().code;
}

bool verifies(std::string_view token, std::int64_t now = kNow) {
  return make_codec().verify(token, now).ok();
}

TEST(JwtCodec, SignedTokenVerifiesToTheSameClaims) {
  JwtCodec codec = make_codec();
  const AccessClaims claims = sample_claims();

  Result<AccessClaims> verified = codec.verify(codec.sign(claims), kNow);

  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->issuer, kIssuer);
  EXPECT_EQ(verified->subject, claims.subject);
  EXPECT_EQ(verified->session_id, claims.session_id);
  EXPECT_EQ(verified->issued_at, claims.issued_at);
  EXPECT_EQ(verified->expires_at, claims.expires_at);
  EXPECT_EQ(verified->amr, claims.amr);
  EXPECT_EQ(verified->jti, claims.jti);
}

TEST(JwtCodec, SignMatchesAnIndependentHs256Implementation) {
  // Computed with Python's hmac and base64 modules from the same header and payload text.
  constexpr std::string_view kExpected =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
      "eyJpc3MiOiJodHRwczovL3ZleXJhLnRlc3QiLCJzdWIiOiJ1c3JfYWxpY2UiLCJzaWQiOiJzZXNfMSIsImlhdCI6"
      "MTcwMDAwMDAwMCwiZXhwIjoxNzAwMDAwOTAwLCJhbXIiOlsicHdkIiwib3RwIl0sImp0aSI6InRrdF8xIn0."
      "xttGIGPgTXWkgygcSl6bNMGi1wE935cMUZev23rYz90";

  const std::string token = make_codec().sign(sample_claims());

  EXPECT_EQ(token, kExpected);
}

TEST(JwtCodec, SecretsLongerThanOneBlockAreHashedAsHmacRequires) {
  const std::string secret(100, 's');
  JwtCodec codec(secret, std::string(kIssuer));

  const std::string token = codec.sign(sample_claims());

  const std::string signing_input = token.substr(0, token.rfind('.'));
  const std::string payload = *base64url_decode(signing_input.substr(signing_input.find('.') + 1));
  EXPECT_EQ(token, forge(kHeader, payload, secret));
}

TEST(JwtCodec, ShortSecretIsRefusedAtConstruction) {
  EXPECT_THROW(JwtCodec(std::string(31, 's'), std::string(kIssuer)), std::invalid_argument);
}

TEST(JwtCodec, TamperedPayloadIsRejected) {
  const std::string token = make_codec().sign(sample_claims());
  const std::size_t first = token.find('.');
  const std::size_t second = token.find('.', first + 1);
  std::string payload = *base64url_decode(token.substr(first + 1, second - first - 1));
  payload.replace(payload.find("usr_alice"), 9, "usr_admin");

  const std::string tampered =
      token.substr(0, first + 1) + base64url_encode(payload) + token.substr(second);

  EXPECT_EQ(verify_error(tampered), ErrorCode::invalid_access_token);
}

TEST(JwtCodec, TamperedSignatureIsRejected) {
  std::string token = make_codec().sign(sample_claims());
  const std::size_t middle = token.rfind('.') + 10;

  token[middle] = token[middle] == 'A' ? 'B' : 'A';

  EXPECT_EQ(verify_error(token), ErrorCode::invalid_access_token);
}

TEST(JwtCodec, WrongSecretIsRejected) {
  const std::string token = forge(kHeader, RawClaims{}, "another-secret-of-32-bytes-or-more!!");

  EXPECT_EQ(verify_error(token), ErrorCode::invalid_access_token);
}

TEST(JwtCodec, AlgNoneIsRejectedWithOrWithoutSignature) {
  const std::string payload = base64url_encode(RawClaims{}.json());

  for (std::string_view header : {R"({"alg":"none","typ":"JWT"})", R"({"alg":"None"})"}) {
    const std::string unsigned_token = base64url_encode(header) + "." + payload + ".";
    const std::string signed_token = forge(header, RawClaims{});

    EXPECT_EQ(verify_error(unsigned_token), ErrorCode::invalid_access_token) << header;
    EXPECT_EQ(verify_error(signed_token), ErrorCode::invalid_access_token) << header;
  }
}

TEST(JwtCodec, OtherAlgorithmsAreRejectedEvenWithAValidHs256Signature) {
  for (std::string_view header :
       {R"({"alg":"HS512","typ":"JWT"})", R"({"alg":"RS256","typ":"JWT"})", R"({"alg":"hs256"})",
        R"({"typ":"JWT"})", R"({"alg":["HS256"]})", R"({"alg":null})"}) {
    const std::string token = forge(header, RawClaims{});

    EXPECT_EQ(verify_error(token), ErrorCode::invalid_access_token) << header;
  }
}

TEST(JwtCodec, EquivalentHeadersSpelledDifferentlyAreAccepted) {
  for (std::string_view header :
       {R"({"typ":"JWT","alg":"HS256"})", R"({"alg":"HS256"})",
        R"({ "alg" : "HS256" , "kid":"k1"})", R"({"alg":"HS\u0032\u0035\u0036"})"}) {
    const std::string token = forge(header, RawClaims{});

    EXPECT_TRUE(verifies(token)) << header;
  }
}

TEST(JwtCodec, HeadersWithCritKeyUrlsOrAForeignTypAreRejected) {
  for (std::string_view header :
       {R"({"alg":"HS256","crit":["exp"]})", R"({"alg":"HS256","jku":"https://evil.test/k"})",
        R"({"alg":"HS256","jwk":{"kty":"oct","k":"AA"}})", R"({"alg":"HS256","x5u":"x"})",
        R"({"alg":"HS256","typ":"jwt"})", R"({"alg":"HS256","typ":1})",
        R"({"alg":"none","alg":"HS256"})", R"({"alg":"HS256","alg":"HS256"})", R"(["HS256"])",
        "not json"}) {
    const std::string token = forge(header, RawClaims{});

    EXPECT_EQ(verify_error(token), ErrorCode::invalid_access_token) << header;
  }
}

TEST(JwtCodec, WrongIssuerIsRejected) {
  RawClaims claims;
  claims.iss = R"("https://other.test")";

  const std::string token = forge(kHeader, claims);

  EXPECT_EQ(verify_error(token), ErrorCode::invalid_access_token);
}

TEST(JwtCodec, ExpiredTokenIsAccessTokenExpired) {
  const std::string token = make_codec().sign(sample_claims());

  EXPECT_EQ(verify_error(token, kNow + 901), ErrorCode::access_token_expired);
  EXPECT_EQ(verify_error(token, kNow + 900), ErrorCode::access_token_expired);
  EXPECT_TRUE(verifies(token, kNow + 899));
}

TEST(JwtCodec, NotBeforeBeyondTheClockSkewIsRejected) {
  RawClaims within;
  within.extra = ",\"nbf\":" + std::to_string(kNow + JwtCodec::kClockSkewSeconds);
  RawClaims beyond;
  beyond.extra = ",\"nbf\":" + std::to_string(kNow + JwtCodec::kClockSkewSeconds + 1);
  RawClaims not_integer;
  not_integer.extra = R"(,"nbf":"0")";

  EXPECT_TRUE(verifies(forge(kHeader, within)));
  EXPECT_EQ(verify_error(forge(kHeader, beyond)), ErrorCode::invalid_access_token);
  EXPECT_EQ(verify_error(forge(kHeader, not_integer)), ErrorCode::invalid_access_token);
}

TEST(JwtCodec, IssuedAtBeyondTheClockSkewIsRejected) {
  RawClaims within;
  within.iat = std::to_string(kNow + JwtCodec::kClockSkewSeconds);
  RawClaims beyond;
  beyond.iat = std::to_string(kNow + JwtCodec::kClockSkewSeconds + 1);

  EXPECT_TRUE(verifies(forge(kHeader, within)));
  EXPECT_EQ(verify_error(forge(kHeader, beyond)), ErrorCode::invalid_access_token);
}

TEST(JwtCodec, MalformedTokensAreRejected) {
  const std::string good = make_codec().sign(sample_claims());
  const std::string two_segments = good.substr(0, good.rfind('.'));

  for (const std::string& token :
       {std::string(), std::string("."), std::string(".."), two_segments, good + ".e30", good + ".",
        "." + good, std::string("!!!.@@@.###"), std::string("a.b.c"),
        good.substr(0, good.size() - 1), good + "A", std::string(9 * 1024, 'A'),
        two_segments + "." + std::string(9 * 1024, 'A')}) {
    EXPECT_EQ(verify_error(token), ErrorCode::invalid_access_token) << token.substr(0, 80);
  }
}

TEST(JwtCodec, TokensOverEightKibAreRejectedEvenWhenGenuine) {
  // Grow an unknown claim until the token is exactly at, then one past, the limit.
  auto token_of_size = [](std::size_t size) {
    RawClaims claims;
    for (std::size_t pad = 0;; ++pad) {
      claims.extra = R"(,"pad":")" + std::string(pad, 'x') + "\"";
      std::string token = forge(kHeader, claims);
      if (token.size() >= size) return token;
    }
  };
  const std::string at_limit = token_of_size(JwtCodec::kMaxTokenSize);
  const std::string over_limit = token_of_size(JwtCodec::kMaxTokenSize + 1);
  ASSERT_EQ(at_limit.size(), JwtCodec::kMaxTokenSize);
  ASSERT_EQ(over_limit.size(), JwtCodec::kMaxTokenSize + 1);

  EXPECT_TRUE(verifies(at_limit));
  EXPECT_EQ(verify_error(over_limit), ErrorCode::invalid_access_token);
}

TEST(JwtCodec, DuplicateClaimsAreRejected) {
  RawClaims sub_twice;
  sub_twice.extra = R"(,"sub":"usr_admin")";
  RawClaims escaped_twice;
  escaped_twice.extra = R"(,"s\u0075b":"usr_admin")";
  RawClaims exp_twice;
  exp_twice.extra = ",\"exp\":" + std::to_string(kNow + 100'000);

  for (const RawClaims& claims : {sub_twice, escaped_twice, exp_twice}) {
    EXPECT_EQ(verify_error(forge(kHeader, claims)), ErrorCode::invalid_access_token)
        << claims.json();
  }
}

TEST(JwtCodec, ClaimsOfTheWrongShapeAreRejected) {
  std::vector<RawClaims> cases(14);
  cases[0].iss.clear();
  cases[1].sub.clear();
  cases[2].sub = R"("")";
  cases[3].sub = "42";
  cases[4].sid.clear();
  cases[5].sid = R"("")";
  cases[6].iat = "\"" + std::to_string(kNow) + "\"";
  cases[7].exp = "1.7000009e9";
  cases[8].exp.clear();
  cases[9].exp = "18446744073709551615";
  cases[10].amr = R"("pwd")";
  cases[11].amr = R"(["pwd",1])";
  cases[12].amr = R"(["pwd",["otp"]])";
  cases[13].jti = "null";

  for (const RawClaims& claims : cases) {
    EXPECT_EQ(verify_error(forge(kHeader, claims)), ErrorCode::invalid_access_token)
        << claims.json();
  }
}

TEST(JwtCodec, PayloadsThatAreNotJsonObjectsAreRejected) {
  for (std::string_view payload : {"[]", "\"claims\"", "{", "", "{\"iss\":1,}", "{} {}"}) {
    EXPECT_EQ(verify_error(forge(kHeader, payload)), ErrorCode::invalid_access_token) << payload;
  }
}

TEST(JwtCodec, AmrAndJtiAreOptionalAndUnknownClaimsIgnored) {
  RawClaims claims;
  claims.amr.clear();
  claims.jti.clear();
  claims.extra = R"(,"scope":{"models":["a","b"],"n":[1,2.5,null,true]},"x":"y\"z")";

  Result<AccessClaims> verified = make_codec().verify(forge(kHeader, claims), kNow);

  ASSERT_TRUE(verified.ok()) << claims.json();
  EXPECT_TRUE(verified->amr.empty());
  EXPECT_TRUE(verified->jti.empty());
  EXPECT_EQ(verified->subject, "usr_alice");
}

TEST(JwtCodec, EscapedStringsAreDecoded) {
  RawClaims claims;
  claims.sub = R"("usr_\u00e9\"q")";
  claims.amr = R"(["p\u0077d","otp"])";

  Result<AccessClaims> verified = make_codec().verify(forge(kHeader, claims), kNow);

  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->subject, "usr_\xc3\xa9\"q");
  EXPECT_EQ(verified->amr, (std::vector<std::string>{"pwd", "otp"}));
}

TEST(JwtCodec, ErrorsNeverEchoTheToken) {
  const std::string token = forge(R"({"alg":"none"})", RawClaims{});

  Result<AccessClaims> verified = make_codec().verify(token, kNow);

  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.error().message, "The access token is invalid.");
}

TEST(JwtCodec, ManyThreadsVerifyWithOneCodec) {
  const JwtCodec codec = make_codec();
  const std::string good = codec.sign(sample_claims());
  const std::string bad = forge(kHeader, RawClaims{}, "another-secret-of-32-bytes-or-more!!");
  std::atomic<int> wrong{0};

  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        if (!codec.verify(good, kNow).ok()) ++wrong;
        if (codec.verify(bad, kNow).ok()) ++wrong;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace veyra::auth
