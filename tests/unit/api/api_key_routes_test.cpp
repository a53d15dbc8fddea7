#include "api/api_key_routes.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>

namespace veyra::api {
namespace {

constexpr std::int64_t kNow = 1'700'000'000;

Result<auth::NewApiKey> parse(std::string_view text) {
  return parse_new_api_key(boost::json::parse(text).as_object(), kNow);
}

TEST(ParseNewApiKey, NameAloneGivesEveryScopeAndNoLimits) {
  auto key = parse(R"({"name":"laptop"})");

  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->name, "laptop");
  EXPECT_EQ(key->scopes, auth::kAllScopes);
  EXPECT_FALSE(key->models.has_value());
  EXPECT_EQ(key->expires_at, 0);
  EXPECT_EQ(key->rpm_limit, 0);
}

TEST(ParseNewApiKey, EveryFieldIsRead) {
  auto key = parse(R"({"name":"ci","scopes":["chat","models"],"models":["veyra-echo"],)"
                   R"("expires_at":1700000100,"rpm_limit":30})");

  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->scopes,
            static_cast<unsigned>(auth::Scope::chat) | static_cast<unsigned>(auth::Scope::models));
  EXPECT_EQ(key->models, (std::vector<std::string>{"veyra-echo"}));
  EXPECT_EQ(key->expires_at, 1'700'000'100);
  EXPECT_EQ(key->rpm_limit, 30);
}

TEST(ParseNewApiKey, NameLengthCountsCharactersNotBytes) {
  std::string hundred_accents;
  for (int i = 0; i < 100; ++i) hundred_accents += "\xC3\xA9";  // é

  EXPECT_TRUE(parse(R"({"name":")" + hundred_accents + R"("})").ok());
  EXPECT_FALSE(parse(R"({"name":")" + hundred_accents + R"(e"})").ok());
}

TEST(ParseNewApiKey, EachInvalidFieldIsNamed) {
  const std::pair<std::string, std::pair<ErrorCode, std::string>> cases[] = {
      {R"({})", {ErrorCode::missing_field, "name"}},
      {R"({"name":""})", {ErrorCode::invalid_field, "name"}},
      {R"({"name":7})", {ErrorCode::invalid_field, "name"}},
      {R"({"name":"k","scopes":["chat","admin"]})", {ErrorCode::invalid_field, "scopes"}},
      {R"({"name":"k","scopes":{}})", {ErrorCode::invalid_field, "scopes"}},
      {R"({"name":"k","models":[]})", {ErrorCode::invalid_field, "models"}},
      {R"({"name":"k","models":["a",2]})", {ErrorCode::invalid_field, "models"}},
      {R"({"name":"k","expires_at":1700000000})", {ErrorCode::invalid_field, "expires_at"}},
      {R"({"name":"k","expires_at":1.7e9})", {ErrorCode::invalid_field, "expires_at"}},
      {R"({"name":"k","rpm_limit":0})", {ErrorCode::invalid_field, "rpm_limit"}},
      {R"({"name":"k","rpm_limit":"60"})", {ErrorCode::invalid_field, "rpm_limit"}},
  };
  for (const auto& [body, expected] : cases) {
    auto key = parse(body);
    ASSERT_FALSE(key.ok()) << body;
    EXPECT_EQ(key.error().code, expected.first) << body;
    EXPECT_EQ(key.error().param, expected.second) << body;
  }
}

TEST(ApiKeyJson, HasExactlyTheApiKeyMembersAndNullsForAbsentValues) {
  store::ApiKeyRecord key;
  key.id = "key_1";
  key.name = "laptop";
  key.key_hash = std::string(64, 'a');
  key.prefix = "veyra_sk_abc";
  key.last4 = "wxyz";
  key.scopes = {"chat"};
  key.created_at = kNow;

  std::string text = boost::json::serialize(api_key_json(key));

  EXPECT_EQ(text, R"({"id":"key_1","name":"laptop","prefix":"veyra_sk_abc","last4":"wxyz",)"
                  R"("scopes":["chat"],"models":null,"rpm_limit":null,"created_at":1700000000,)"
                  R"("last_used_at":null,"expires_at":null,"revoked_at":null})");
}

}  // namespace
}  // namespace veyra::api
