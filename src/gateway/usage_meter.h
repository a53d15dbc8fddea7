// The usage meter: model calls hand it one UsageRecord each on the hot path, and it writes
// them to the UsageRepository in batches on the blocking pool, so no call waits on the
// database. Records live only in memory until written: a periodic task calls flush_async()
// every second, and shutdown calls flush_now() once the last call has finished.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "core/blocking_pool.h"
#include "core/clock.h"
#include "store/usage_repository.h"

namespace veyra::gateway {

struct UsageMeterOptions {
  // Records written per transaction; 0 is treated as 1.
  std::size_t max_batch = 500;
  // Records held in memory, queued or being written. record() drops (and counts) what comes
  // beyond it, so a database outage costs records, never unbounded memory.
  std::size_t max_queue = 100'000;
  // At most one warn line about dropped records, and one about failed writes, per this many
  // seconds of the meter's clock; each line counts what happened since the previous one.
  std::int64_t log_interval_s = 10;
};

// Thread-safe: every method may be called from any thread. The meter must outlive the batch
// jobs it hands to the pool; its destructor waits for the one in flight.
class UsageMeter {
 public:
  // `repository`, `pool` and `clock` must outlive the meter.
  UsageMeter(store::UsageRepository& repository, BlockingPool& pool, const Clock& clock,
             UsageMeterOptions options = {});

  // Waits for a batch write in flight. Records still queued are lost and logged (warn
  // usage_records_lost): call flush_now() first. REQUIRES: no other thread still calls it.
  ~UsageMeter();

  UsageMeter(const UsageMeter&) = delete;
  UsageMeter& operator=(const UsageMeter&) = delete;

  // Queues `record` for writing. Assigns id ("usg_" + new_id) and created_at (the clock's
  // now) when they are empty or 0. Never blocks on I/O and runs in constant time (amortised):
  // safe on I/O threads. When max_queue records are already held, drops the record, counts it
  // in dropped() and logs (warn usage_records_dropped, rate-limited). When the queue reaches
  // max_batch it starts a write (as flush_async()), unless the last write failed: retries
  // then wait for the periodic flush.
  void record(store::UsageRecord record);

  // Hands every queued record to the blocking pool as one batch job, which writes them in
  // transactions of max_batch. Does nothing when the queue is empty or a batch write is in
  // flight (at most one is). Never blocks on I/O: for the periodic task on an I/O thread.
  // Records a write fails to store (from the failed transaction on) go back to the front of
  // the queue for the next flush, and the failure is logged (error usage_write_failed,
  // rate-limited); so do all of them when the pool refuses the job.
  void flush_async();

  // Writes every record queued at the call on the calling thread, after waiting for a batch
  // write in flight; on failure they stay queued, as with flush_async(). Blocks on I/O: for
  // shutdown (after the last record()) and tests. REQUIRES: not called on a thread of `pool`
  // (it could wait for a job queued behind itself).
  void flush_now();

  // Records held and not yet written: queued, or in the batch being written.
  std::size_t queued() const;
  // Records refused because max_queue was reached, since construction.
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  // Records the repository accepted, since construction.
  std::uint64_t written() const { return written_.load(std::memory_order_relaxed); }

 private:
  class BatchJob;

  // Takes the whole queue for one write and marks a write in flight. REQUIRES: mutex_ held,
  // no write in flight, queue not empty.
  std::deque<store::UsageRecord> take_locked();

  // Writes `batch` in transactions of max_batch, stopping at the first failure; returns how
  // many records (from the front) were stored. Called without mutex_, by the write in flight.
  std::size_t write(const std::vector<store::UsageRecord>& batch);

  // Ends the write in flight: the records of `batch` from `stored` on go back to the front of
  // the queue. Called without mutex_.
  void finish(std::vector<store::UsageRecord>& batch, std::size_t stored);

  // Counts a failed write of `records` records and logs it when a line is due. Called without
  // mutex_.
  void note_failure(const Error& error, std::size_t records);

  // True when a rate-limited line is due at `now`; moves `next_at` on. REQUIRES: mutex_ held.
  bool log_due_locked(std::int64_t& next_at, std::int64_t now) const;

  store::UsageRepository& repository_;
  BlockingPool& pool_;
  const Clock& clock_;
  const UsageMeterOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable write_ended_;   // signalled when writing_ turns false
  std::deque<store::UsageRecord> queue_;  // GUARDED_BY(mutex_), oldest first
  bool writing_ = false;                  // GUARDED_BY(mutex_): a batch write is in flight
  std::size_t writing_records_ = 0;       // GUARDED_BY(mutex_): records in that batch
  bool last_write_failed_ = false;        // GUARDED_BY(mutex_)
  std::uint64_t drops_unlogged_ = 0;      // GUARDED_BY(mutex_)
  std::int64_t next_drop_log_at_ = 0;     // GUARDED_BY(mutex_)
  std::uint64_t failures_unlogged_ = 0;   // GUARDED_BY(mutex_)
  std::int64_t next_failure_log_at_ = 0;  // GUARDED_BY(mutex_)

  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> written_{0};
};

}  // namespace veyra::gateway
