#include "core/json.h"

#include <gtest/gtest.h>

namespace veyra {
namespace {

TEST(ParseJsonObject, AcceptsAnObject) {
  auto parsed = parse_json_object(R"({"model":"veyra-echo","n":2})");

  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(string_member(*parsed, "model"), "veyra-echo");
  EXPECT_EQ(string_member(*parsed, "n"), "");
  EXPECT_EQ(string_member(*parsed, "absent"), "");
}

TEST(ParseJsonObject, RejectsBrokenJsonAsInvalidJson) {
  for (std::string_view body : {"", "{", "{\"a\":}", "nul", "{\"a\":1} trailing"}) {
    auto parsed = parse_json_object(body);

    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.error().code, ErrorCode::invalid_json) << body;
  }
}

TEST(ParseJsonObject, RejectsNonObjects) {
  auto parsed = parse_json_object("[1,2]");

  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::invalid_json);
}

}  // namespace
}  // namespace veyra
