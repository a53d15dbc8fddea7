#include "api/usage_query.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace veyra::api {
namespace {

using store::UsageGrouping;

// 2023-11-14 22:13:20 UTC.
constexpr std::int64_t kNovember14 = 1'700'000'000;
constexpr std::int64_t kNovember1 = 1'698'796'800;
constexpr std::int64_t kDecember1 = 1'701'388'800;
constexpr std::int64_t kJanuary1 = 1'704'067'200;

class UsageQueryTest : public ::testing::Test {
 protected:
  // Parses `query` (the text after '?') at `now`.
  Result<UsageQuery> parse(std::string query, std::int64_t now = kNovember14) {
    query_ = std::move(query);
    request_.query = query_;
    return parse_usage_query(request_, now);
  }

  // The query parameter an invalid_field names, or "(ok)" / the code when it is not one.
  std::string rejected_param(std::string query) {
    Result<UsageQuery> parsed = parse(std::move(query));
    if (parsed.ok()) return "(ok)";
    if (parsed.error().code != ErrorCode::invalid_field) {
      return std::string(code_name(parsed.error().code));
    }
    return parsed.error().param;
  }

  std::string query_;
  http::Request request_;
};

TEST_F(UsageQueryTest, DefaultsToTheCurrentMonthInUtcByModel) {
  Result<UsageQuery> query = parse("");

  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query->start, kNovember1);
  EXPECT_EQ(query->end, kDecember1);
  EXPECT_EQ(query->grouping, UsageGrouping::model);
}

TEST_F(UsageQueryTest, DecemberRollsOverToJanuaryOfTheNextYear) {
  Result<UsageQuery> last_second = parse("", kJanuary1 - 1);
  Result<UsageQuery> first_second = parse("", kDecember1);

  ASSERT_TRUE(last_second.ok());
  ASSERT_TRUE(first_second.ok());
  EXPECT_EQ(last_second->start, kDecember1);
  EXPECT_EQ(last_second->end, kJanuary1);
  EXPECT_EQ(first_second->start, kDecember1);
  EXPECT_EQ(first_second->end, kJanuary1);
}

TEST_F(UsageQueryTest, MonthBoundsFollowTheCalendar) {
  // 2024-02-29 12:00:00 UTC, a leap day; 2024-02-01 and 2024-03-01.
  constexpr std::int64_t kLeapDay = 1'709'208'000;

  EXPECT_EQ(month_start_utc(kLeapDay), 1'706'745'600);
  EXPECT_EQ(next_month_start_utc(kLeapDay), 1'709'251'200);
  EXPECT_EQ(month_start_utc(0), 0);
  EXPECT_EQ(next_month_start_utc(0), 31 * 86'400);
}

TEST_F(UsageQueryTest, ExplicitBoundsAndGroupingAreUsed) {
  Result<UsageQuery> query = parse("start=100&end=200&group_by=api_key");

  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query->start, 100);
  EXPECT_EQ(query->end, 200);
  EXPECT_EQ(query->grouping, UsageGrouping::api_key);
}

TEST_F(UsageQueryTest, EachMissingBoundDefaultsOnItsOwn) {
  Result<UsageQuery> start_only = parse("start=1700000000&group_by=day");
  Result<UsageQuery> end_only = parse("end=1700000001");

  ASSERT_TRUE(start_only.ok());
  EXPECT_EQ(start_only->start, kNovember14);
  EXPECT_EQ(start_only->end, kDecember1);
  EXPECT_EQ(start_only->grouping, UsageGrouping::day);
  ASSERT_TRUE(end_only.ok());
  EXPECT_EQ(end_only->start, kNovember1);
  EXPECT_EQ(end_only->end, kNovember14 + 1);
}

TEST_F(UsageQueryTest, BoundsThatAreNotUnixSecondsAreInvalid) {
  const std::vector<std::string> bad = {
      "", "abc", "-5", "+5", "1.5", "1e9", " 12", "12 ", "12a", "0x10", "99999999999999999999"};

  for (const std::string& value : bad) {
    EXPECT_EQ(rejected_param("start=" + value), "start") << value;
    EXPECT_EQ(rejected_param("end=" + value), "end") << value;
  }
}

TEST_F(UsageQueryTest, EndNotAfterStartIsInvalidEnd) {
  EXPECT_EQ(rejected_param("start=200&end=200"), "end");
  EXPECT_EQ(rejected_param("start=200&end=100"), "end");
  EXPECT_EQ(rejected_param("start=1800000000"), "end");  // after the default end
  EXPECT_EQ(rejected_param("start=200&end=201"), "(ok)");
}

TEST_F(UsageQueryTest, UnknownGroupingIsInvalidGroupBy) {
  for (const char* value : {"", "Model", "user", "days", "model "}) {
    EXPECT_EQ(rejected_param(std::string("group_by=") + value), "group_by") << value;
  }
  EXPECT_EQ(rejected_param("group_by=day"), "(ok)");
  EXPECT_EQ(rejected_param("group_by=model"), "(ok)");
}

TEST_F(UsageQueryTest, InvalidFieldSaysWhatIsExpected) {
  Result<UsageQuery> query = parse("start=yesterday");

  ASSERT_FALSE(query.ok());
  EXPECT_EQ(query.error().message, "start must be Unix seconds (a non-negative integer)");
}

TEST(UsageListJson, HasTheShapeOfApiMd) {
  const UsageQuery query{kNovember1, kDecember1, UsageGrouping::day};
  const std::vector<store::UsageGroup> groups = {{"2023-11-02", 3, 30, 12},
                                                 {"2023-11-05", 1, 7, 0}};

  std::string json = boost::json::serialize(usage_list_json(query, groups));

  EXPECT_EQ(json,
            R"({"object":"list","start":1698796800,"end":1701388800,"group_by":"day","data":[)"
            R"({"group":"2023-11-02","requests":3,"prompt_tokens":30,"completion_tokens":12,)"
            R"("total_tokens":42},)"
            R"({"group":"2023-11-05","requests":1,"prompt_tokens":7,"completion_tokens":0,)"
            R"("total_tokens":7}]})");
}

TEST(UsageListJson, NoRecordsIsAnEmptyList) {
  const UsageQuery query{kNovember1, kDecember1, UsageGrouping::api_key};

  boost::json::object out = usage_list_json(query, {});

  EXPECT_EQ(out.at("group_by").as_string(), "api_key");
  EXPECT_TRUE(out.at("data").as_array().empty());
}

}  // namespace
}  // namespace veyra::api
