// The provider client: one UpstreamConnection per socket, pooled per origin and I/O thread,
// driven by the coroutine of the call that holds it. A connection is used by one call at a
// time, on the I/O thread whose io_context owns its socket.
#include "http/upstream_client.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/url/parse.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>

#include "core/log.h"
#include "http/upstream_connection.h"

namespace veyra::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using boost::system::error_code;

namespace {

std::optional<Target> parse_target(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return std::nullopt;
  Target target;
  std::string scheme(parsed->scheme());
  if (scheme == "https") {
    target.tls = true;
  } else if (scheme != "http") {
    return std::nullopt;
  }
  target.host = std::string(parsed->encoded_host());
  if (target.host.empty()) return std::nullopt;
  // Boost.URL keeps an IPv6 literal's brackets in the host; the resolver wants it bare.
  if (target.host.front() == '[' && target.host.back() == ']') {
    target.host = target.host.substr(1, target.host.size() - 2);
  }
  std::string default_port = target.tls ? "443" : "80";
  target.port = parsed->has_port() ? std::string(parsed->port()) : default_port;
  target.path = std::string(parsed->encoded_path());
  if (target.path.empty()) target.path = "/";
  if (parsed->has_query()) target.path += "?" + std::string(parsed->encoded_query());
  target.host_field = std::string(parsed->encoded_host());
  if (target.port != default_port) target.host_field += ":" + target.port;
  target.origin = scheme + "://" + target.host_field;
  return target;
}

bhttp::verb to_verb(Method method) {
  switch (method) {
    case Method::get:
      return bhttp::verb::get;
    case Method::head:
      return bhttp::verb::head;
    case Method::put:
      return bhttp::verb::put;
    case Method::patch:
      return bhttp::verb::patch;
    case Method::delete_:
      return bhttp::verb::delete_;
    default:
      return bhttp::verb::post;
  }
}

}  // namespace

class UpstreamClient::Impl {
 public:
  explicit Impl(const UpstreamConfig& config) : config_(config) {}

  // Takes an idle connection or a slot for a new one, waiting up to connect_timeout when
  // the origin is at its cap. nullptr when the wait timed out.
  asio::awaitable<std::shared_ptr<UpstreamConnection>> acquire(const Target& target) {
    auto executor = co_await asio::this_coro::executor;
    // A pool per origin and I/O context: a connection only ever serves calls on the thread
    // whose reactor watches its socket.
    auto& context = static_cast<asio::io_context&>(asio::query(executor, asio::execution::context));
    auto pool = pool_for(target.origin, context);
    auto give_up = SteadyClock::now() + config_.connect_timeout;
    while (true) {
      std::shared_ptr<Waiter> waiter;
      std::vector<std::shared_ptr<UpstreamConnection>> stale;  // closed outside the lock
      {
        std::lock_guard lock(pool->mutex);
        while (!pool->idle.empty()) {
          auto connection = std::move(pool->idle.back());
          pool->idle.pop_back();
          bool fresh = SteadyClock::now() - connection->idle_since_ < pool->idle_timeout;
          if (fresh && connection->still_usable()) {
            connection->reused_ = true;
            co_return connection;
          }
          stale.push_back(std::move(connection));
        }
        if (pool->open < pool->max_open) {
          ++pool->open;
          // The new connection's destructor gives the slot back.
          co_return std::make_shared<UpstreamConnection>(
              context, target.tls ? tls_context_.get() : nullptr, pool);
        }
        if (SteadyClock::now() >= give_up) co_return nullptr;
        waiter = std::make_shared<Waiter>(executor);
        waiter->timer.expires_at(give_up);
        pool->waiters.push_back(waiter);
      }
      stale.clear();
      co_await waiter->timer.async_wait(kTuple);
      std::lock_guard lock(pool->mutex);
      std::erase(pool->waiters, waiter);
    }
  }

  asio::awaitable<Result<std::unique_ptr<UpstreamResponse>>> send(UpstreamRequest request,
                                                                  ClientWatch* watch);

  UpstreamConfig config_;
  std::unique_ptr<ssl::context> tls_context_;

 private:
  using Waiter = OriginPool::Waiter;

  std::shared_ptr<OriginPool> pool_for(const std::string& origin, asio::io_context& context) {
    std::lock_guard lock(pools_mutex_);
    auto& pool = pools_[{origin, &context}];
    if (!pool) {
      pool = std::make_shared<OriginPool>();
      pool->max_open = config_.max_connections_per_origin;
      pool->max_idle = config_.max_idle_per_origin;
      pool->idle_timeout = config_.pool_idle_timeout;
    }
    return pool;
  }

  std::mutex pools_mutex_;
  // GUARDED_BY(pools_mutex_)
  std::map<std::pair<std::string, asio::io_context*>, std::shared_ptr<OriginPool>> pools_;
};

namespace {

Error failure(ErrorCode code, std::string message) {
  return make_error(code, std::move(message));
}

// Maps a failed operation of one call to the client's error.
Error call_error(const UpstreamConnection& connection, const error_code& ec,
                 std::string_view phase) {
  if (connection.cancelled_) {
    return failure(ErrorCode::upstream_unavailable, "The request was cancelled.");
  }
  if (connection.watchdog_ && connection.watchdog_->expired()) {
    return failure(ErrorCode::upstream_timeout,
                   "The provider did not answer in time (" + std::string(phase) + ").");
  }
  if (phase == "connect") {
    return failure(ErrorCode::upstream_unavailable, "Could not connect to the provider.");
  }
  (void)ec;
  return failure(ErrorCode::upstream_error, "The connection to the provider failed.");
}

bool retryable_on_fresh_connection(const error_code& ec) {
  return ec == asio::error::eof || ec == bhttp::error::end_of_stream ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == ssl::error::stream_truncated;
}

}  // namespace

asio::awaitable<Result<std::unique_ptr<UpstreamResponse>>> UpstreamClient::Impl::send(
    UpstreamRequest request, ClientWatch* watch) {
  auto target = parse_target(request.url);
  if (!target) {
    co_return failure(ErrorCode::internal_error, "The provider URL is invalid.");
  }
  bhttp::request<bhttp::string_body> message(to_verb(request.method), target->path, 11);
  message.set(bhttp::field::host, target->host_field);
  message.set(bhttp::field::user_agent, "veyra/" VEYRA_VERSION);
  for (auto& [name, value] : request.headers) message.set(name, value);
  message.body() = std::move(request.body);
  message.keep_alive(true);
  message.prepare_payload();
  auto executor = co_await asio::this_coro::executor;

  // A reused connection the server closed meanwhile fails before any answer; the request
  // is then sent once more on a new connection.
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto connection = co_await acquire(*target);
    if (!connection) {
      co_return failure(ErrorCode::upstream_unavailable,
                        "Too many requests to this provider are in flight.");
    }
    std::weak_ptr<UpstreamConnection> weak = connection;
    connection->idle_timeout_ = config_.idle_timeout;
    connection->watchdog_ = std::make_shared<Watchdog>(executor, [weak] {
      if (auto alive = weak.lock()) alive->abort(false);
    });
    if (watch != nullptr) {
      std::uint64_t generation = connection->generation_;
      watch->on_gone([weak, generation] {
        auto alive = weak.lock();
        if (alive && alive->generation_ == generation) alive->abort(true);
      });
    }
    auto done_with = [&](std::shared_ptr<UpstreamConnection>& used) {
      used->watchdog_->stop();
      ++used->generation_;
      if (watch != nullptr) watch->on_gone(nullptr);
    };

    if (!connection->reused_) {
      connection->watchdog_->arm(config_.connect_timeout);
      error_code ec = co_await connection->connect(*target);
      if (ec) {
        Error error = call_error(*connection, ec, "connect");
        log_event(LogLevel::warn, "upstream_connect_failed",
                  {{"origin", target->origin}, {"reason", ec.message()}});
        done_with(connection);
        co_return error;
      }
    }

    connection->watchdog_->arm(config_.first_byte_timeout);
    error_code ec = co_await connection->write(message);
    if (!ec) ec = co_await connection->read_header();
    if (ec) {
      bool again = attempt == 0 && connection->reused_ && !connection->cancelled_ &&
                   !connection->watchdog_->expired() && retryable_on_fresh_connection(ec);
      Error error = call_error(*connection, ec, "first byte");
      done_with(connection);
      if (again) continue;
      if (!connection->cancelled_) {
        log_event(LogLevel::warn, "upstream_request_failed",
                  {{"origin", target->origin}, {"reason", ec.message()}});
      }
      co_return error;
    }
    connection->watchdog_->disarm();

    auto& head = connection->parser_->get();
    std::vector<std::pair<std::string, std::string>> headers;
    headers.reserve(8);
    for (const auto& field : head) {
      headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    unsigned status = head.result_int();
    head.clear();  // the copies above are what callers read; free the parsed fields
    co_return std::make_unique<UpstreamResponse>(std::move(connection), status, std::move(headers));
  }
  co_return failure(ErrorCode::upstream_error, "The connection to the provider failed.");
}

UpstreamResponse::UpstreamResponse(std::shared_ptr<UpstreamConnection> connection, unsigned status,
                                   std::vector<std::pair<std::string, std::string>> headers)
    : connection_(std::move(connection)), status_(status), headers_(std::move(headers)) {}

UpstreamResponse::~UpstreamResponse() {
  auto& connection = *connection_;
  if (connection.watchdog_) connection.watchdog_->stop();
  connection.watchdog_.reset();
  ++connection.generation_;
  bool reusable = !connection.cancelled_ && connection.parser_ && connection.parser_->is_done() &&
                  connection.parser_->keep_alive() && connection.socket().is_open() &&
                  connection.buffer_.size() == 0;
  connection.parser_.reset();
  if (!reusable) {
    connection.abort(false);
    return;  // dropping the last reference closes it and frees its slot
  }
  auto pool = connection.pool();
  pool->put_idle(std::move(connection_));
}

std::string_view UpstreamResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers_) {
    if (iequals(key, name)) return value;
  }
  return {};
}

asio::awaitable<Result<std::string_view>> UpstreamResponse::read_some() {
  auto& connection = *connection_;
  if (connection.cancelled_) {
    co_return failure(ErrorCode::upstream_unavailable, "The request was cancelled.");
  }
  if (connection.parser_->is_done()) co_return std::string_view();
  connection.watchdog_->arm(connection.idle_timeout_);
  auto [ec, got] =
      co_await connection.read_body(connection.chunk_.data(), connection.chunk_.size());
  connection.watchdog_->disarm();
  if (ec) co_return call_error(connection, ec, "idle");
  co_return std::string_view(connection.chunk_.data(), got);
}

asio::awaitable<Result<std::string>> UpstreamResponse::read_all(std::size_t limit) {
  auto& connection = *connection_;
  std::string body;
  if (auto length = connection.parser_->content_length()) {
    body.reserve(std::min<std::uint64_t>(*length, limit));
  }
  while (true) {
    if (connection.cancelled_) {
      co_return failure(ErrorCode::upstream_unavailable, "The request was cancelled.");
    }
    std::size_t used = body.size();
    body.resize(used + kWholeBodyStep);
    connection.watchdog_->arm(connection.idle_timeout_);
    auto [ec, got] = co_await connection.read_body(body.data() + used, kWholeBodyStep);
    connection.watchdog_->disarm();
    body.resize(used + got);
    if (ec) co_return call_error(connection, ec, "idle");
    if (got == 0) co_return body;
    if (body.size() > limit) {
      cancel();
      co_return failure(ErrorCode::upstream_error, "The provider's answer is too large.");
    }
  }
}

void UpstreamResponse::cancel() {
  connection_->abort(true);
}

Result<std::unique_ptr<UpstreamClient>> UpstreamClient::create(const UpstreamConfig& config) {
  auto impl = std::make_unique<Impl>(config);
  impl->tls_context_ = std::make_unique<ssl::context>(ssl::context::tls_client);
  ssl::context& tls = *impl->tls_context_;
  tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  tls.set_verify_mode(ssl::verify_peer);
  error_code ec;
  if (config.ca_file.empty()) {
    tls.set_default_verify_paths(ec);
  } else {
    tls.load_verify_file(config.ca_file, ec);
  }
  if (ec) {
    return make_error(ErrorCode::internal_error,
                      "cannot load the TLS trust store" +
                          (config.ca_file.empty() ? std::string() : " " + config.ca_file) + ": " +
                          ec.message());
  }
  return std::unique_ptr<UpstreamClient>(new UpstreamClient(std::move(impl)));
}

UpstreamClient::UpstreamClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

UpstreamClient::~UpstreamClient() = default;

asio::awaitable<Result<std::unique_ptr<UpstreamResponse>>> UpstreamClient::send(
    UpstreamRequest request, ClientWatch* watch) {
  return impl_->send(std::move(request), watch);
}

}  // namespace veyra::http
