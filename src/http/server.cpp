#include "http/server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <thread>

#include "core/log.h"
#include "http/server_impl.h"

namespace veyra::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

Server::Impl::Impl(ServerOptions options, const Router& router)
    : options_(std::move(options)),
      router_(router),
      metrics_(router.metric_labels()),
      io_(1),
      acceptor_(io_),
      signals_(io_, SIGINT, SIGTERM) {
  unsigned count = options_.http.threads != 0 ? options_.http.threads
                                              : std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 1; i < count; ++i) workers_.push_back(std::make_unique<asio::io_context>(1));
}

asio::io_context& Server::Impl::next_context() {
  unsigned index = next_context_.fetch_add(1, std::memory_order_relaxed) % (workers_.size() + 1);
  return index == 0 ? io_ : *workers_[index - 1];
}

void Server::Impl::stop_all() {
  io_.stop();
  for (auto& worker : workers_) worker->stop();
}

Status Server::Impl::listen() {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options_.listen.host, ec);
  if (ec) {
    return make_error(ErrorCode::invalid_field,
                      "listen address is not an IP address: " + options_.listen.host);
  }
  tcp::endpoint endpoint(address, options_.listen.port);
  std::string where = options_.listen.host + ":" + std::to_string(options_.listen.port);

  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error(ErrorCode::internal_error, "cannot listen on " + where + ": " + ec.message());
  }
  return {};
}

asio::awaitable<void> Server::Impl::accept_loop() {
  for (;;) {
    auto [ec, socket] =
        co_await acceptor_.async_accept(next_context(), asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (!acceptor_.is_open() || ec == asio::error::operation_aborted) co_return;
      // Out of descriptors or a transient network error: back off instead of spinning.
      log_event(LogLevel::warn, "accept_failed", {{"reason", ec.message()}});
      asio::steady_timer pause(io_, std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto executor = socket.get_executor();
    asio::co_spawn(executor, serve_connection(std::move(socket)), asio::detached);
  }
}

void Server::Impl::begin_shutdown() {
  if (draining_.exchange(true)) {
    log_event(LogLevel::warn, "shutdown_forced", {});
    drained_cleanly_ = false;
    stop_all();
    return;
  }
  log_event(LogLevel::info, "shutdown_started",
            {{"in_flight", metrics_.in_flight()},
             {"grace_ms", static_cast<std::int64_t>(options_.http.shutdown_grace.count())}});
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });

  // Idle keep-alive connections close now; busy ones close after their response.
  {
    std::lock_guard lock(connections_mutex_);
    for (const auto& slot : connections_) {
      asio::post(slot->executor, [slot] {
        if (slot->idle && slot->stream != nullptr) slot->stream->cancel();
      });
    }
  }
  // Posted, not spawned inline: drain() takes connections_mutex_ on its first step.
  asio::post(io_, [this] { asio::co_spawn(io_, drain(), asio::detached); });
}

asio::awaitable<void> Server::Impl::drain() {
  auto deadline = std::chrono::steady_clock::now() + options_.http.shutdown_grace;
  asio::steady_timer tick(io_);
  for (;;) {
    {
      std::lock_guard lock(connections_mutex_);
      if (connections_.empty()) break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      log_event(LogLevel::warn, "shutdown_deadline_passed", {{"in_flight", metrics_.in_flight()}});
      drained_cleanly_ = false;
      break;
    }
    tick.expires_after(std::chrono::milliseconds(20));
    co_await tick.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  boost::system::error_code ignored;
  signals_.cancel(ignored);
  stop_all();
}

asio::awaitable<void> Server::Impl::periodic(std::chrono::milliseconds period,
                                             std::function<void()> task) {
  asio::steady_timer timer(io_);
  while (!draining_) {
    timer.expires_after(period);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec || draining_) co_return;
    task();
  }
}

void Server::Impl::stop() {
  asio::post(io_, [this] { begin_shutdown(); });
}

void Server::Impl::wait_for_signal() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    log_event(LogLevel::info, "signal_received", {{"signal", signal}});
    begin_shutdown();
    wait_for_signal();
  });
}

bool Server::Impl::run() {
  wait_for_signal();
  asio::co_spawn(io_, accept_loop(), asio::detached);

  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
  std::vector<std::thread> threads;
  for (auto& worker : workers_) {
    keep_running.push_back(asio::make_work_guard(*worker));
    threads.emplace_back([context = worker.get()] { context->run(); });
  }
  io_.run();
  for (std::thread& thread : threads) thread.join();

  for (auto& hook : drain_hooks_) hook();
  log_event(LogLevel::info, "shutdown_complete", {{"clean", drained_cleanly_ ? "true" : "false"}});
  return drained_cleanly_;
}

ConnectionRegistration::ConnectionRegistration(Server::Impl& server,
                                               std::shared_ptr<ConnectionSlot> slot)
    : server_(server) {
  std::lock_guard lock(server_.connections_mutex_);
  position_ = server_.connections_.insert(server_.connections_.end(), std::move(slot));
}

ConnectionRegistration::~ConnectionRegistration() {
  std::lock_guard lock(server_.connections_mutex_);
  server_.connections_.erase(position_);
}

Server::Server(ServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

Server::~Server() = default;

Status Server::listen() {
  return impl_->listen();
}

std::uint16_t Server::port() const {
  return impl_->acceptor_.local_endpoint().port();
}

bool Server::run() {
  return impl_->run();
}

void Server::stop() {
  impl_->stop();
}

void Server::on_drained(std::function<void()> hook) {
  impl_->drain_hooks_.push_back(std::move(hook));
}

void Server::run_every(std::chrono::milliseconds period, std::function<void()> task) {
  // A member coroutine, not a capturing coroutine lambda: GCC 12 can destroy the captures of
  // such a lambda twice.
  asio::co_spawn(impl_->io_, impl_->periodic(period, std::move(task)), asio::detached);
}

asio::io_context& Server::io_context() {
  return impl_->io_;
}

HttpMetrics& Server::metrics() {
  return impl_->metrics_;
}

}  // namespace veyra::http
