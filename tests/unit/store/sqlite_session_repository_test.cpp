#include "store/sqlite/sqlite_session_repository.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <latch>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/database.h"
#include "store_test_support.h"

namespace veyra::store {
namespace {

using testing::LogCapture;
using testing::TempDirectory;

constexpr std::int64_t kNow = 1'700'000'000;
constexpr std::int64_t kDay = 24 * 60 * 60;

class SessionRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DatabaseOptions options;
    options.url = dir_.sqlite_url("sessions.db");
    options.error_log = log_.sink();
    Result<std::unique_ptr<Database>> database = open_database(options);
    ASSERT_TRUE(database.ok());
    ASSERT_TRUE((*database)->migrate().ok());
    database_ = std::move(*database);
    for (const char* id : {"usr_ann", "usr_bob"}) {
      UserRecord user;
      user.id = id;
      user.email = std::string(id) + "@example.io";
      user.plan = "free";
      ASSERT_TRUE(database_->users().create(user).ok());
    }
  }

  SessionRepository& sessions() { return database_->sessions(); }

  // A live session of `user_id` created at `created_at` that expires a day later.
  static SessionRecord session(std::string id, std::string user_id = "usr_ann",
                               std::int64_t created_at = kNow) {
    SessionRecord record;
    record.id = std::move(id);
    record.user_id = std::move(user_id);
    record.auth_method = "password";
    record.two_factor = true;
    record.ip = "203.0.113.7";
    record.user_agent = "curl/8.5";
    record.created_at = created_at;
    record.last_used_at = created_at;
    record.expires_at = created_at + kDay;
    return record;
  }

  // The stored session; a default record when it is missing or the read fails.
  SessionRecord stored(std::string_view id) {
    Result<std::optional<SessionRecord>> found = sessions().find(id);
    EXPECT_TRUE(found.ok() && found->has_value()) << id;
    return found.ok() && found->has_value() ? **found : SessionRecord{};
  }

  TempDirectory dir_;
  LogCapture log_;
  std::unique_ptr<Database> database_;
};

TEST_F(SessionRepositoryTest, CreatedSessionIsFoundWithEveryField) {
  const SessionRecord created = session("ses_1");

  Status status = sessions().create(created, "hash-1");
  Result<std::optional<SessionRecord>> found = sessions().find("ses_1");
  Result<std::optional<SessionRecord>> missing = sessions().find("ses_none");

  ASSERT_TRUE(status.ok()) << status.error().message;
  ASSERT_TRUE(found.ok() && found->has_value());
  const SessionRecord& row = **found;
  EXPECT_EQ(row.id, "ses_1");
  EXPECT_EQ(row.user_id, "usr_ann");
  EXPECT_EQ(row.auth_method, "password");
  EXPECT_TRUE(row.two_factor);
  EXPECT_EQ(row.ip, "203.0.113.7");
  EXPECT_EQ(row.user_agent, "curl/8.5");
  EXPECT_EQ(row.created_at, kNow);
  EXPECT_EQ(row.last_used_at, kNow);
  EXPECT_EQ(row.expires_at, kNow + kDay);
  EXPECT_FALSE(row.revoked_at.has_value());
  EXPECT_EQ(row.revoked_reason, "");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_F(SessionRepositoryTest, ListsTheUsersSessionsNewestFirst) {
  ASSERT_TRUE(sessions().create(session("ses_a", "usr_ann", kNow + 10), "h-a").ok());
  ASSERT_TRUE(sessions().create(session("ses_c", "usr_ann", kNow + 30), "h-c").ok());
  ASSERT_TRUE(sessions().create(session("ses_b", "usr_ann", kNow + 20), "h-b").ok());
  ASSERT_TRUE(sessions().create(session("ses_bob", "usr_bob", kNow + 40), "h-bob").ok());

  Result<std::vector<SessionRecord>> listed = sessions().list_for_user("usr_ann");

  ASSERT_TRUE(listed.ok());
  std::vector<std::string> ids;
  for (const SessionRecord& row : *listed) ids.push_back(row.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"ses_c", "ses_b", "ses_a"}));
}

TEST_F(SessionRepositoryTest, RotateReplacesTheTokenAndExtendsTheSession) {
  ASSERT_TRUE(sessions().create(session("ses_1"), "hash-1").ok());

  Result<RotateResult> first = sessions().rotate("hash-1", "hash-2", kNow + 100, kNow + 2 * kDay);
  Result<RotateResult> second = sessions().rotate("hash-2", "hash-3", kNow + 200, kNow + 3 * kDay);

  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->outcome, RotateOutcome::rotated);
  EXPECT_EQ(first->session.id, "ses_1");
  EXPECT_EQ(first->session.last_used_at, kNow + 100);
  EXPECT_EQ(first->session.expires_at, kNow + 2 * kDay);
  EXPECT_EQ(second->outcome, RotateOutcome::rotated);
  EXPECT_EQ(stored("ses_1").last_used_at, kNow + 200);
  EXPECT_EQ(stored("ses_1").expires_at, kNow + 3 * kDay);
}

TEST_F(SessionRepositoryTest, ReusedTokenRevokesTheSessionAndEndsItsChain) {
  ASSERT_TRUE(sessions().create(session("ses_1"), "hash-1").ok());
  ASSERT_EQ(sessions().rotate("hash-1", "hash-2", kNow + 100, kNow + kDay)->outcome,
            RotateOutcome::rotated);

  Result<RotateResult> replay = sessions().rotate("hash-1", "hash-x", kNow + 200, kNow + kDay);
  Result<RotateResult> current = sessions().rotate("hash-2", "hash-3", kNow + 300, kNow + kDay);

  ASSERT_TRUE(replay.ok() && current.ok());
  EXPECT_EQ(replay->outcome, RotateOutcome::reused);
  EXPECT_EQ(replay->session.revoked_at, kNow + 200);
  EXPECT_EQ(replay->session.revoked_reason, "refresh_token_reused");
  EXPECT_EQ(current->outcome, RotateOutcome::session_ended);
  const SessionRecord row = stored("ses_1");
  EXPECT_EQ(row.revoked_at, kNow + 200);
  EXPECT_EQ(row.revoked_reason, "refresh_token_reused");
}

TEST_F(SessionRepositoryTest, UnknownTokenIsUnknown) {
  ASSERT_TRUE(sessions().create(session("ses_1"), "hash-1").ok());

  Result<RotateResult> result = sessions().rotate("hash-none", "hash-2", kNow, kNow + kDay);

  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->outcome, RotateOutcome::unknown);
  EXPECT_EQ(result->session.id, "");
}

TEST_F(SessionRepositoryTest, ExpiredSessionEndsWithoutSpendingTheToken) {
  ASSERT_TRUE(sessions().create(session("ses_1"), "hash-1").ok());
  const std::int64_t expiry = kNow + kDay;

  Result<RotateResult> at_expiry = sessions().rotate("hash-1", "hash-2", expiry, expiry + kDay);
  Result<RotateResult> again = sessions().rotate("hash-1", "hash-3", expiry + 1, expiry + kDay);

  ASSERT_TRUE(at_expiry.ok() && again.ok());
  EXPECT_EQ(at_expiry->outcome, RotateOutcome::session_ended);
  EXPECT_EQ(at_expiry->session.expires_at, expiry);
  EXPECT_EQ(again->outcome, RotateOutcome::session_ended);
  EXPECT_FALSE(stored("ses_1").revoked_at.has_value());
}

TEST_F(SessionRepositoryTest, RevokedSessionEnds) {
  ASSERT_TRUE(sessions().create(session("ses_1"), "hash-1").ok());
  ASSERT_TRUE(sessions().revoke("ses_1", "usr_ann", kNow + 10, "signed_out").ok());

  Result<RotateResult> result = sessions().rotate("hash-1", "hash-2", kNow + 20, kNow + kDay);

  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->outcome, RotateOutcome::session_ended);
  EXPECT_EQ(result->session.revoked_at, kNow + 10);
  EXPECT_EQ(result->session.revoked_reason, "signed_out");
}

TEST_F(SessionRepositoryTest, EightThreadsRotatingOneTokenRotateItOnce) {
  ASSERT_TRUE(sessions().create(session("ses_1"), "hash-1").ok());
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::vector<Result<RotateResult>> results(kThreads, Result<RotateResult>(Error{}));
  std::vector<std::thread> threads;

  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] =
          sessions().rotate("hash-1", "hash-new-" + std::to_string(i), kNow + 100, kNow + 2 * kDay);
    });
  }
  for (std::thread& thread : threads) thread.join();

  int rotated = 0;
  int reused = 0;
  for (const Result<RotateResult>& result : results) {
    ASSERT_TRUE(result.ok()) << result.error().message;
    if (result->outcome == RotateOutcome::rotated) ++rotated;
    if (result->outcome == RotateOutcome::reused) ++reused;
  }
  EXPECT_EQ(rotated, 1);
  EXPECT_EQ(reused, kThreads - 1);
  EXPECT_EQ(stored("ses_1").revoked_reason, "refresh_token_reused");
}

TEST_F(SessionRepositoryTest, RevokesOnlyTheOwnersSession) {
  ASSERT_TRUE(sessions().create(session("ses_ann"), "hash-1").ok());

  Result<bool> by_bob = sessions().revoke("ses_ann", "usr_bob", kNow + 10, "signed_out");
  Result<bool> missing = sessions().revoke("ses_none", "usr_ann", kNow + 10, "signed_out");
  Result<bool> by_ann = sessions().revoke("ses_ann", "usr_ann", kNow + 20, "signed_out");
  Result<bool> again = sessions().revoke("ses_ann", "usr_ann", kNow + 30, "other");

  ASSERT_TRUE(by_bob.ok() && missing.ok() && by_ann.ok() && again.ok());
  EXPECT_FALSE(*by_bob);
  EXPECT_FALSE(*missing);
  EXPECT_TRUE(*by_ann);
  EXPECT_TRUE(*again);
  const SessionRecord row = stored("ses_ann");
  EXPECT_EQ(row.revoked_at, kNow + 20);
  EXPECT_EQ(row.revoked_reason, "signed_out");
}

TEST_F(SessionRepositoryTest, RevokeAllReturnsTheIdsItRevokedAndSkipsRevokedOnes) {
  ASSERT_TRUE(sessions().create(session("ses_1", "usr_ann", kNow + 1), "h-1").ok());
  ASSERT_TRUE(sessions().create(session("ses_2", "usr_ann", kNow + 2), "h-2").ok());
  ASSERT_TRUE(sessions().create(session("ses_3", "usr_ann", kNow + 3), "h-3").ok());
  ASSERT_TRUE(sessions().create(session("ses_bob", "usr_bob", kNow + 4), "h-bob").ok());
  ASSERT_TRUE(sessions().revoke("ses_2", "usr_ann", kNow + 5, "signed_out").ok());

  Result<std::vector<std::string>> revoked =
      sessions().revoke_all("usr_ann", kNow + 10, "password_changed");

  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(*revoked, (std::vector<std::string>{"ses_3", "ses_1"}));
  EXPECT_EQ(stored("ses_1").revoked_reason, "password_changed");
  EXPECT_EQ(stored("ses_3").revoked_at, kNow + 10);
  EXPECT_EQ(stored("ses_2").revoked_reason, "signed_out");
  EXPECT_EQ(stored("ses_2").revoked_at, kNow + 5);
  EXPECT_FALSE(stored("ses_bob").revoked_at.has_value());
}

TEST_F(SessionRepositoryTest, RevokeAllLeavesExpiredSessionsExpired) {
  SessionRecord old = session("ses_old", "usr_ann", kNow);
  old.expires_at = kNow + 5;
  ASSERT_TRUE(sessions().create(old, "h-old").ok());
  ASSERT_TRUE(sessions().create(session("ses_new", "usr_ann", kNow + 1), "h-new").ok());

  auto revoked = sessions().revoke_all("usr_ann", kNow + 10, "password_changed");

  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(*revoked, (std::vector<std::string>{"ses_new"}));
  EXPECT_FALSE(stored("ses_old").revoked_at.has_value());
}

TEST_F(SessionRepositoryTest, TouchWritesAtMostOnceAMinute) {
  ASSERT_TRUE(sessions().create(session("ses_1"), "hash-1").ok());

  ASSERT_TRUE(sessions().touch("ses_1", kNow + 60).ok());
  const std::int64_t after_a_minute = stored("ses_1").last_used_at;
  ASSERT_TRUE(sessions().touch("ses_1", kNow + 61).ok());
  const std::int64_t after_61_seconds = stored("ses_1").last_used_at;
  ASSERT_TRUE(sessions().touch("ses_1", kNow + 120).ok());
  const std::int64_t soon_after = stored("ses_1").last_used_at;

  EXPECT_EQ(after_a_minute, kNow);
  EXPECT_EQ(after_61_seconds, kNow + 61);
  EXPECT_EQ(soon_after, kNow + 61);
}

TEST_F(SessionRepositoryTest, RevokedSinceListsRevocationsAtOrAfterTheTime) {
  for (const char* id : {"ses_1", "ses_2", "ses_3", "ses_live"}) {
    ASSERT_TRUE(sessions().create(session(id), std::string("hash-") + id).ok());
  }
  ASSERT_TRUE(sessions().revoke("ses_1", "usr_ann", kNow + 100, "signed_out").ok());
  ASSERT_TRUE(sessions().revoke("ses_2", "usr_ann", kNow + 200, "signed_out").ok());
  ASSERT_TRUE(sessions().revoke("ses_3", "usr_ann", kNow + 300, "signed_out").ok());

  Result<std::vector<RevokedSession>> since = sessions().revoked_since(kNow + 200);

  ASSERT_TRUE(since.ok());
  ASSERT_EQ(since->size(), 2u);
  EXPECT_EQ((*since)[0].id, "ses_2");
  EXPECT_EQ((*since)[0].revoked_at, kNow + 200);
  EXPECT_EQ((*since)[1].id, "ses_3");
  EXPECT_EQ((*since)[1].revoked_at, kNow + 300);
}

}  // namespace
}  // namespace veyra::store
