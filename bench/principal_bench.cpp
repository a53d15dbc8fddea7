// The hot-path principal check (DESIGN.md budget: under 2 µs): reading the Authorization
// header, verifying the HS256 access token and looking its session up in the in-memory
// revoked set, or checking an API key's checksum, hashing it and finding it in the in-memory
// key cache, as every authenticated model call does. No database is touched.
// Build: cmake -S . -B build -DVEYRA_BUILD_BENCH=ON && ninja -C build veyra-principal-bench
#include <benchmark/benchmark.h>

#include <filesystem>

#include "api/auth_guard.h"
#include "auth/api_key_cache.h"
#include "auth/api_key_codec.h"
#include "auth/jwt.h"
#include "auth/revoked_sessions.h"
#include "auth/tokens.h"
#include "core/clock.h"
#include "core/ids.h"
#include "store/database.h"

namespace {

using namespace veyra;

constexpr std::int64_t kNow = 1'800'000'000;

auth::AccessClaims sample_claims() {
  auth::AccessClaims claims;
  claims.subject = new_id("usr_");
  claims.session_id = new_id("ses_");
  claims.issued_at = kNow;
  claims.expires_at = kNow + 900;
  claims.amr = {"pwd"};
  claims.jti = random_base62(16);
  return claims;
}

// A revoked set the size of a busy node's: 10,000 recently revoked sessions.
void fill(auth::RevokedSessions& revoked) {
  for (int i = 0; i < 10'000; ++i) revoked.revoke(new_id("ses_"), kNow + 900);
}

void BM_JwtVerify(benchmark::State& state) {
  auth::JwtCodec jwt(std::string(64, 's'), "https://veyra.example");
  std::string token = jwt.sign(sample_claims());
  for (auto _ : state) {
    auto claims = jwt.verify(token, kNow);
    benchmark::DoNotOptimize(claims);
  }
}
BENCHMARK(BM_JwtVerify);

void BM_RevokedLookup(benchmark::State& state) {
  auth::RevokedSessions revoked;
  fill(revoked);
  std::string session = new_id("ses_");
  for (auto _ : state) benchmark::DoNotOptimize(revoked.is_revoked(session));
}
BENCHMARK(BM_RevokedLookup);

// The whole check a handler runs: header, token, revoked set, Principal.
void BM_PrincipalCheck(benchmark::State& state) {
  auto dir = std::filesystem::temp_directory_path() / ("veyra-bench-" + random_base62(8));
  std::filesystem::create_directories(dir);
  store::DatabaseOptions options;
  options.url = "sqlite://" + (dir / "bench.db").string();
  auto database = store::open_database(options);
  if (!database || !(*database)->migrate()) {
    state.SkipWithError("cannot open a database");
    return;
  }
  FakeClock clock(kNow);
  auth::JwtCodec jwt(std::string(64, 's'), "https://veyra.example");
  auth::RevokedSessions revoked;
  fill(revoked);
  auth::TokenIssuer tokens((*database)->sessions(), jwt, revoked, clock, {});
  auth::ApiKeyCodec codec(std::string(64, 'k'));
  auth::ApiKeyCache keys(codec, clock);
  std::string header = "Bearer " + jwt.sign(sample_claims());
  http::Request request;
  request.headers = {{"Host", "veyra"},
                     {"Content-Type", "application/json"},
                     {"Authorization", header},
                     {"User-Agent", "OpenAI/NodeJS/4.104.0"}};

  for (auto _ : state) {
    auto principal = api::authenticate(tokens, keys, request);
    benchmark::DoNotOptimize(principal);
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_PrincipalCheck);

// A cache the size of a busy node's: 10,000 keys, one of them the caller's.
std::string fill(auth::ApiKeyCache& keys, const auth::ApiKeyCodec& codec) {
  std::string secret;
  for (int i = 0; i < 10'000; ++i) {
    auth::GeneratedApiKey key = codec.generate();
    store::ApiKeyRecord record;
    record.id = new_id("key_");
    record.user_id = new_id("usr_");
    record.key_hash = auth::ApiKeyCodec::hex(key.hash);
    record.scopes = {"models", "chat"};
    record.models = std::vector<std::string>{"veyra-echo"};
    keys.put(record);
    secret = key.secret;
  }
  return secret;
}

void BM_ApiKeyHash(benchmark::State& state) {
  auth::ApiKeyCodec codec(std::string(64, 'k'));
  std::string secret = codec.generate().secret;
  auth::ApiKeyHash hash;
  for (auto _ : state) {
    benchmark::DoNotOptimize(auth::ApiKeyCodec::well_formed(secret));
    benchmark::DoNotOptimize(codec.hash(secret, hash));
  }
}
BENCHMARK(BM_ApiKeyHash);

// The whole check with an API key: header, checksum, HMAC, cache lookup, Principal.
void BM_ApiKeyPrincipalCheck(benchmark::State& state) {
  FakeClock clock(kNow);
  auth::JwtCodec jwt(std::string(64, 's'), "https://veyra.example");
  auth::RevokedSessions revoked;
  auth::ApiKeyCodec codec(std::string(64, 'k'));
  auth::ApiKeyCache keys(codec, clock);
  std::string header = "Bearer " + fill(keys, codec);
  http::Request request;
  request.headers = {{"Host", "veyra"},
                     {"Content-Type", "application/json"},
                     {"Authorization", header},
                     {"User-Agent", "OpenAI/NodeJS/4.104.0"}};
  // The issuer is needed by authenticate() but never consulted for a key.
  auto dir = std::filesystem::temp_directory_path() / ("veyra-bench-" + random_base62(8));
  std::filesystem::create_directories(dir);
  store::DatabaseOptions options;
  options.url = "sqlite://" + (dir / "bench.db").string();
  auto database = store::open_database(options);
  if (!database) {
    state.SkipWithError("cannot open a database");
    return;
  }
  auth::TokenIssuer tokens((*database)->sessions(), jwt, revoked, clock, {});

  for (auto _ : state) {
    auto principal = api::authenticate(tokens, keys, request);
    benchmark::DoNotOptimize(principal);
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_ApiKeyPrincipalCheck);

}  // namespace

BENCHMARK_MAIN();
