#include "auth/api_key_cache.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "auth/api_key_service.h"
#include "store/database.h"
#include "store/store_test_support.h"

namespace veyra::auth {
namespace {

using store::testing::TempDirectory;

constexpr std::int64_t kNow = 1'700'000'000;

// The service and cache over a real SQLite file with one user, usr_ann, and a fake clock.
class ApiKeyCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::DatabaseOptions options;
    options.url = dir_.sqlite_url("keys.db");
    auto database = store::open_database(options);
    ASSERT_TRUE(database.ok());
    ASSERT_TRUE((*database)->migrate().ok());
    database_ = std::move(*database);
    for (const char* id : {"usr_ann", "usr_bob"}) {
      store::UserRecord user;
      user.id = id;
      user.email = std::string(id) + "@example.com";
      user.plan = "free";
      ASSERT_TRUE(database_->users().create(user).ok());
    }
    service_ = std::make_unique<ApiKeyService>(database_->api_keys(), codec_, cache_, clock_);
  }

  CreatedApiKey create(NewApiKey request = {}, std::string_view user_id = "usr_ann") {
    if (request.name.empty()) request.name = "laptop";
    auto created = service_->create(user_id, request);
    EXPECT_TRUE(created.ok());
    return created.ok() ? std::move(*created) : CreatedApiKey{};
  }

  static ErrorCode code_of(const Result<Principal>& result) {
    return result.ok() ? ErrorCode::internal_error : result.error().code;
  }

  TempDirectory dir_;
  FakeClock clock_{kNow};
  ApiKeyCodec codec_{std::string(40, 'k')};
  ApiKeyCache cache_{codec_, clock_};
  std::unique_ptr<store::Database> database_;
  std::unique_ptr<ApiKeyService> service_;
};

TEST_F(ApiKeyCacheTest, CreatedKeyAuthenticatesWithItsGrants) {
  NewApiKey request;
  request.scopes = static_cast<unsigned>(Scope::chat) | static_cast<unsigned>(Scope::models);
  request.models = std::vector<std::string>{"veyra-echo"};
  request.rpm_limit = 30;
  CreatedApiKey created = create(request);

  auto principal = cache_.authenticate(created.secret);

  ASSERT_TRUE(principal.ok());
  EXPECT_EQ(principal->kind, Principal::Kind::api_key);
  EXPECT_EQ(principal->user_id, "usr_ann");
  EXPECT_EQ(principal->key_id, created.key.id);
  EXPECT_EQ(principal->log_id(), created.key.id);
  EXPECT_TRUE(principal->has_scope(Scope::chat));
  EXPECT_FALSE(principal->has_scope(Scope::embeddings));
  EXPECT_TRUE(principal->allows_model("veyra-echo"));
  EXPECT_FALSE(principal->allows_model("veyra-embed"));
  EXPECT_EQ(principal->rpm_limit, 30);
  EXPECT_EQ(created.key.scopes, (std::vector<std::string>{"models", "chat"}));
}

TEST_F(ApiKeyCacheTest, StoredRecordHoldsOnlyTheHashNeverTheSecret) {
  CreatedApiKey created = create();

  auto listed = service_->list("usr_ann");

  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  const store::ApiKeyRecord& key = (*listed)[0];
  EXPECT_EQ(key.key_hash.size(), 64u);
  EXPECT_EQ(key.key_hash.find(created.secret.substr(9)), std::string::npos);
  EXPECT_EQ(key.prefix, created.secret.substr(0, 12));
  EXPECT_EQ(key.last4, created.secret.substr(created.secret.size() - 4));
}

TEST_F(ApiKeyCacheTest, MalformedAndUnknownKeysAreInvalid) {
  CreatedApiKey created = create();
  std::string typo = created.secret;
  typo[15] = typo[15] == 'a' ? 'b' : 'a';
  std::string unknown = codec_.generate().secret;

  EXPECT_EQ(code_of(cache_.authenticate(typo)), ErrorCode::invalid_api_key);
  EXPECT_EQ(code_of(cache_.authenticate("veyra_sk_short")), ErrorCode::invalid_api_key);
  EXPECT_EQ(code_of(cache_.authenticate(unknown)), ErrorCode::invalid_api_key);
}

TEST_F(ApiKeyCacheTest, RevokedKeyIsRefusedAtOnce) {
  CreatedApiKey created = create();
  ASSERT_TRUE(cache_.authenticate(created.secret).ok());

  auto revoked = service_->revoke("usr_ann", created.key.id);

  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(revoked->revoked_at, kNow);
  EXPECT_EQ(code_of(cache_.authenticate(created.secret)), ErrorCode::api_key_revoked);
}

TEST_F(ApiKeyCacheTest, RevokingSomeoneElsesKeyIsNotFoundAndKeepsItWorking) {
  CreatedApiKey created = create({}, "usr_bob");

  auto revoked = service_->revoke("usr_ann", created.key.id);

  ASSERT_FALSE(revoked.ok());
  EXPECT_EQ(revoked.error().code, ErrorCode::not_found);
  EXPECT_TRUE(cache_.authenticate(created.secret).ok());
}

TEST_F(ApiKeyCacheTest, KeyExpiresAtItsExpiryTime) {
  NewApiKey request;
  request.expires_at = kNow + 60;
  CreatedApiKey created = create(request);

  clock_.set(kNow + 59);
  auto before = cache_.authenticate(created.secret);
  clock_.set(kNow + 60);
  auto at = cache_.authenticate(created.secret);

  EXPECT_TRUE(before.ok());
  EXPECT_EQ(code_of(at), ErrorCode::api_key_expired);
}

TEST_F(ApiKeyCacheTest, LoadFillsAFreshCacheWithRevokedKeysToo) {
  CreatedApiKey live = create();
  CreatedApiKey dead = create();
  ASSERT_TRUE(service_->revoke("usr_ann", dead.key.id).ok());
  ApiKeyCache fresh(codec_, clock_);
  ApiKeyService restarted(database_->api_keys(), codec_, fresh, clock_);

  auto loaded = restarted.load();

  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(*loaded, 2u);
  EXPECT_TRUE(fresh.authenticate(live.secret).ok());
  EXPECT_EQ(code_of(fresh.authenticate(dead.secret)), ErrorCode::api_key_revoked);
}

TEST_F(ApiKeyCacheTest, UsesAreCollectedInMemoryAndFlushedInOneBatch) {
  CreatedApiKey first = create();
  CreatedApiKey second = create();
  ASSERT_TRUE(cache_.authenticate(first.secret).ok());
  clock_.set(kNow + 7);
  ASSERT_TRUE(cache_.authenticate(first.secret).ok());
  ASSERT_TRUE(cache_.authenticate(second.secret).ok());

  ASSERT_TRUE(service_->flush_uses().ok());
  std::vector<store::ApiKeyUse> after_flush = cache_.take_uses();

  auto listed = service_->list("usr_ann");
  ASSERT_TRUE(listed.ok());
  for (const store::ApiKeyRecord& key : *listed) EXPECT_EQ(key.last_used_at, kNow + 7) << key.id;
  EXPECT_TRUE(after_flush.empty());
}

TEST_F(ApiKeyCacheTest, UseNotedBeforeARevocationIsStillReported) {
  CreatedApiKey created = create();
  clock_.set(kNow + 3);
  ASSERT_TRUE(cache_.authenticate(created.secret).ok());

  ASSERT_TRUE(service_->revoke("usr_ann", created.key.id).ok());
  std::vector<store::ApiKeyUse> uses = cache_.take_uses();

  ASSERT_EQ(uses.size(), 1u);
  EXPECT_EQ(uses[0].key_id, created.key.id);
  EXPECT_EQ(uses[0].used_at, kNow + 3);
}

TEST_F(ApiKeyCacheTest, ManyThreadsAuthenticateWhileKeysAreCreatedAndRevoked) {
  CreatedApiKey steady = create();
  std::atomic<int> failures{0};

  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        if (!cache_.authenticate(steady.secret).ok()) ++failures;
      }
    });
  }
  for (int i = 0; i < 20; ++i) {
    CreatedApiKey churn = create();
    ASSERT_TRUE(service_->revoke("usr_ann", churn.key.id).ok());
  }
  for (std::thread& reader : readers) reader.join();

  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(cache_.size(), 21u);
}

TEST(ApiKeyScopes, NamesAndBitsRoundTripInApiOrder) {
  EXPECT_EQ(scope_names(kAllScopes),
            (std::vector<std::string>{"models", "chat", "embeddings", "images", "audio"}));
  EXPECT_EQ(scope_bit("embeddings"), static_cast<unsigned>(Scope::embeddings));
  EXPECT_EQ(scope_bit("admin"), 0u);
  EXPECT_EQ(scope_bit(""), 0u);
}

}  // namespace
}  // namespace veyra::auth
