#include "gateway/usage_meter.h"

#include <algorithm>
#include <iterator>
#include <memory>
#include <span>
#include <utility>

#include "core/ids.h"
#include "core/log.h"

namespace veyra::gateway {
namespace {

UsageMeterOptions normalized(UsageMeterOptions options) {
  options.max_batch = std::max<std::size_t>(options.max_batch, 1);
  return options;
}

std::vector<store::UsageRecord> to_vector(std::deque<store::UsageRecord>&& records) {
  std::vector<store::UsageRecord> out;
  out.reserve(records.size());
  std::move(records.begin(), records.end(), std::back_inserter(out));
  records.clear();
  return out;
}

}  // namespace

// One batch on its way to the repository. A job the pool destroys without running (it refused
// the job, or stopped first) hands its records back to the queue.
class UsageMeter::BatchJob final : public BlockingPool::Job {
 public:
  BatchJob(UsageMeter& meter, std::deque<store::UsageRecord> batch)
      : meter_(meter), batch_(std::move(batch)) {}

  ~BatchJob() override {
    if (ran_) return;
    std::vector<store::UsageRecord> records = to_vector(std::move(batch_));
    meter_.finish(records, 0);
  }

  void run() override {
    ran_ = true;
    std::vector<store::UsageRecord> records = to_vector(std::move(batch_));
    meter_.finish(records, meter_.write(records));
  }

 private:
  UsageMeter& meter_;
  std::deque<store::UsageRecord> batch_;
  bool ran_ = false;
};

UsageMeter::UsageMeter(store::UsageRepository& repository, BlockingPool& pool, const Clock& clock,
                       UsageMeterOptions options)
    : repository_(repository), pool_(pool), clock_(clock), options_(normalized(options)) {}

UsageMeter::~UsageMeter() {
  std::unique_lock lock(mutex_);
  write_ended_.wait(lock, [this] { return !writing_; });
  if (!queue_.empty()) {
    log_event(LogLevel::warn, "usage_records_lost", {{"records", queue_.size()}});
  }
}

void UsageMeter::record(store::UsageRecord record) {
  if (record.id.empty()) record.id = sortable_id("usg_");
  if (record.created_at == 0) record.created_at = clock_.now();

  bool start_write = false;
  std::uint64_t drops_to_log = 0;
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() + writing_records_ < options_.max_queue) {
      queue_.push_back(std::move(record));
      // After a failure the periodic flush paces the retries; a full batch does not.
      start_write = !writing_ && !last_write_failed_ && queue_.size() >= options_.max_batch;
    } else {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      ++drops_unlogged_;
      if (log_due_locked(next_drop_log_at_, clock_.now())) {
        drops_to_log = std::exchange(drops_unlogged_, 0);
      }
    }
  }

  if (drops_to_log != 0) {
    log_event(LogLevel::warn, "usage_records_dropped",
              {{"dropped", drops_to_log},
               {"dropped_total", dropped()},
               {"max_queue", static_cast<std::uint64_t>(options_.max_queue)}});
  }
  if (start_write) flush_async();
}

void UsageMeter::flush_async() {
  std::unique_ptr<BlockingPool::Job> job;
  {
    std::lock_guard lock(mutex_);
    if (writing_ || queue_.empty()) return;
    job = std::make_unique<BatchJob>(*this, take_locked());
  }
  if (pool_.submit(job)) return;

  // The pool is saturated or stopping: destroying the job puts the records back.
  std::size_t records = queued();
  job.reset();
  note_failure(make_error(ErrorCode::server_busy), records);
}

void UsageMeter::flush_now() {
  std::deque<store::UsageRecord> batch;
  {
    std::unique_lock lock(mutex_);
    write_ended_.wait(lock, [this] { return !writing_; });
    if (queue_.empty()) return;
    batch = take_locked();
  }
  std::vector<store::UsageRecord> records = to_vector(std::move(batch));
  finish(records, write(records));
}

std::size_t UsageMeter::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size() + writing_records_;
}

std::deque<store::UsageRecord> UsageMeter::take_locked() {
  writing_ = true;
  writing_records_ = queue_.size();
  return std::exchange(queue_, {});
}

std::size_t UsageMeter::write(const std::vector<store::UsageRecord>& batch) {
  const std::span<const store::UsageRecord> all(batch);
  std::size_t stored = 0;
  while (stored < all.size()) {
    const std::size_t count = std::min(options_.max_batch, all.size() - stored);
    Status status = repository_.insert(all.subspan(stored, count));
    if (!status) {
      note_failure(status.error(), all.size() - stored);
      break;
    }
    stored += count;
    written_.fetch_add(count, std::memory_order_relaxed);
  }
  return stored;
}

void UsageMeter::finish(std::vector<store::UsageRecord>& batch, std::size_t stored) {
  bool recovered = false;
  {
    std::lock_guard lock(mutex_);
    // Unwritten records go back ahead of those queued since, so the oldest are retried first.
    queue_.insert(queue_.begin(), std::make_move_iterator(batch.begin() + stored),
                  std::make_move_iterator(batch.end()));
    const bool failed = stored < batch.size();
    recovered = last_write_failed_ && !failed;
    last_write_failed_ = failed;
    writing_ = false;
    writing_records_ = 0;
    // Under the lock: once it is released, a waiting destructor may return and end the meter.
    write_ended_.notify_all();
  }

  if (recovered) {
    log_event(LogLevel::info, "usage_write_recovered",
              {{"records", static_cast<std::uint64_t>(stored)}});
  }
}

void UsageMeter::note_failure(const Error& error, std::size_t records) {
  std::uint64_t failures_to_log = 0;
  {
    std::lock_guard lock(mutex_);
    ++failures_unlogged_;
    if (log_due_locked(next_failure_log_at_, clock_.now())) {
      failures_to_log = std::exchange(failures_unlogged_, 0);
    }
  }
  if (failures_to_log == 0) return;
  // The repository's message is the generic client-safe one; details went to its error log.
  log_event(LogLevel::error, "usage_write_failed",
            {{"code", code_name(error.code)},
             {"records", static_cast<std::uint64_t>(records)},
             {"failures", failures_to_log}});
}

bool UsageMeter::log_due_locked(std::int64_t& next_at, std::int64_t now) const {
  if (now < next_at) return false;
  next_at = now + options_.log_interval_s;
  return true;
}

}  // namespace veyra::gateway
