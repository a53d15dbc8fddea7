#include "accounts/registration.h"

#include <gtest/gtest.h>

#include "store/database.h"
#include "store/store_test_support.h"

namespace veyra::accounts {
namespace {

class RegistrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::DatabaseOptions options;
    options.url = dir_.sqlite_url("accounts.db");
    auto opened = store::open_database(options);
    ASSERT_TRUE(opened.ok());
    database_ = std::move(*opened);
    ASSERT_TRUE(database_->migrate().ok());
    registration_ = std::make_unique<Registration>(database_->users(), hasher_, clock_);
  }

  store::testing::TempDirectory dir_;
  std::unique_ptr<store::Database> database_;
  FakeClock clock_{1'800'000'000};
  auth::PasswordHasher hasher_{{8, 1}};
  std::unique_ptr<Registration> registration_;
};

TEST_F(RegistrationTest, CreatesANormalisedUser) {
  auto user = registration_->create({" Ann@Example.COM ", "a fine password", "Ann", "free"});

  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->email, "Ann@example.com");
  EXPECT_EQ(user->id.rfind("usr_", 0), 0u);
  EXPECT_EQ(user->plan, "free");
  EXPECT_EQ(user->role, "user");
  EXPECT_FALSE(user->email_verified);
  EXPECT_TRUE(hasher_.verify(*user->password_hash, "a fine password"));
}

TEST_F(RegistrationTest, SameEmailIgnoringCaseIsTaken) {
  ASSERT_TRUE(registration_->create({"ann@example.com", "a fine password", "", "free"}).ok());

  auto again = registration_->create({"ANN@example.com", "another password", "", "free"});

  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::email_taken);
  EXPECT_EQ(again.error().param, "email");
}

TEST_F(RegistrationTest, RejectsBadInputWithTheField) {
  auto email = registration_->create({"not-an-email", "a fine password", "", "free"});
  auto weak = registration_->create({"bob@example.com", "short", "", "free"});
  auto local = registration_->create({"longname@example.com", "LongName", "", "free"});

  ASSERT_FALSE(email.ok());
  EXPECT_EQ(email.error().code, ErrorCode::invalid_field);
  EXPECT_EQ(email.error().param, "email");
  ASSERT_FALSE(weak.ok());
  EXPECT_EQ(weak.error().code, ErrorCode::weak_password);
  EXPECT_EQ(weak.error().param, "password");
  ASSERT_FALSE(local.ok());
  EXPECT_EQ(local.error().code, ErrorCode::weak_password);
}

}  // namespace
}  // namespace veyra::accounts
