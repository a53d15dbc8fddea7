// Internals of Server shared by server.cpp (listener, shutdown) and connection.cpp (one
// keep-alive connection). Only these two files include Beast.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <list>
#include <memory>
#include <mutex>
#include <vector>

#include "core/metrics.h"
#include "http/router.h"
#include "http/server.h"

namespace veyra::http {

// What shutdown needs to know about a live connection. Fields other than `executor` are
// touched only on that connection's I/O thread.
struct ConnectionSlot {
  boost::asio::any_io_executor executor;
  boost::beast::tcp_stream* stream = nullptr;
  bool idle = true;  // waiting for the next request, safe to close
};

class Server::Impl {
 public:
  Impl(ServerOptions options, const Router& router);

  Status listen();
  bool run();
  void stop();

  // Calls `task` every `period` until the drain starts.
  boost::asio::awaitable<void> periodic(std::chrono::milliseconds period,
                                        std::function<void()> task);

  // connection.cpp
  boost::asio::awaitable<void> serve_connection(boost::asio::ip::tcp::socket socket);

  ServerOptions options_;
  const Router& router_;
  HttpMetrics metrics_;
  std::vector<std::function<void()>> drain_hooks_;
  std::atomic<bool> draining_{false};
  std::atomic<bool> drained_cleanly_{true};

  std::mutex connections_mutex_;
  std::list<std::shared_ptr<ConnectionSlot>> connections_;  // GUARDED_BY(connections_mutex_)

  // Declared after everything connections touch: when a drain deadline passes, destroying
  // io_ destroys the still-suspended connection coroutines, and their destructors unregister
  // from connections_ and update metrics_.
  // One io_context per I/O thread, each run by its own thread: a connection and the upstream
  // calls it makes stay on one thread, with no strand and no cross-thread wake-ups. io_ (the
  // calling thread's) also holds the acceptor, the signals and the periodic tasks.
  boost::asio::io_context io_;
  std::vector<std::unique_ptr<boost::asio::io_context>> workers_;
  std::atomic<unsigned> next_context_{0};  // round robin over io_ and workers_
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::signal_set signals_;

  // The context the next accepted connection runs on.
  boost::asio::io_context& next_context();
  // Stops io_ and every worker.
  void stop_all();

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> drain();
  void begin_shutdown();
  void wait_for_signal();
};

// Registers a connection for the drain; unregisters on destruction.
class ConnectionRegistration {
 public:
  ConnectionRegistration(Server::Impl& server, std::shared_ptr<ConnectionSlot> slot);
  ~ConnectionRegistration();

 private:
  Server::Impl& server_;
  std::list<std::shared_ptr<ConnectionSlot>>::iterator position_;
};

}  // namespace veyra::http
