// Internals of the upstream client, included by upstream_client.cpp only: one keep-alive
// connection to a provider (plain or TLS), the per-call timeout watchdog, and the pool of
// one origin on one I/O thread. Includes Beast.
#pragma once

#include <sys/socket.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cerrno>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>

#include "http/upstream_client.h"

namespace veyra::http {

inline constexpr auto kTuple = boost::asio::as_tuple(boost::asio::use_awaitable);
// What one read of a streamed body hands out: SSE chunks are a few hundred bytes, and an
// open stream holds this buffer for its whole life. Whole bodies are read in larger steps.
inline constexpr std::size_t kChunkBytes = 1024;
inline constexpr std::size_t kWholeBodyStep = 16 * 1024;
inline constexpr std::uint32_t kHeaderLimit = 64 * 1024;

struct Target {
  bool tls = false;
  std::string host;
  std::string port;
  std::string path;        // path and query
  std::string host_field;  // the Host header: host, plus :port when not the default
  std::string origin;      // pool key
};

struct OriginPool;

// Fires a callback when a deadline passes. One per call, on that call's thread; re-arming
// only moves the deadline, so a stream pays no timer syscall per chunk.
class Watchdog : public std::enable_shared_from_this<Watchdog> {
 public:
  Watchdog(boost::asio::any_io_executor executor, std::function<void()> on_expire)
      : timer_(executor), on_expire_(std::move(on_expire)) {}

  void arm(std::chrono::milliseconds timeout) {
    deadline_ = std::chrono::steady_clock::now() + timeout;
    if (!waiting_) wait();
  }
  void disarm() { deadline_ = std::chrono::steady_clock::time_point::max(); }
  void stop() {
    stopped_ = true;
    timer_.cancel();
  }
  bool expired() const { return expired_; }

 private:
  void wait() {
    waiting_ = true;
    timer_.expires_at(deadline_);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code) {
      self->waiting_ = false;
      if (self->stopped_ || self->deadline_ == std::chrono::steady_clock::time_point::max()) return;
      if (std::chrono::steady_clock::now() < self->deadline_) {
        self->wait();
        return;
      }
      self->expired_ = true;
      self->deadline_ = std::chrono::steady_clock::time_point::max();
      self->on_expire_();
    });
  }

  boost::asio::steady_timer timer_;
  std::function<void()> on_expire_;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  bool waiting_ = false;
  bool stopped_ = false;
  bool expired_ = false;
};

// One keep-alive connection to an origin, plain or TLS.
class UpstreamConnection {
 public:
  // The sockets belong to the calling coroutine's io_context; the pool they return to is
  // that context's, so a connection only serves calls on its own I/O thread.
  UpstreamConnection(boost::asio::io_context& context, boost::asio::ssl::context* tls_context,
                     std::shared_ptr<OriginPool> pool)
      : plain_(context), resolver_(context), pool_(std::move(pool)) {
    if (tls_context != nullptr) {
      tls_ = std::make_unique<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>>(context,
                                                                                      *tls_context);
    }
  }
  ~UpstreamConnection();

  boost::asio::ip::tcp::socket& socket() { return tls_ ? tls_->next_layer() : plain_; }

  // Closes the socket: pending operations end with operation_aborted.
  void abort(bool cancelled) {
    cancelled_ = cancelled_ || cancelled;
    boost::system::error_code ignored;
    resolver_.cancel();
    socket().close(ignored);
  }

  // True when the idle socket is still open and quiet (the server has not closed it).
  bool still_usable() {
    if (!socket().is_open()) return false;
    char byte;
    ssize_t got = ::recv(socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

  boost::asio::awaitable<boost::system::error_code> connect(const Target& target) {
    auto [resolve_ec, endpoints] =
        co_await resolver_.async_resolve(target.host, target.port, kTuple);
    if (resolve_ec) co_return resolve_ec;
    auto [connect_ec, endpoint] = co_await boost::asio::async_connect(socket(), endpoints, kTuple);
    if (connect_ec) co_return connect_ec;
    boost::system::error_code ignored;
    socket().set_option(boost::asio::ip::tcp::no_delay(true), ignored);
    if (!tls_) co_return boost::system::error_code{};

    // SNI carries names only (RFC 6066); an IP address is checked against the certificate's
    // IP entries by the verification below.
    boost::system::error_code not_ip;
    boost::asio::ip::make_address(target.host, not_ip);
    if (not_ip && !SSL_set_tlsext_host_name(tls_->native_handle(), target.host.c_str())) {
      co_return boost::system::error_code(static_cast<int>(::ERR_get_error()),
                                          boost::asio::error::get_ssl_category());
    }
    tls_->set_verify_callback(boost::asio::ssl::host_name_verification(target.host));
    auto [handshake_ec] =
        co_await tls_->async_handshake(boost::asio::ssl::stream_base::client, kTuple);
    co_return handshake_ec;
  }

  boost::asio::awaitable<boost::system::error_code> write(
      boost::beast::http::request<boost::beast::http::string_body>& request) {
    if (tls_) {
      auto [ec, n] = co_await boost::beast::http::async_write(*tls_, request, kTuple);
      co_return ec;
    }
    auto [ec, n] = co_await boost::beast::http::async_write(plain_, request, kTuple);
    co_return ec;
  }

  boost::asio::awaitable<boost::system::error_code> read_header() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(boost::none);
    if (tls_) {
      auto [ec, n] =
          co_await boost::beast::http::async_read_header(*tls_, buffer_, *parser_, kTuple);
      co_return ec;
    }
    auto [ec, n] =
        co_await boost::beast::http::async_read_header(plain_, buffer_, *parser_, kTuple);
    co_return ec;
  }

  // Reads body bytes into `into`; returns how many arrived (0 at the end).
  boost::asio::awaitable<std::pair<boost::system::error_code, std::size_t>> read_body(
      char* into, std::size_t size) {
    while (!parser_->is_done()) {
      parser_->get().body().data = into;
      parser_->get().body().size = size;
      boost::system::error_code ec;
      if (tls_) {
        auto [read_ec, n] =
            co_await boost::beast::http::async_read_some(*tls_, buffer_, *parser_, kTuple);
        ec = read_ec;
      } else {
        auto [read_ec, n] =
            co_await boost::beast::http::async_read_some(plain_, buffer_, *parser_, kTuple);
        ec = read_ec;
      }
      if (ec == boost::beast::http::error::need_buffer) ec = {};
      if (ec) co_return std::pair{ec, std::size_t{0}};
      std::size_t got = size - parser_->get().body().size;
      if (got > 0) co_return std::pair{boost::system::error_code{}, got};
    }
    co_return std::pair{boost::system::error_code{}, std::size_t{0}};
  }

  std::optional<boost::beast::http::response_parser<boost::beast::http::buffer_body>> parser_;
  std::array<char, kChunkBytes> chunk_;
  boost::beast::flat_buffer buffer_{kHeaderLimit + kChunkBytes};
  std::shared_ptr<OriginPool> pool() const { return pool_; }

  std::shared_ptr<Watchdog> watchdog_;
  std::chrono::milliseconds idle_timeout_{0};  // silence allowed inside the body
  std::chrono::steady_clock::time_point idle_since_;
  std::uint64_t generation_ = 0;  // bumped when a call is done with the connection
  bool cancelled_ = false;
  bool reused_ = false;

 private:
  boost::asio::ip::tcp::socket plain_;
  std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> tls_;
  boost::asio::ip::tcp::resolver resolver_;
  std::shared_ptr<OriginPool> pool_;
};

// The connections of one origin: idle ones ready for reuse, and a count of all open ones,
// capped at max_connections_per_origin; calls beyond the cap wait for a release.
struct OriginPool : std::enable_shared_from_this<OriginPool> {
  struct Waiter {
    explicit Waiter(boost::asio::any_io_executor executor) : timer(executor) {}
    boost::asio::steady_timer timer;
  };

  unsigned max_open = 0;
  unsigned max_idle = 0;
  std::chrono::milliseconds idle_timeout{0};

  std::mutex mutex;
  unsigned open = 0;                                      // GUARDED_BY(mutex)
  std::vector<std::shared_ptr<UpstreamConnection>> idle;  // GUARDED_BY(mutex)
  std::deque<std::shared_ptr<Waiter>> waiters;            // GUARDED_BY(mutex)

  // Wakes the oldest waiter, if any, on its own thread. REQUIRES: mutex held.
  void wake_one() {
    if (waiters.empty()) return;
    auto waiter = std::move(waiters.front());
    waiters.pop_front();
    boost::asio::post(waiter->timer.get_executor(), [waiter] { waiter->timer.cancel(); });
  }

  void closed() {
    std::lock_guard lock(mutex);
    --open;
    wake_one();
  }

  void put_idle(std::shared_ptr<UpstreamConnection> connection) {
    std::shared_ptr<UpstreamConnection> dropped;  // destroyed after the lock is released
    {
      std::lock_guard lock(mutex);
      if (idle.size() < max_idle) {
        connection->idle_since_ = std::chrono::steady_clock::now();
        idle.push_back(std::move(connection));
        wake_one();
        return;
      }
    }
    dropped = std::move(connection);
  }
};

UpstreamConnection::~UpstreamConnection() {
  pool_->closed();
}

}  // namespace veyra::http
