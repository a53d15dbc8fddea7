#include "gateway/stream_relay.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <deque>
#include <mutex>

#include "core/blocking_pool.h"
#include "gateway/usage_meter.h"

namespace veyra::gateway {
namespace {

// Keeps every record it is given.
class MemoryUsage final : public store::UsageRepository {
 public:
  Status insert(std::span<const store::UsageRecord> records) override {
    std::lock_guard lock(mutex_);
    records_.insert(records_.end(), records.begin(), records.end());
    return {};
  }
  Result<std::vector<store::UsageGroup>> totals_since(std::int64_t) override {
    return std::vector<store::UsageGroup>{};
  }
  Result<std::vector<store::UsageGroup>> summarize(std::string_view, std::int64_t, std::int64_t,
                                                   store::UsageGrouping) override {
    return std::vector<store::UsageGroup>{};
  }
  std::vector<store::UsageRecord> records() {
    std::lock_guard lock(mutex_);
    return records_;
  }

 private:
  std::mutex mutex_;
  std::vector<store::UsageRecord> records_;
};

// Yields the scripted chunks, then an optional error, then the end.
class ScriptedStream final : public providers::ChatStream {
 public:
  ScriptedStream(std::deque<std::string> chunks, std::optional<Error> failure)
      : chunks_(std::move(chunks)), failure_(std::move(failure)) {}

  boost::asio::awaitable<Result<std::optional<std::string>>> next() override {
    if (!chunks_.empty()) {
      std::string chunk = std::move(chunks_.front());
      chunks_.pop_front();
      ++served_;
      co_return std::optional<std::string>(std::move(chunk));
    }
    if (failure_) co_return *failure_;
    co_return std::optional<std::string>();
  }
  providers::Usage usage() const override { return {3, served_, true}; }

 private:
  std::deque<std::string> chunks_;
  std::optional<Error> failure_;
  std::uint64_t served_ = 0;
};

// Collects what is written; fails every write after `accept` of them.
class CollectingWriter final : public http::BodyWriter {
 public:
  explicit CollectingWriter(std::size_t accept = SIZE_MAX) : accept_(accept) {}

  boost::asio::awaitable<bool> write(std::string_view chunk) override {
    if (writes_.size() >= accept_) {
      gone_ = true;
      co_return false;
    }
    writes_.emplace_back(chunk);
    co_return true;
  }
  bool client_gone() const override { return gone_; }

  std::vector<std::string> writes_;

 private:
  std::size_t accept_;
  bool gone_ = false;
};

class StreamRelayTest : public ::testing::Test {
 protected:
  // Relays `stream` into `writer` and returns the usage record written for it.
  store::UsageRecord relay(std::unique_ptr<providers::ChatStream> stream,
                           CollectingWriter& writer) {
    CallRecord record;
    record.started = std::chrono::steady_clock::now();
    record.usage.model = "public";
    record.usage.status = 200;
    record.usage.streamed = true;
    StreamRelay relay(std::move(stream), std::move(record), meter_, clock_, nullptr);
    boost::asio::io_context io;
    boost::asio::co_spawn(io, relay.run(writer), boost::asio::detached);
    io.run();
    meter_.flush_now();
    auto records = usage_.records();
    EXPECT_EQ(records.size(), 1u);
    return records.empty() ? store::UsageRecord{} : records.back();
  }

  MemoryUsage usage_;
  BlockingPool pool_{1, 16};
  FakeClock clock_{1'700'000'000};
  UsageMeter meter_{usage_, pool_, clock_};
};

TEST_F(StreamRelayTest, SendsEachChunkAsAnEventAndEndsWithDone) {
  CollectingWriter writer;

  auto record = relay(std::make_unique<ScriptedStream>(
                          std::deque<std::string>{R"({"a":1})", R"({"b":2})"}, std::nullopt),
                      writer);

  EXPECT_EQ(writer.writes_,
            (std::vector<std::string>{"data: {\"a\":1}\n\n", "data: {\"b\":2}\n\n",
                                      "data: [DONE]\n\n"}));
  EXPECT_EQ(record.completion_tokens, 2u);
  EXPECT_EQ(record.prompt_tokens, 3u);
  EXPECT_FALSE(record.estimated);
  EXPECT_FALSE(record.abandoned);
  EXPECT_GE(record.ttfb_ms, 0);
  EXPECT_EQ(record.created_at, 1'700'000'000);
}

TEST_F(StreamRelayTest, AFailureAfterTheStartBecomesAnErrorEventWithoutDone) {
  CollectingWriter writer;

  relay(std::make_unique<ScriptedStream>(
            std::deque<std::string>{R"({"a":1})"},
            make_error(ErrorCode::upstream_error, "The provider's stream broke.")),
        writer);

  ASSERT_EQ(writer.writes_.size(), 2u);
  EXPECT_EQ(writer.writes_[1],
            "data: {\"error\":{\"message\":\"The provider's stream broke.\",\"type\":"
            "\"upstream_error\",\"code\":\"upstream_error\",\"param\":null}}\n\n");
}

TEST_F(StreamRelayTest, ACallerThatGoesAwayStopsTheRelayAndIsRecordedAsAbandoned) {
  CollectingWriter writer(1);

  auto record = relay(std::make_unique<ScriptedStream>(
                          std::deque<std::string>{"{}", "{}", "{}", "{}"}, std::nullopt),
                      writer);

  EXPECT_EQ(writer.writes_.size(), 1u);
  EXPECT_TRUE(record.abandoned);
  EXPECT_EQ(record.completion_tokens, 2u) << "the chunk that could not be written was read";
}

}  // namespace
}  // namespace veyra::gateway
