#include "store/sqlite/sqlite_api_key_repository.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "store/database.h"
#include "store_test_support.h"

namespace veyra::store {
namespace {

using testing::LogCapture;
using testing::TempDirectory;

constexpr std::int64_t kNow = 1'700'000'000;

class ApiKeyRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DatabaseOptions options;
    options.url = dir_.sqlite_url("keys.db");
    options.error_log = log_.sink();
    Result<std::unique_ptr<Database>> database = open_database(options);
    ASSERT_TRUE(database.ok());
    ASSERT_TRUE((*database)->migrate().ok());
    database_ = std::move(*database);
    add_user("usr_ann", "ann@example.com");
    add_user("usr_bob", "bob@example.com");
  }

  void add_user(std::string id, std::string email) {
    UserRecord user;
    user.id = std::move(id);
    user.email = email;
    user.plan = "free";
    user.password_changed_at = kNow;
    user.created_at = kNow;
    user.updated_at = kNow;
    ASSERT_TRUE(database_->users().create(user).ok());
  }

  ApiKeyRepository& keys() { return database_->api_keys(); }

  // A key of `user_id` with every optional field set to something.
  static ApiKeyRecord key(std::string id, std::string user_id = "usr_ann",
                          std::int64_t created_at = kNow) {
    ApiKeyRecord record;
    record.id = std::move(id);
    record.user_id = std::move(user_id);
    record.name = "laptop";
    record.key_hash = std::string(64, 'a') + record.id;
    record.prefix = "veyra_sk_abc";
    record.last4 = "wxyz";
    record.scopes = {"models", "chat"};
    record.models = std::vector<std::string>{"veyra-echo", "org/model"};
    record.rpm_limit = 60;
    record.created_at = created_at;
    record.expires_at = kNow + 3600;
    return record;
  }

  TempDirectory dir_;
  LogCapture log_;
  std::unique_ptr<Database> database_;
};

TEST_F(ApiKeyRepositoryTest, CreatedKeyIsFoundByHashWithEveryField) {
  ApiKeyRecord stored = key("key_1");

  ASSERT_TRUE(keys().create(stored).ok());
  auto found = keys().find_by_hash(stored.key_hash);

  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, stored);
}

TEST_F(ApiKeyRepositoryTest, AbsentOptionalFieldsReadBackAsAbsent) {
  ApiKeyRecord stored = key("key_1");
  stored.models.reset();
  stored.rpm_limit = 0;
  stored.expires_at = 0;

  ASSERT_TRUE(keys().create(stored).ok());
  auto found = keys().find_by_hash(stored.key_hash);

  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ(**found, stored);
  EXPECT_FALSE((*found)->models.has_value());
}

TEST_F(ApiKeyRepositoryTest, UnknownHashIsNotFound) {
  auto found = keys().find_by_hash(std::string(64, 'f'));

  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
}

TEST_F(ApiKeyRepositoryTest, DuplicateHashIsRefused) {
  ApiKeyRecord first = key("key_1");
  ApiKeyRecord second = key("key_2");
  second.key_hash = first.key_hash;

  ASSERT_TRUE(keys().create(first).ok());

  EXPECT_FALSE(keys().create(second).ok());
}

TEST_F(ApiKeyRepositoryTest, ListForUserHoldsOnlyTheirKeysNewestFirst) {
  ASSERT_TRUE(keys().create(key("key_old", "usr_ann", kNow)).ok());
  ASSERT_TRUE(keys().create(key("key_new", "usr_ann", kNow + 10)).ok());
  ASSERT_TRUE(keys().create(key("key_bob", "usr_bob", kNow + 5)).ok());

  auto listed = keys().list_for_user("usr_ann");

  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, "key_new");
  EXPECT_EQ((*listed)[1].id, "key_old");
}

TEST_F(ApiKeyRepositoryTest, ListAllHoldsRevokedKeysToo) {
  ASSERT_TRUE(keys().create(key("key_1")).ok());
  ASSERT_TRUE(keys().create(key("key_2", "usr_bob")).ok());
  ASSERT_TRUE(keys().revoke("key_2", "usr_bob", kNow + 1).ok());

  auto all = keys().list_all();

  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
}

TEST_F(ApiKeyRepositoryTest, RevokeSetsRevokedAtOnceAndKeepsTheFirstTime) {
  ASSERT_TRUE(keys().create(key("key_1")).ok());

  auto first = keys().revoke("key_1", "usr_ann", kNow + 5);
  auto again = keys().revoke("key_1", "usr_ann", kNow + 50);

  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ((*first)->revoked_at, kNow + 5);
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->revoked_at, kNow + 5);
}

TEST_F(ApiKeyRepositoryTest, RevokingSomeoneElsesKeyIsNotFoundAndChangesNothing) {
  ApiKeyRecord stored = key("key_1");
  ASSERT_TRUE(keys().create(stored).ok());

  auto revoked = keys().revoke("key_1", "usr_bob", kNow + 5);
  auto unknown = keys().revoke("key_none", "usr_ann", kNow + 5);

  ASSERT_TRUE(revoked.ok());
  EXPECT_FALSE(revoked->has_value());
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
  auto found = keys().find_by_hash(stored.key_hash);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->revoked_at, 0);
}

TEST_F(ApiKeyRepositoryTest, TouchLastUsedWritesABatchAndNeverMovesBackwards) {
  ApiKeyRecord first = key("key_1");
  ApiKeyRecord second = key("key_2");
  ASSERT_TRUE(keys().create(first).ok());
  ASSERT_TRUE(keys().create(second).ok());
  std::vector<ApiKeyUse> uses{{"key_1", kNow + 30}, {"key_2", kNow + 40}, {"key_gone", kNow}};
  std::vector<ApiKeyUse> older{{"key_1", kNow + 10}};

  ASSERT_TRUE(keys().touch_last_used(uses).ok());
  ASSERT_TRUE(keys().touch_last_used(older).ok());
  ASSERT_TRUE(keys().touch_last_used({}).ok());

  auto one = keys().find_by_hash(first.key_hash);
  auto two = keys().find_by_hash(second.key_hash);
  ASSERT_TRUE(one.ok() && one->has_value() && two.ok() && two->has_value());
  EXPECT_EQ((*one)->last_used_at, kNow + 30);
  EXPECT_EQ((*two)->last_used_at, kNow + 40);
}

}  // namespace
}  // namespace veyra::store
