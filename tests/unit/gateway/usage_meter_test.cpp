#include "gateway/usage_meter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/blocking_pool.h"
#include "core/clock.h"
#include "store/database.h"
#include "store/store_test_support.h"

namespace veyra::gateway {
namespace {

using store::UsageGroup;
using store::UsageGrouping;
using store::UsageRecord;

// 2023-11-14 22:13:20 UTC.
constexpr std::int64_t kNow = 1'700'000'000;

// A call of usr_ann to veyra-echo with 10 + 5 tokens; id and created_at left to the meter.
UsageRecord call(std::string model = "veyra-echo") {
  UsageRecord record;
  record.request_id = "req_1";
  record.user_id = "usr_ann";
  record.session_id = "ses_1";
  record.model = std::move(model);
  record.endpoint = "chat";
  record.prompt_tokens = 10;
  record.completion_tokens = 5;
  record.status = 200;
  return record;
}

// Forwards to a real repository, except for the inserts planned to fail (with server_busy).
// Keeps the ids of every record it was asked to insert, call by call.
class FlakyRepository final : public store::UsageRepository {
 public:
  enum class Outcome { pass, fail };

  explicit FlakyRepository(store::UsageRepository& inner) : inner_(inner) {}

  // The outcomes of the next inserts, in order; later ones pass.
  void plan(std::initializer_list<Outcome> outcomes) {
    std::lock_guard lock(mutex_);
    planned_.assign(outcomes.begin(), outcomes.end());
  }

  Status insert(std::span<const UsageRecord> records) override {
    std::lock_guard lock(mutex_);
    std::vector<std::string> ids;
    for (const UsageRecord& record : records) ids.push_back(record.id);
    calls_.push_back(std::move(ids));
    Outcome outcome = Outcome::pass;
    if (!planned_.empty()) {
      outcome = planned_.front();
      planned_.pop_front();
    }
    if (outcome == Outcome::fail) return make_error(ErrorCode::server_busy);
    return inner_.insert(records);
  }

  Result<std::vector<UsageGroup>> totals_since(std::int64_t start) override {
    return inner_.totals_since(start);
  }

  Result<std::vector<UsageGroup>> summarize(std::string_view user_id, std::int64_t start,
                                            std::int64_t end, UsageGrouping grouping) override {
    return inner_.summarize(user_id, start, end, grouping);
  }

  std::vector<std::vector<std::string>> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  store::UsageRepository& inner_;
  mutable std::mutex mutex_;
  std::deque<Outcome> planned_;                  // guarded by mutex_
  std::vector<std::vector<std::string>> calls_;  // guarded by mutex_
};

// Occupies one thread of a BlockingPool until opened (or destroyed), so that jobs the meter
// submits wait in the pool's queue where a test can count them.
class PoolGate {
 public:
  class Job final : public BlockingPool::Job {
   public:
    explicit Job(std::function<void()> fn) : fn_(std::move(fn)) {}
    void run() override { fn_(); }

   private:
    std::function<void()> fn_;
  };

  ~PoolGate() { open(); }

  // Returns once the gate job is running on a thread of `pool`.
  bool close(BlockingPool& pool) {
    std::promise<void> started;
    std::future<void> running = started.get_future();
    std::unique_ptr<BlockingPool::Job> job = std::make_unique<Job>([&started, gate = gate_] {
      started.set_value();
      gate.wait();
    });
    if (!pool.submit(job)) return false;
    running.wait();
    return true;
  }

  void open() {
    std::call_once(opened_, [this] { release_.set_value(); });
  }

 private:
  std::promise<void> release_;
  std::shared_future<void> gate_ = release_.get_future().share();
  std::once_flag opened_;
};

class UsageMeterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::DatabaseOptions options;
    options.url = dir_.sqlite_url("usage.db");
    options.error_log = log_.sink();
    Result<std::unique_ptr<store::Database>> database = store::open_database(options);
    ASSERT_TRUE(database.ok());
    ASSERT_TRUE((*database)->migrate().ok());
    database_ = std::move(*database);
  }

  // Builds the meter over `repository` (the SQLite one when null) and a pool of `threads`
  // threads with room for `queue_limit` jobs. With one thread, gate_ holds back every job.
  UsageMeter& make_meter(UsageMeterOptions options, store::UsageRepository* repository = nullptr,
                         unsigned threads = 1, std::size_t queue_limit = 64) {
    pool_ = std::make_unique<BlockingPool>(threads, queue_limit);
    meter_ = std::make_unique<UsageMeter>(repository ? *repository : database_->usage(), *pool_,
                                          clock_, options);
    return *meter_;
  }

  // usr_ann's records of the day around kNow, by model.
  std::vector<UsageGroup> stored() {
    Result<std::vector<UsageGroup>> groups =
        database_->usage().summarize("usr_ann", kNow - 86'400, kNow + 86'400, UsageGrouping::model);
    EXPECT_TRUE(groups.ok());
    return groups.ok() ? *groups : std::vector<UsageGroup>{};
  }

  store::testing::TempDirectory dir_;
  store::testing::LogCapture log_;
  FakeClock clock_{kNow};
  std::unique_ptr<store::Database> database_;
  // Destroyed in reverse: the gate opens first, so the meter's last job can run and end.
  std::unique_ptr<BlockingPool> pool_;
  std::unique_ptr<UsageMeter> meter_;
  PoolGate gate_;
};

TEST_F(UsageMeterTest, FlushNowWritesEveryRecordInBatches) {
  UsageMeter& meter = make_meter({.max_batch = 500});
  for (int i = 0; i < 1200; ++i) meter.record(call());
  meter.flush_now();

  EXPECT_EQ(stored(), (std::vector<UsageGroup>{{"veyra-echo", 1200, 12'000, 6'000}}));
  EXPECT_EQ(meter.written(), 1200u);
  EXPECT_EQ(meter.queued(), 0u);
  EXPECT_EQ(meter.dropped(), 0u);
}

TEST_F(UsageMeterTest, AssignsIdAndCreatedAtOnlyWhenEmpty) {
  FlakyRepository repository(database_->usage());
  UsageMeter& meter = make_meter({}, &repository);
  UsageRecord given = call();
  given.id = "usg_given";
  given.created_at = kNow - 60;

  meter.record(call());
  meter.record(given);
  meter.flush_now();

  std::vector<std::vector<std::string>> calls = repository.calls();
  ASSERT_EQ(calls.size(), 1u);
  ASSERT_EQ(calls[0].size(), 2u);
  EXPECT_TRUE(calls[0][0].starts_with("usg_"));
  EXPECT_GT(calls[0][0].size(), 20u);
  EXPECT_EQ(calls[0][1], "usg_given");
  Result<std::vector<UsageGroup>> at_now =
      database_->usage().summarize("usr_ann", kNow, kNow + 1, UsageGrouping::model);
  Result<std::vector<UsageGroup>> earlier =
      database_->usage().summarize("usr_ann", kNow - 60, kNow - 59, UsageGrouping::model);
  ASSERT_TRUE(at_now.ok() && earlier.ok());
  EXPECT_EQ(*at_now, (std::vector<UsageGroup>{{"veyra-echo", 1, 10, 5}}));
  EXPECT_EQ(*earlier, (std::vector<UsageGroup>{{"veyra-echo", 1, 10, 5}}));
}

TEST_F(UsageMeterTest, FlushAsyncWritesOnThePool) {
  UsageMeter& meter = make_meter({});
  ASSERT_TRUE(gate_.close(*pool_));
  meter.record(call());
  meter.record(call());

  meter.flush_async();

  EXPECT_EQ(pool_->queue_depth(), 1u);
  EXPECT_EQ(meter.queued(), 2u);
  EXPECT_EQ(meter.written(), 0u);
  gate_.open();
  meter.flush_now();  // waits for the batch in flight
  EXPECT_EQ(meter.written(), 2u);
  EXPECT_EQ(stored(), (std::vector<UsageGroup>{{"veyra-echo", 2, 20, 10}}));
}

TEST_F(UsageMeterTest, AtMostOneBatchIsInFlight) {
  UsageMeter& meter = make_meter({});
  ASSERT_TRUE(gate_.close(*pool_));
  meter.record(call());
  meter.flush_async();

  meter.record(call());
  meter.record(call());
  meter.flush_async();
  meter.flush_async();

  EXPECT_EQ(pool_->queue_depth(), 1u);
  EXPECT_EQ(meter.queued(), 3u);
  gate_.open();
  meter.flush_now();
  EXPECT_EQ(meter.written(), 3u);
  EXPECT_EQ(meter.queued(), 0u);
}

TEST_F(UsageMeterTest, FullBatchStartsAWriteFromRecord) {
  UsageMeter& meter = make_meter({.max_batch = 3});
  ASSERT_TRUE(gate_.close(*pool_));

  meter.record(call());
  meter.record(call());
  EXPECT_EQ(pool_->queue_depth(), 0u);
  meter.record(call());

  EXPECT_EQ(pool_->queue_depth(), 1u);
  gate_.open();
  meter.flush_now();
  EXPECT_EQ(meter.written(), 3u);
}

TEST_F(UsageMeterTest, RecordsFromSeveralThreadsAreAllWritten) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2'000;
  UsageMeter& meter = make_meter({.max_batch = 100}, nullptr, 2);
  std::atomic<bool> recording{true};
  std::thread flusher([&] {
    while (recording.load()) {
      meter.flush_async();
      std::this_thread::yield();
    }
  });

  std::vector<std::thread> callers;
  for (int t = 0; t < kThreads; ++t) {
    callers.emplace_back([&meter, t] {
      for (int i = 0; i < kPerThread; ++i) meter.record(call(t % 2 == 0 ? "even" : "odd"));
    });
  }
  for (std::thread& caller : callers) caller.join();
  recording = false;
  flusher.join();
  meter.flush_now();

  EXPECT_EQ(stored(), (std::vector<UsageGroup>{{"even", 4'000, 40'000, 20'000},
                                               {"odd", 4'000, 40'000, 20'000}}));
  EXPECT_EQ(meter.written(), 8'000u);
  EXPECT_EQ(meter.dropped(), 0u);
  EXPECT_EQ(meter.queued(), 0u);
}

TEST_F(UsageMeterTest, RecordsBeyondMaxQueueAreDroppedAndCounted) {
  UsageMeter& meter = make_meter({.max_batch = 100, .max_queue = 10});

  for (int i = 0; i < 15; ++i) meter.record(call());

  EXPECT_EQ(meter.queued(), 10u);
  EXPECT_EQ(meter.dropped(), 5u);
  meter.flush_now();
  EXPECT_EQ(meter.written(), 10u);
  EXPECT_EQ(stored(), (std::vector<UsageGroup>{{"veyra-echo", 10, 100, 50}}));
}

TEST_F(UsageMeterTest, RecordsBeingWrittenCountTowardMaxQueue) {
  UsageMeter& meter = make_meter({.max_batch = 100, .max_queue = 4});
  ASSERT_TRUE(gate_.close(*pool_));
  for (int i = 0; i < 3; ++i) meter.record(call());
  meter.flush_async();

  meter.record(call());
  meter.record(call());

  EXPECT_EQ(meter.queued(), 4u);
  EXPECT_EQ(meter.dropped(), 1u);
  gate_.open();
  meter.flush_now();
  EXPECT_EQ(meter.written(), 4u);
}

TEST_F(UsageMeterTest, FailedWriteKeepsRecordsForTheRetryInOrder) {
  FlakyRepository repository(database_->usage());
  repository.plan({FlakyRepository::Outcome::fail});
  UsageMeter& meter = make_meter({.max_batch = 10}, &repository);
  for (int i = 0; i < 3; ++i) meter.record(call());

  meter.flush_now();

  EXPECT_EQ(meter.written(), 0u);
  EXPECT_EQ(meter.queued(), 3u);
  EXPECT_TRUE(stored().empty());
  meter.record(call());
  meter.flush_now();
  EXPECT_EQ(meter.written(), 4u);
  EXPECT_EQ(meter.queued(), 0u);
  EXPECT_EQ(stored(), (std::vector<UsageGroup>{{"veyra-echo", 4, 40, 20}}));
  std::vector<std::vector<std::string>> calls = repository.calls();
  ASSERT_EQ(calls.size(), 2u);
  ASSERT_EQ(calls[1].size(), 4u);
  EXPECT_EQ(std::vector<std::string>(calls[1].begin(), calls[1].begin() + 3), calls[0]);
}

TEST_F(UsageMeterTest, FailureMidBatchKeepsOnlyTheUnwrittenRecords) {
  using Outcome = FlakyRepository::Outcome;
  FlakyRepository repository(database_->usage());
  UsageMeter& meter = make_meter({.max_batch = 2}, &repository);
  repository.plan({Outcome::fail});
  meter.record(call());
  meter.flush_now();  // fails, so the records below start no write of their own
  for (int i = 0; i < 4; ++i) meter.record(call());
  repository.plan({Outcome::pass, Outcome::fail});

  meter.flush_now();

  EXPECT_EQ(meter.written(), 2u);
  EXPECT_EQ(meter.queued(), 3u);
  meter.flush_now();
  EXPECT_EQ(meter.written(), 5u);
  EXPECT_EQ(meter.queued(), 0u);
  EXPECT_EQ(stored(), (std::vector<UsageGroup>{{"veyra-echo", 5, 50, 25}}));
  // Calls: [a] failed, [a b] stored, [c d] failed, then [c d] and [e] stored.
  std::vector<std::vector<std::string>> calls = repository.calls();
  ASSERT_EQ(calls.size(), 5u);
  EXPECT_EQ(calls[3], calls[2]);
  EXPECT_EQ(calls[4].size(), 1u);
}

TEST_F(UsageMeterTest, AfterAFailureFullBatchesWaitForThePeriodicFlush) {
  FlakyRepository repository(database_->usage());
  repository.plan({FlakyRepository::Outcome::fail});
  UsageMeter& meter = make_meter({.max_batch = 2}, &repository);
  meter.record(call());
  meter.flush_now();  // fails
  ASSERT_EQ(meter.queued(), 1u);
  ASSERT_TRUE(gate_.close(*pool_));

  for (int i = 0; i < 4; ++i) meter.record(call());
  EXPECT_EQ(pool_->queue_depth(), 0u);
  meter.flush_async();
  EXPECT_EQ(pool_->queue_depth(), 1u);

  gate_.open();
  meter.flush_now();
  EXPECT_EQ(meter.written(), 5u);
}

TEST_F(UsageMeterTest, RefusedByThePoolTheRecordsStayQueued) {
  UsageMeter& meter = make_meter({}, nullptr, 1, 1);
  ASSERT_TRUE(gate_.close(*pool_));
  std::unique_ptr<BlockingPool::Job> filler = std::make_unique<PoolGate::Job>([] {});
  ASSERT_TRUE(pool_->submit(filler));  // the pool's queue is now full
  meter.record(call());
  meter.record(call());

  meter.flush_async();

  EXPECT_EQ(meter.queued(), 2u);
  EXPECT_EQ(meter.written(), 0u);
  gate_.open();
  meter.flush_now();
  EXPECT_EQ(meter.written(), 2u);
  EXPECT_EQ(stored(), (std::vector<UsageGroup>{{"veyra-echo", 2, 20, 10}}));
}

}  // namespace
}  // namespace veyra::gateway
