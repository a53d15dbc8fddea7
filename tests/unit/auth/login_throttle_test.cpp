#include "auth/login_throttle.h"

#include <gtest/gtest.h>

namespace veyra::auth {
namespace {

class LoginThrottleTest : public ::testing::Test {
 protected:
  FakeClock clock_{1'000'000};
  LoginThrottle throttle_{
      clock_, {.failures_per_email = 3, .failures_per_address = 5, .window_seconds = 600}};
};

TEST_F(LoginThrottleTest, AllowsUntilTheEmailLimit) {
  throttle_.record_failure("ann@x.io", "1.1.1.1");
  throttle_.record_failure("ann@x.io", "1.1.1.1");

  EXPECT_EQ(throttle_.retry_after("ann@x.io", "1.1.1.1"), 0);
  throttle_.record_failure("ann@x.io", "1.1.1.1");
  EXPECT_EQ(throttle_.retry_after("ann@x.io", "1.1.1.1"), 600);
  EXPECT_EQ(throttle_.retry_after("bob@x.io", "2.2.2.2"), 0);
}

TEST_F(LoginThrottleTest, WaitShrinksAsTheWindowSlides) {
  for (int i = 0; i < 3; ++i) throttle_.record_failure("ann@x.io", "1.1.1.1");

  clock_.advance(400);

  EXPECT_EQ(throttle_.retry_after("ann@x.io", "9.9.9.9"), 200);
  clock_.advance(200);
  EXPECT_EQ(throttle_.retry_after("ann@x.io", "9.9.9.9"), 0);
}

TEST_F(LoginThrottleTest, AddressLimitSpansEmails) {
  for (int i = 0; i < 5; ++i) throttle_.record_failure("user" + std::to_string(i), "6.6.6.6");

  EXPECT_GT(throttle_.retry_after("fresh@x.io", "6.6.6.6"), 0);
  EXPECT_EQ(throttle_.retry_after("fresh@x.io", "7.7.7.7"), 0);
}

TEST_F(LoginThrottleTest, SuccessClearsTheEmail) {
  for (int i = 0; i < 3; ++i) throttle_.record_failure("ann@x.io", "1.1.1.1");

  throttle_.record_success("ann@x.io");

  EXPECT_EQ(throttle_.retry_after("ann@x.io", "8.8.8.8"), 0);
}

}  // namespace
}  // namespace veyra::auth
