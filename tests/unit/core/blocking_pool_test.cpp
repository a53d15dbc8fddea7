#include "core/blocking_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace veyra {
namespace {

class FunctionJob final : public BlockingPool::Job {
 public:
  explicit FunctionJob(std::function<void()> fn) : fn_(std::move(fn)) {}
  void run() override { fn_(); }

 private:
  std::function<void()> fn_;
};

std::unique_ptr<BlockingPool::Job> job(std::function<void()> fn) {
  return std::make_unique<FunctionJob>(std::move(fn));
}

TEST(BlockingPool, RunsEverySubmittedJob) {
  std::atomic<int> done{0};
  {
    BlockingPool pool(3, 100);

    for (int i = 0; i < 50; ++i) {
      auto j = job([&] { done.fetch_add(1); });
      ASSERT_TRUE(pool.submit(j));
    }
  }  // the destructor finishes queued work

  EXPECT_EQ(done.load(), 50);
}

TEST(BlockingPool, RefusesBeyondTheQueueLimit) {
  BlockingPool pool(1, 2);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  auto blocker = job([&] {
    started.set_value();
    gate.wait();
  });
  ASSERT_TRUE(pool.submit(blocker));
  started.get_future().wait();
  auto a = job([] {});
  auto b = job([] {});
  auto c = job([] {});

  bool a_ok = pool.submit(a);
  bool b_ok = pool.submit(b);
  bool c_ok = pool.submit(c);

  EXPECT_TRUE(a_ok);
  EXPECT_TRUE(b_ok);
  EXPECT_FALSE(c_ok);
  EXPECT_NE(c, nullptr);  // a refused job stays with the caller
  EXPECT_EQ(pool.queue_depth(), 2u);
  EXPECT_EQ(pool.busy_threads(), 1u);
  release.set_value();
}

TEST(BlockingPool, RefusesAfterStop) {
  BlockingPool pool(2, 10);
  pool.stop();
  auto j = job([] {});

  EXPECT_FALSE(pool.submit(j));
}

}  // namespace
}  // namespace veyra
