#include "auth/revoked_sessions.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace veyra::auth {
namespace {

TEST(RevokedSessions, UnknownSessionIsNotRevoked) {
  RevokedSessions revoked;

  revoked.revoke("ses_other", 2000);

  EXPECT_FALSE(revoked.is_revoked("ses_1"));
  EXPECT_FALSE(revoked.is_revoked(""));
}

TEST(RevokedSessions, RevokedSessionIsRevokedAtOnce) {
  RevokedSessions revoked;

  revoked.revoke("ses_1", 2000);

  EXPECT_TRUE(revoked.is_revoked("ses_1"));
  EXPECT_FALSE(revoked.is_revoked("ses_10"));
  EXPECT_EQ(revoked.size(), 1u);
}

TEST(RevokedSessions, PruneDropsOnlyEntriesWhoseTokensHaveExpired) {
  RevokedSessions revoked;
  revoked.revoke("ses_early", 1000);
  revoked.revoke("ses_now", 1500);
  revoked.revoke("ses_late", 1501);

  revoked.prune(1500);

  EXPECT_FALSE(revoked.is_revoked("ses_early"));
  EXPECT_FALSE(revoked.is_revoked("ses_now"));
  EXPECT_TRUE(revoked.is_revoked("ses_late"));
  EXPECT_EQ(revoked.size(), 1u);
}

TEST(RevokedSessions, RevokingAgainKeepsTheLaterExpiry) {
  RevokedSessions revoked;
  revoked.revoke("ses_1", 3000);

  revoked.revoke("ses_1", 1000);
  revoked.prune(2000);

  EXPECT_TRUE(revoked.is_revoked("ses_1"));
  EXPECT_EQ(revoked.size(), 1u);
}

TEST(RevokedSessions, ReadersSeeEveryRevocationWhileWritersRevokeAndPrune) {
  RevokedSessions revoked;
  constexpr int kSessions = 500;
  std::atomic<int> published{0};  // sessions [0, published) are revoked for good
  std::atomic<bool> done{false};
  std::atomic<int> missed{0};
  std::atomic<int> phantom{0};

  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      // Like request threads, readers do other work between lookups (here: yield), which
      // gives the writer gaps; glibc's rwlock would otherwise let tight readers hold it off.
      for (int round = 0; !done.load(); ++round) {
        std::this_thread::yield();
        const int upto = published.load();
        for (int i = round % 7; i < upto; i += 31) {
          if (!revoked.is_revoked("ses_" + std::to_string(i))) ++missed;
        }
        if (revoked.is_revoked("ses_never")) ++phantom;
      }
    });
  }
  std::thread writer([&] {
    for (int i = 0; i < kSessions; ++i) {
      revoked.revoke("ses_" + std::to_string(i), 10'000);
      revoked.revoke("tmp_" + std::to_string(i), 10);
      published.store(i + 1);
      if (i % 50 == 0) revoked.prune(100);
    }
  });
  writer.join();
  done.store(true);
  for (std::thread& reader : readers) reader.join();
  revoked.prune(100);

  EXPECT_EQ(missed.load(), 0);
  EXPECT_EQ(phantom.load(), 0);
  EXPECT_EQ(revoked.size(), static_cast<std::size_t>(kSessions));
}

}  // namespace
}  // namespace veyra::auth
