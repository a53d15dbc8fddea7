// Awaiting blocking work from an I/O coroutine: the function runs on the BlockingPool and
// the coroutine resumes on its own executor with the result. A full queue answers
// server_busy at once; an exception thrown by the function becomes internal_error and a
// log line.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

#include "core/blocking_pool.h"
#include "core/log.h"
#include "core/result.h"

namespace veyra::http {

namespace detail {

template <class T>
struct IsResult : std::false_type {};
template <class T>
struct IsResult<Result<T>> : std::true_type {};

template <class R, class F, class Handler, class Executor>
class BlockingJob final : public BlockingPool::Job {
 public:
  BlockingJob(F fn, Handler handler, Executor executor)
      : fn_(std::move(fn)), handler_(std::move(handler)), executor_(std::move(executor)) {}

  // Answers server_busy without running: the pool refused the job.
  void refuse() {
    auto executor = boost::asio::get_associated_executor(handler_, executor_);
    boost::asio::post(executor, [handler = std::move(handler_)]() mutable {
      std::move(handler)(R(make_error(ErrorCode::server_busy)));
    });
  }

  void run() override {
    R result = invoke();
    auto executor = boost::asio::get_associated_executor(handler_, executor_);
    boost::asio::post(executor,
                      [handler = std::move(handler_), result = std::move(result)]() mutable {
                        std::move(handler)(std::move(result));
                      });
  }

 private:
  R invoke() {
    try {
      return fn_();
    } catch (const std::exception& e) {
      log_event(LogLevel::error, "blocking_job_failed", {{"what", e.what()}});
    } catch (...) {
      log_event(LogLevel::error, "blocking_job_failed", {{"what", "unknown exception"}});
    }
    return make_error(ErrorCode::internal_error);
  }

  F fn_;
  Handler handler_;
  Executor executor_;
};

}  // namespace detail

// Runs `fn` (returning Result<T>) on `pool` and awaits its result.
template <class F, class R = std::invoke_result_t<F&>>
boost::asio::awaitable<R> run_blocking(BlockingPool& pool, F fn) {
  static_assert(detail::IsResult<R>::value, "run_blocking needs a function returning Result<T>");
  auto executor = co_await boost::asio::this_coro::executor;
  // Named, not a temporary inside the co_await expression: GCC 12 destroys such temporaries
  // twice, which released the connection's strand one time too many per call.
  auto initiation = [&pool, executor](auto handler, F f) {
    using CompletionHandler = decltype(handler);
    using Job = detail::BlockingJob<R, F, CompletionHandler, decltype(executor)>;
    std::unique_ptr<BlockingPool::Job> job =
        std::make_unique<Job>(std::move(f), std::move(handler), executor);
    if (pool.submit(job)) return;
    // Refused: answer from the job's own handler, on the coroutine's executor.
    static_cast<Job*>(job.get())->refuse();
  };
  R result = co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>, void(R)>(
      std::move(initiation), boost::asio::use_awaitable, std::move(fn));
  co_return result;
}

}  // namespace veyra::http
