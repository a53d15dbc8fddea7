#include "core/blocking_pool.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace veyra {

BlockingPool::BlockingPool(unsigned threads, std::size_t queue_limit, int nice)
    : queue_limit_(queue_limit) {
  if (threads == 0) threads = 1;
  threads_.reserve(threads);
  for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this, nice] { work(nice); });
}

BlockingPool::~BlockingPool() {
  stop();
}

bool BlockingPool::submit(std::unique_ptr<Job>& job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= queue_limit_) return false;
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void BlockingPool::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

std::size_t BlockingPool::queue_depth() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

std::size_t BlockingPool::busy_threads() const {
  std::lock_guard lock(mutex_);
  return busy_;
}

void BlockingPool::work(int nice) {
  if (nice != 0) {
    // On Linux the nice value belongs to the thread; failure only costs fairness.
    auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    (void)::setpriority(PRIO_PROCESS, tid, nice);
  }
  for (;;) {
    std::unique_ptr<Job> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      job = std::move(queue_.front());
      queue_.pop_front();
      ++busy_;
    }
    job->run();
    job.reset();
    std::lock_guard lock(mutex_);
    --busy_;
  }
}

}  // namespace veyra
