#include "store/sqlite/sqlite_secret_repository.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <latch>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/database.h"
#include "store_test_support.h"

namespace veyra::store {
namespace {

using testing::LogCapture;
using testing::TempDirectory;

class SecretRepositoryTest : public ::testing::Test {
 protected:
  // A migrated database on the test's file; every call opens a separate instance.
  std::unique_ptr<Database> open(bool migrate = true) {
    DatabaseOptions options;
    options.url = dir_.sqlite_url("secrets.db");
    options.error_log = log_.sink();
    Result<std::unique_ptr<Database>> database = open_database(options);
    EXPECT_TRUE(database.ok());
    if (!database) return nullptr;
    if (migrate) {
      EXPECT_TRUE((*database)->migrate().ok());
    }
    return std::move(*database);
  }

  static std::function<std::string()> constant(std::string value) {
    return [value] { return value; };
  }

  TempDirectory dir_;
  LogCapture log_;
};

TEST_F(SecretRepositoryTest, ReturnsTheSameValueOnEveryCall) {
  std::unique_ptr<Database> database = open();
  ASSERT_NE(database, nullptr);
  int made = 0;
  auto make = [&made] { return "value-" + std::to_string(++made); };

  Result<std::string> first = database->secrets().get_or_create("jwt_signing_key", make);
  Result<std::string> second = database->secrets().get_or_create("jwt_signing_key", make);

  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, "value-1");
  EXPECT_EQ(*second, "value-1");
  EXPECT_EQ(made, 1);
}

TEST_F(SecretRepositoryTest, KeepsSecretsApartByName) {
  std::unique_ptr<Database> database = open();
  ASSERT_NE(database, nullptr);

  Result<std::string> jwt = database->secrets().get_or_create("jwt", constant("one"));
  Result<std::string> cookie = database->secrets().get_or_create("cookie", constant("two"));

  ASSERT_TRUE(jwt.ok() && cookie.ok());
  EXPECT_EQ(*jwt, "one");
  EXPECT_EQ(*cookie, "two");
}

TEST_F(SecretRepositoryTest, SharesTheValueAcrossInstancesOnOneFile) {
  std::unique_ptr<Database> a = open();
  std::unique_ptr<Database> b = open();
  ASSERT_TRUE(a && b);

  Result<std::string> from_a = a->secrets().get_or_create("jwt", constant("from-a"));
  Result<std::string> from_b = b->secrets().get_or_create("jwt", constant("from-b"));

  ASSERT_TRUE(from_a.ok() && from_b.ok());
  EXPECT_EQ(*from_a, "from-a");
  EXPECT_EQ(*from_b, "from-a");
}

TEST_F(SecretRepositoryTest, EightThreadsRacingOnFirstUseGetOneValue) {
  std::unique_ptr<Database> database = open();
  ASSERT_NE(database, nullptr);
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::vector<Result<std::string>> results(kThreads, Result<std::string>(Error{}));
  std::vector<std::thread> threads;

  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] =
          database->secrets().get_or_create("jwt", constant("thread-" + std::to_string(i)));
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::set<std::string> values;
  for (const Result<std::string>& result : results) {
    ASSERT_TRUE(result.ok()) << result.error().message;
    values.insert(*result);
  }
  ASSERT_EQ(values.size(), 1u);
  EXPECT_TRUE(values.begin()->starts_with("thread-"));
}

TEST_F(SecretRepositoryTest, TwoProcessesRacingOnFirstUseGetOneValue) {
  ASSERT_NE(open(), nullptr);  // migrate first, so the race is on the secret alone
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);

  const pid_t child = fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    // The child writes the value it got to the pipe.
    close(pipe_fds[0]);
    std::unique_ptr<Database> database = open(false);
    Result<std::string> value = database
                                    ? database->secrets().get_or_create("jwt", constant("child"))
                                    : Result<std::string>(Error{});
    const std::string out = value.ok() ? *value : "<error>";
    _exit(write(pipe_fds[1], out.data(), out.size()) == static_cast<ssize_t>(out.size()) ? 0 : 1);
  }
  close(pipe_fds[1]);
  std::unique_ptr<Database> database = open(false);
  ASSERT_NE(database, nullptr);

  Result<std::string> parent = database->secrets().get_or_create("jwt", constant("parent"));
  std::string from_child;
  char buffer[64];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) from_child.append(buffer, n);
  close(pipe_fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);

  ASSERT_TRUE(parent.ok());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(from_child, *parent);
  EXPECT_TRUE(*parent == "parent" || *parent == "child") << *parent;
}

TEST_F(SecretRepositoryTest, UnmigratedDatabaseGivesGenericErrorAndLogsDetail) {
  std::unique_ptr<Database> database = open(false);
  ASSERT_NE(database, nullptr);

  Result<std::string> value = database->secrets().get_or_create("jwt", constant("x"));

  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.error().code, ErrorCode::internal_error);
  EXPECT_EQ(value.error().message, kDatabaseErrorMessage);
  EXPECT_TRUE(log_.contains("no such table: server_secrets"));
}

}  // namespace
}  // namespace veyra::store
