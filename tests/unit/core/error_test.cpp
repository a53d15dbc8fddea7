#include "core/error.h"

#include <gtest/gtest.h>

namespace veyra {
namespace {

TEST(ErrorCodes, MapToContractStatusAndType) {
  EXPECT_EQ(http_status(ErrorCode::weak_password), 400u);
  EXPECT_EQ(error_type(ErrorCode::weak_password), "invalid_request_error");
  EXPECT_EQ(http_status(ErrorCode::refresh_token_reused), 401u);
  EXPECT_EQ(error_type(ErrorCode::refresh_token_reused), "authentication_error");
  EXPECT_EQ(http_status(ErrorCode::session_auth_required), 403u);
  EXPECT_EQ(error_type(ErrorCode::model_not_allowed), "permission_error");
  EXPECT_EQ(http_status(ErrorCode::model_not_found), 404u);
  EXPECT_EQ(error_type(ErrorCode::not_found), "not_found_error");
  EXPECT_EQ(http_status(ErrorCode::method_not_allowed), 405u);
  EXPECT_EQ(error_type(ErrorCode::method_not_allowed), "invalid_request_error");
  EXPECT_EQ(error_type(ErrorCode::email_taken), "conflict_error");
  EXPECT_EQ(http_status(ErrorCode::payload_too_large), 413u);
  EXPECT_EQ(http_status(ErrorCode::unsupported_media_type), 415u);
  EXPECT_EQ(error_type(ErrorCode::insufficient_quota), "rate_limit_error");
  EXPECT_EQ(http_status(ErrorCode::internal_error), 500u);
  EXPECT_EQ(error_type(ErrorCode::internal_error), "server_error");
  EXPECT_EQ(http_status(ErrorCode::upstream_error), 502u);
  EXPECT_EQ(http_status(ErrorCode::upstream_unavailable), 503u);
  EXPECT_EQ(http_status(ErrorCode::upstream_timeout), 504u);
  EXPECT_EQ(error_type(ErrorCode::upstream_timeout), "upstream_error");
}

TEST(ErrorCodes, NamesAreTheEnumeratorNames) {
  EXPECT_EQ(code_name(ErrorCode::invalid_json), "invalid_json");
  EXPECT_EQ(code_name(ErrorCode::two_factor_not_enabled), "two_factor_not_enabled");
  EXPECT_EQ(code_name(ErrorCode::upstream_timeout), "upstream_timeout");
}

TEST(ErrorBody, RendersTheEnvelope) {
  Error error = make_error(ErrorCode::weak_password, "Too short.", "password");

  std::string body = error_body(error);

  EXPECT_EQ(body, R"({"error":{"message":"Too short.","type":"invalid_request_error",)"
                  R"("code":"weak_password","param":"password"}})");
}

TEST(ErrorBody, DefaultMessageAndNullParam) {
  std::string body = error_body(make_error(ErrorCode::not_found));

  EXPECT_EQ(body, R"({"error":{"message":"Not found.","type":"not_found_error",)"
                  R"("code":"not_found","param":null}})");
}

}  // namespace
}  // namespace veyra
