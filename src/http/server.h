// The HTTP/1.1 server: an acceptor and one I/O thread per core, each with its own
// io_context; every connection is a coroutine pinned to one of them, round robin. Limits, timeouts,
// request ids, CORS, access logs and metrics live here, so handlers only see Request and return
// Response.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/cidr.h"
#include "core/config.h"
#include "core/result.h"

namespace boost::asio {
class io_context;
}

namespace veyra {
class HttpMetrics;
}

namespace veyra::http {

class Router;

struct ServerOptions {
  ListenAddress listen;
  HttpConfig http;
  std::vector<Cidr> trusted_proxies;
  bool access_log = true;
};

class Server {
 public:
  // `router` must outlive the server and not change once listen() has been called.
  Server(ServerOptions options, const Router& router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Fails with a message naming the address when it cannot.
  Status listen();

  // The bound port (useful with port 0). REQUIRES: listen() succeeded.
  std::uint16_t port() const;

  // Serves on I/O threads until SIGINT or SIGTERM (or stop()), then drains: stops
  // accepting, closes idle keep-alive connections, lets in-flight requests finish until
  // shutdown_grace, runs the drain hooks and returns. The calling thread is one of the I/O
  // threads. Returns true when every request finished before the deadline.
  bool run();

  // Starts the graceful shutdown. Thread-safe; a second call during the drain forces an
  // immediate stop.
  void stop();

  // Runs after connections drained and the I/O threads stopped (e.g. flush usage records).
  void on_drained(std::function<void()> hook);

  // Runs `task` on an I/O thread every `period` until shutdown starts. `task` must be quick
  // and must not block (post blocking work to the BlockingPool). Call before run().
  void run_every(std::chrono::milliseconds period, std::function<void()> task);

  boost::asio::io_context& io_context();
  HttpMetrics& metrics();

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace veyra::http
