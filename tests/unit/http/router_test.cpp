#include "http/router.h"

#include <gtest/gtest.h>

namespace veyra::http {
namespace {

Handler noop() {
  return [](Request&) -> boost::asio::awaitable<Response> { co_return Response::json(200, "{}"); };
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add(Method::get, "/healthz", noop());
    router_.add(Method::get, "/v1/auth/sessions", noop());
    router_.add(Method::delete_, "/v1/auth/sessions/{session_id}", noop());
    router_.add(Method::get, "/v1/auth/sessions/current", noop());
    router_.add(Method::post, "/v1/chat/completions", noop());
  }

  Router router_;
  std::vector<std::pair<std::string_view, std::string>> params_;
};

TEST_F(RouterTest, MatchesLiteralPath) {
  RouteMatch match = router_.match(Method::get, "/healthz", params_);

  ASSERT_EQ(match.kind, MatchKind::found);
  EXPECT_EQ(match.route->pattern, "/healthz");
  EXPECT_TRUE(params_.empty());
}

TEST_F(RouterTest, ExtractsDecodedPathParameters) {
  RouteMatch match = router_.match(Method::delete_, "/v1/auth/sessions/ses_a%2Fb", params_);

  ASSERT_EQ(match.kind, MatchKind::found);
  ASSERT_EQ(params_.size(), 1u);
  EXPECT_EQ(params_[0].first, "session_id");
  EXPECT_EQ(params_[0].second, "ses_a/b");
}

TEST_F(RouterTest, LiteralSegmentBeatsParameter) {
  RouteMatch match = router_.match(Method::get, "/v1/auth/sessions/current", params_);

  ASSERT_EQ(match.kind, MatchKind::found);
  EXPECT_EQ(match.route->pattern, "/v1/auth/sessions/current");
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  RouteMatch match = router_.match(Method::post, "/healthz", params_);

  EXPECT_EQ(match.kind, MatchKind::method_not_allowed);
  EXPECT_EQ(match.allow, "GET");
}

TEST_F(RouterTest, UnknownPathIs404) {
  EXPECT_EQ(router_.match(Method::get, "/nope", params_).kind, MatchKind::not_found);
  EXPECT_EQ(router_.match(Method::get, "/healthz/", params_).kind, MatchKind::not_found);
  EXPECT_EQ(router_.match(Method::delete_, "/v1/auth/sessions/", params_).kind,
            MatchKind::not_found);
}

TEST_F(RouterTest, HeadFallsBackToGet) {
  RouteMatch match = router_.match(Method::head, "/healthz", params_);

  ASSERT_EQ(match.kind, MatchKind::found);
  EXPECT_EQ(match.route->method, Method::get);
}

TEST_F(RouterTest, MetricLabelsEndWithUnmatched) {
  auto labels = router_.metric_labels();

  ASSERT_EQ(labels.size(), 6u);
  EXPECT_EQ(labels[2].first, "DELETE");
  EXPECT_EQ(labels[2].second, "/v1/auth/sessions/{session_id}");
  EXPECT_EQ(labels.back().second, "unmatched");
  EXPECT_EQ(router_.unmatched_index(), 5u);
}

TEST(RequestQuery, DecodesParameters) {
  Request request;
  request.query = "group_by=model&start=17&name=a%20b+c&flag";

  EXPECT_EQ(request.query_param("group_by"), "model");
  EXPECT_EQ(request.query_param("name"), "a b c");
  EXPECT_EQ(request.query_param("flag"), "");
  EXPECT_EQ(request.query_param("missing"), std::nullopt);
}

}  // namespace
}  // namespace veyra::http
