// Internals of Server shared by server.cpp (listener, shutdown) and connection.cpp (one
// keep-alive connection). Only these two files include Beast.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <list>
#include <memory>
#include <mutex>

#include "core/metrics.h"
#include "http/router.h"
#include "http/server.h"

namespace veyra::http {

// What shutdown needs to know about a live connection. Fields other than `executor` are
// touched only on that connection's strand.
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
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::signal_set signals_;

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
