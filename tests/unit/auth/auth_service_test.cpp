// Sign-in flows end to end below HTTP: real SQLite, a fake clock, cheap Argon2id settings.
#include "auth/auth_service.h"

#include <gtest/gtest.h>

#include "accounts/registration.h"
#include "auth/revoked_sessions.h"
#include "store/database.h"
#include "store/store_test_support.h"

namespace veyra::auth {
namespace {

constexpr std::string_view kPassword = "correct horse battery";

class AuthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::DatabaseOptions options;
    options.url = dir_.sqlite_url("auth.db");
    options.max_connections = 2;
    auto opened = store::open_database(options);
    ASSERT_TRUE(opened.ok());
    database_ = std::move(*opened);
    ASSERT_TRUE(database_->migrate().ok());

    tokens_ = std::make_unique<TokenIssuer>(database_->sessions(), jwt_, revoked_, clock_,
                                            TokenSettings{900, 30 * 86400});
    auth_ = std::make_unique<AuthService>(database_->users(), database_->sessions(), hasher_,
                                          *tokens_, throttle_, clock_);
    accounts::Registration registration(database_->users(), hasher_, clock_);
    auto user = registration.create({"ann@example.com", kPassword, "Ann", "free"});
    ASSERT_TRUE(user.ok());
    user_ = *user;
  }

  TokenPair login_ok(std::string_view ip = "10.0.0.1") {
    auto result = auth_->login("ann@example.com", kPassword, {std::string(ip), "test-agent"});
    EXPECT_TRUE(result.ok());
    return *result->tokens;
  }

  Principal principal_of(const TokenPair& pair) {
    auto principal = tokens_->authenticate(pair.access_token);
    EXPECT_TRUE(principal.ok());
    return *principal;
  }

  store::testing::TempDirectory dir_;
  std::unique_ptr<store::Database> database_;
  FakeClock clock_{1'800'000'000};
  PasswordHasher hasher_{{8, 1}};
  JwtCodec jwt_{std::string(48, 'k'), "http://veyra.test"};
  RevokedSessions revoked_;
  LoginThrottle throttle_{clock_};
  std::unique_ptr<TokenIssuer> tokens_;
  std::unique_ptr<AuthService> auth_;
  store::UserRecord user_;
};

TEST_F(AuthServiceTest, LoginIssuesTokensForTheUser) {
  TokenPair pair = login_ok();

  Principal principal = principal_of(pair);
  EXPECT_EQ(principal.user_id, user_.id);
  EXPECT_EQ(principal.session_id, pair.session_id);
  EXPECT_EQ(principal.amr, std::vector<std::string>{"pwd"});
  EXPECT_EQ(pair.expires_in, 900);
  EXPECT_EQ(pair.user.email, "ann@example.com");
}

TEST_F(AuthServiceTest, EmailMatchesIgnoringCase) {
  auto result = auth_->login("  ANN@Example.com ", kPassword, {"10.0.0.1", ""});

  EXPECT_TRUE(result.ok());
}

TEST_F(AuthServiceTest, UnknownEmailAndWrongPasswordAnswerAlike) {
  auto unknown = auth_->login("nobody@example.com", kPassword, {"10.0.0.1", ""});
  auto wrong = auth_->login("ann@example.com", "not the password", {"10.0.0.2", ""});

  ASSERT_FALSE(unknown.ok());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::invalid_credentials);
  EXPECT_EQ(wrong.error().code, ErrorCode::invalid_credentials);
  EXPECT_EQ(unknown.error().message, wrong.error().message);
}

TEST_F(AuthServiceTest, RepeatedFailuresAreThrottledWithRetryAfter) {
  for (int i = 0; i < 5; ++i)
    (void)auth_->login("ann@example.com", "wrong-wrong", {"10.0.0.1", ""});

  auto blocked = auth_->login("ann@example.com", kPassword, {"10.9.9.9", ""});

  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().code, ErrorCode::too_many_attempts);
  EXPECT_GT(blocked.error().retry_after_s, 0u);
}

TEST_F(AuthServiceTest, RefreshRotatesAndKeepsTheSession) {
  TokenPair first = login_ok();
  clock_.advance(10);

  auto second = auth_->refresh(first.refresh_token);

  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->session_id, first.session_id);
  EXPECT_NE(second->refresh_token, first.refresh_token);
  EXPECT_TRUE(tokens_->authenticate(second->access_token).ok());
}

TEST_F(AuthServiceTest, ReusedRefreshTokenRevokesTheSession) {
  TokenPair first = login_ok();
  auto second = auth_->refresh(first.refresh_token);
  ASSERT_TRUE(second.ok());

  auto replay = auth_->refresh(first.refresh_token);

  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.error().code, ErrorCode::refresh_token_reused);
  auto access = tokens_->authenticate(second->access_token);
  ASSERT_FALSE(access.ok());
  EXPECT_EQ(access.error().code, ErrorCode::session_revoked);
  auto after = auth_->refresh(second->refresh_token);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code, ErrorCode::refresh_token_invalid);
  auto session = database_->sessions().find(first.session_id);
  ASSERT_TRUE(session.ok() && session->has_value());
  EXPECT_EQ((*session)->revoked_reason, "refresh_token_reused");
}

TEST_F(AuthServiceTest, LogoutRevokesOnlyTheCurrentSessionUnlessAll) {
  TokenPair a = login_ok();
  TokenPair b = login_ok();
  TokenPair c = login_ok();

  auto one = auth_->logout(principal_of(a), false);
  auto rest = auth_->logout(principal_of(b), true);

  ASSERT_TRUE(one.ok());
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(*one, 1);
  EXPECT_EQ(*rest, 2);
  EXPECT_FALSE(tokens_->authenticate(a.access_token).ok());
  EXPECT_FALSE(tokens_->authenticate(c.access_token).ok());
}

TEST_F(AuthServiceTest, SessionsListMarksCurrentAndOthersCannotBeRevoked) {
  TokenPair mine = login_ok();
  login_ok("10.0.0.2");
  accounts::Registration registration(database_->users(), hasher_, clock_);
  ASSERT_TRUE(registration.create({"bob@example.com", "another good pass", "", "free"}).ok());
  auto bob = auth_->login("bob@example.com", "another good pass", {"10.0.0.3", ""});
  ASSERT_TRUE(bob.ok());

  auto list = auth_->list_sessions(principal_of(mine));
  Status foreign = auth_->revoke_session(principal_of(mine), bob->tokens->session_id);

  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  int current = 0;
  for (const SessionView& view : *list) current += view.current ? 1 : 0;
  EXPECT_EQ(current, 1);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().code, ErrorCode::not_found);
}

TEST_F(AuthServiceTest, ChangePasswordChecksTheCurrentOneAndRevokesEverySession) {
  TokenPair a = login_ok();
  login_ok();

  auto wrong = auth_->change_password(principal_of(a), "nope nope nope", "brand new secret");
  auto weak = auth_->change_password(principal_of(a), kPassword, "password");
  auto done = auth_->change_password(principal_of(a), kPassword, "brand new secret");

  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::invalid_current_password);
  ASSERT_FALSE(weak.ok());
  EXPECT_EQ(weak.error().code, ErrorCode::weak_password);
  EXPECT_EQ(weak.error().param, "new_password");
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(*done, 2);
  EXPECT_FALSE(tokens_->authenticate(a.access_token).ok());
  EXPECT_FALSE(auth_->login("ann@example.com", kPassword, {"10.0.0.1", ""}).ok());
  EXPECT_TRUE(auth_->login("ann@example.com", "brand new secret", {"10.0.0.1", ""}).ok());
}

TEST_F(AuthServiceTest, ExpiredAccessTokenIsRejected) {
  TokenPair pair = login_ok();

  clock_.advance(901);

  auto access = tokens_->authenticate(pair.access_token);
  ASSERT_FALSE(access.ok());
  EXPECT_EQ(access.error().code, ErrorCode::access_token_expired);
}

TEST_F(AuthServiceTest, RehashesWhenTheCostGrows) {
  PasswordHasher stronger({16, 2});
  AuthService upgraded(database_->users(), database_->sessions(), stronger, *tokens_, throttle_,
                       clock_);

  ASSERT_TRUE(upgraded.login("ann@example.com", kPassword, {"10.0.0.1", ""}).ok());

  auto user = database_->users().find_by_id(user_.id);
  ASSERT_TRUE(user.ok() && user->has_value());
  EXPECT_FALSE(stronger.needs_rehash(*(*user)->password_hash));
}

}  // namespace
}  // namespace veyra::auth
