// A fixed set of threads for blocking work (Argon2id, SQLite, SMTP, PocketSphinx), so the
// I/O threads never block. The queue is bounded: when it is full, submit() refuses and the
// caller answers 503 server_busy instead of letting latency grow without end.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace veyra {

class BlockingPool {
 public:
  // One unit of work; run() is called exactly once on a pool thread, or the job is destroyed
  // without running when the pool stops first.
  class Job {
   public:
    virtual ~Job() = default;
    virtual void run() = 0;
  };

  // `nice` > 0 lowers the threads' scheduling priority (Linux per-thread nice), so CPU-heavy
  // work such as Argon2id yields the cores to the I/O threads and the other pools.
  BlockingPool(unsigned threads, std::size_t queue_limit, int nice = 0);
  // Stops accepting work, finishes what is queued, and joins the threads.
  ~BlockingPool();
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // Thread-safe. Returns false (and leaves `job` with the caller) when the queue is full or
  // the pool is stopping.
  bool submit(std::unique_ptr<Job>& job);

  // Finishes queued jobs and joins; later submits are refused. Idempotent.
  void stop();

  std::size_t queue_depth() const;
  std::size_t busy_threads() const;
  unsigned threads() const { return static_cast<unsigned>(threads_.size()); }

 private:
  void work(int nice);

  const std::size_t queue_limit_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<Job>> queue_;  // GUARDED_BY(mutex_)
  std::size_t busy_ = 0;                    // GUARDED_BY(mutex_)
  bool stopping_ = false;                   // GUARDED_BY(mutex_)
  std::vector<std::thread> threads_;
};

}  // namespace veyra
