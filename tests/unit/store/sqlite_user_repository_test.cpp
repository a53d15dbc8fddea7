#include "store/sqlite/sqlite_user_repository.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "auth/user_directory.h"
#include "store/database.h"
#include "store_test_support.h"

namespace veyra::store {
namespace {

using testing::LogCapture;
using testing::TempDirectory;

class UserRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DatabaseOptions options;
    options.url = dir_.sqlite_url("users.db");
    options.error_log = log_.sink();
    Result<std::unique_ptr<Database>> database = open_database(options);
    ASSERT_TRUE(database.ok());
    ASSERT_TRUE((*database)->migrate().ok());
    database_ = std::move(*database);
  }

  UserRepository& users() { return database_->users(); }

  static UserRecord ann() {
    UserRecord user;
    user.id = "usr_ann";
    user.email = "Ann.Lee@example.io";
    user.name = "Ann Lee";
    user.password_hash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA";
    user.email_verified = true;
    user.two_factor_enabled = true;
    user.role = "admin";
    user.plan = "pro";
    user.disabled = false;
    user.password_changed_at = 1'700'000'000;
    user.created_at = 1'700'000'001;
    user.updated_at = 1'700'000'002;
    return user;
  }

  TempDirectory dir_;
  LogCapture log_;
  std::unique_ptr<Database> database_;
};

void expect_same_user(const UserRecord& actual, const UserRecord& expected) {
  EXPECT_EQ(actual.id, expected.id);
  EXPECT_EQ(actual.email, expected.email);
  EXPECT_EQ(actual.name, expected.name);
  EXPECT_EQ(actual.password_hash, expected.password_hash);
  EXPECT_EQ(actual.email_verified, expected.email_verified);
  EXPECT_EQ(actual.two_factor_enabled, expected.two_factor_enabled);
  EXPECT_EQ(actual.role, expected.role);
  EXPECT_EQ(actual.plan, expected.plan);
  EXPECT_EQ(actual.disabled, expected.disabled);
  EXPECT_EQ(actual.password_changed_at, expected.password_changed_at);
  EXPECT_EQ(actual.created_at, expected.created_at);
  EXPECT_EQ(actual.updated_at, expected.updated_at);
}

TEST_F(UserRepositoryTest, CreatedUserIsFoundByIdWithEveryField) {
  const UserRecord user = ann();

  Status created = users().create(user);
  Result<std::optional<UserRecord>> found = users().find_by_id("usr_ann");

  ASSERT_TRUE(created.ok()) << created.error().message;
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  expect_same_user(**found, user);
}

TEST_F(UserRepositoryTest, FindsByEmailIgnoringCaseAndKeepsTheStoredSpelling) {
  ASSERT_TRUE(users().create(ann()).ok());

  Result<std::optional<UserRecord>> lower = users().find_by_email("ann.lee@example.io");
  Result<std::optional<UserRecord>> upper = users().find_by_email("ANN.LEE@EXAMPLE.IO");

  ASSERT_TRUE(lower.ok() && upper.ok());
  ASSERT_TRUE(lower->has_value() && upper->has_value());
  EXPECT_EQ((*lower)->id, "usr_ann");
  EXPECT_EQ((*upper)->id, "usr_ann");
  EXPECT_EQ((*lower)->email, "Ann.Lee@example.io");
}

TEST_F(UserRepositoryTest, MissingUserIsNulloptNotAnError) {
  ASSERT_TRUE(users().create(ann()).ok());

  Result<std::optional<UserRecord>> by_email = users().find_by_email("bob@example.io");
  Result<std::optional<UserRecord>> by_id = users().find_by_id("usr_bob");

  ASSERT_TRUE(by_email.ok() && by_id.ok());
  EXPECT_FALSE(by_email->has_value());
  EXPECT_FALSE(by_id->has_value());
}

TEST_F(UserRepositoryTest, EmailDifferingOnlyInCaseIsTaken) {
  ASSERT_TRUE(users().create(ann()).ok());
  UserRecord twin = ann();
  twin.id = "usr_twin";
  twin.email = "ANN.LEE@example.io";

  Status created = users().create(twin);

  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, ErrorCode::email_taken);
  EXPECT_EQ(created.error().param, "email");
  Result<std::optional<UserRecord>> twin_row = users().find_by_id("usr_twin");
  ASSERT_TRUE(twin_row.ok());
  EXPECT_FALSE(twin_row->has_value());
}

TEST_F(UserRepositoryTest, UserWithoutPasswordRoundTripsAsNullopt) {
  UserRecord user = ann();
  user.password_hash.reset();
  user.name = "";

  ASSERT_TRUE(users().create(user).ok());
  Result<std::optional<UserRecord>> found = users().find_by_id(user.id);

  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_FALSE((*found)->password_hash.has_value());
  EXPECT_EQ((*found)->name, "");
}

TEST_F(UserRepositoryTest, ChangedPasswordMovesPasswordChangedAt) {
  ASSERT_TRUE(users().create(ann()).ok());

  Status status = users().set_password_hash("usr_ann", "$argon2id$new", true, 1'800'000'000);
  Result<std::optional<UserRecord>> found = users().find_by_id("usr_ann");

  ASSERT_TRUE(status.ok());
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->password_hash, "$argon2id$new");
  EXPECT_EQ((*found)->password_changed_at, 1'800'000'000);
  EXPECT_EQ((*found)->updated_at, 1'800'000'000);
}

TEST_F(UserRepositoryTest, RehashKeepsPasswordChangedAt) {
  ASSERT_TRUE(users().create(ann()).ok());

  Status status = users().set_password_hash("usr_ann", "$argon2id$rehashed", false, 1'800'000'000);
  Result<std::optional<UserRecord>> found = users().find_by_id("usr_ann");

  ASSERT_TRUE(status.ok());
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->password_hash, "$argon2id$rehashed");
  EXPECT_EQ((*found)->password_changed_at, ann().password_changed_at);
  EXPECT_EQ((*found)->updated_at, 1'800'000'000);
}

TEST_F(UserRepositoryTest, SettingPasswordOfMissingUserIsNotFound) {
  Status status = users().set_password_hash("usr_nobody", "$argon2id$x", true, 1'800'000'000);

  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::not_found);
}

TEST_F(UserRepositoryTest, StandingsListEveryAccountsPlanRoleAndDisabledFlag) {
  UserRecord bob = ann();
  bob.id = "usr_bob";
  bob.email = "bob@example.io";
  bob.role = "user";
  bob.plan = "free";
  bob.disabled = true;
  ASSERT_TRUE(users().create(ann()).ok());
  ASSERT_TRUE(users().create(bob).ok());

  auto standings = users().list_standings();

  ASSERT_TRUE(standings.ok());
  ASSERT_EQ(standings->size(), 2u);
  EXPECT_EQ((*standings)[0].id, "usr_ann");
  EXPECT_EQ((*standings)[0].plan, "pro");
  EXPECT_EQ((*standings)[0].role, "admin");
  EXPECT_FALSE((*standings)[0].disabled);
  EXPECT_EQ((*standings)[1].id, "usr_bob");
  EXPECT_TRUE((*standings)[1].disabled);
}

TEST_F(UserRepositoryTest, TheDirectoryLoadsStandingsAndTakesUpdates) {
  ASSERT_TRUE(users().create(ann()).ok());
  auth::UserDirectory directory;

  ASSERT_TRUE(directory.load(users()).ok());
  directory.upsert({"usr_new", "team", "user", true});

  ASSERT_TRUE(directory.find("usr_ann").has_value());
  EXPECT_EQ(directory.find("usr_ann")->plan, "pro");
  EXPECT_TRUE(directory.find("usr_new")->disabled);
  EXPECT_FALSE(directory.find("usr_nobody").has_value());
  EXPECT_EQ(directory.size(), 2u);
}

TEST_F(UserRepositoryTest, UpdateStandingChangesOnlyTheGivenFields) {
  ASSERT_TRUE(users().create(ann()).ok());
  const bool disabled = true;

  auto updated = users().update_standing("usr_ann", nullptr, nullptr, &disabled, 1'800'000'000);
  auto missing = users().update_standing("usr_nobody", nullptr, nullptr, &disabled, 1);

  ASSERT_TRUE(updated.ok() && missing.ok());
  EXPECT_TRUE(*updated);
  EXPECT_FALSE(*missing);
  auto all = users().list_all();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_TRUE((*all)[0].disabled);
  EXPECT_EQ((*all)[0].plan, "pro");
  EXPECT_EQ((*all)[0].role, "admin");
  EXPECT_EQ((*all)[0].updated_at, 1'800'000'000);
}

}  // namespace
}  // namespace veyra::store
