// One keep-alive HTTP/1.1 connection: read a request within the limits and timeouts, run
// its handler, write the response (whole or streamed), log it, count it, repeat.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>

#include "core/ids.h"
#include "core/log.h"
#include "http/client_address.h"
#include "http/server_impl.h"

namespace veyra::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kExposedHeaders =
    "X-Request-Id, Retry-After, x-ratelimit-limit-requests, x-ratelimit-remaining-requests, "
    "x-ratelimit-reset-requests, x-ratelimit-limit-tokens, x-ratelimit-remaining-tokens, "
    "x-ratelimit-reset-tokens";

// Streams a chunked body through the connection's socket.
class ChunkWriter final : public BodyWriter {
 public:
  ChunkWriter(beast::tcp_stream& stream, std::chrono::milliseconds timeout)
      : stream_(stream), timeout_(timeout) {}

  asio::awaitable<bool> write(std::string_view chunk) override {
    if (gone_) co_return false;
    if (chunk.empty()) co_return true;  // an empty chunk would end the body
    stream_.expires_after(timeout_);
    auto [ec, n] = co_await asio::async_write(
        stream_, bhttp::make_chunk(asio::const_buffer(chunk.data(), chunk.size())), kTuple);
    if (ec) {
      gone_ = true;
      co_return false;
    }
    bytes_ += n;
    co_return true;
  }

  bool client_gone() const override { return gone_; }
  std::uint64_t bytes() const { return bytes_; }

  asio::awaitable<void> finish() {
    if (gone_) co_return;
    stream_.expires_after(timeout_);
    auto [ec, n] = co_await asio::async_write(stream_, bhttp::make_chunk_last(), kTuple);
    if (ec) gone_ = true;
    bytes_ += n;
  }

 private:
  beast::tcp_stream& stream_;
  std::chrono::milliseconds timeout_;
  bool gone_ = false;
  std::uint64_t bytes_ = 0;
};

std::string peer_address(const tcp::socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  auto address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

// Closes our side, then reads and drops what the client still sends for a moment, so an
// unread request body does not turn our answer into a connection reset on its side.
asio::awaitable<void> linger_close(beast::tcp_stream& stream, beast::flat_buffer& buffer) {
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  std::size_t dropped = 0;
  while (dropped < 4 * 1024 * 1024) {
    buffer.clear();
    stream.expires_after(std::chrono::milliseconds(500));
    auto [ec, n] = co_await stream.async_read_some(buffer.prepare(16384), kTuple);
    if (ec) break;
    dropped += n;
  }
  stream.close();
}

bool origin_allowed(const std::vector<std::string>& origins, std::string_view origin) {
  for (const std::string& allowed : origins) {
    if (allowed == "*" || allowed == origin) return true;
  }
  return false;
}

}  // namespace

// Everything one request needs while it is served; lives on the connection coroutine.
struct Exchange {
  Clock::time_point start = Clock::now();
  Request request;
  std::size_t route_index = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  unsigned status = 0;
  bool keep_alive = false;
};

namespace {

template <class Message>
void fill_head(Message& message, const Exchange& exchange, const Response& response) {
  message.result(response.status);
  message.version(11);
  message.keep_alive(exchange.keep_alive);
  if (!response.content_type.empty()) {
    message.set(bhttp::field::content_type, response.content_type);
  }
  for (auto& [name, value] : response.headers) message.insert(name, value);
}

asio::awaitable<bool> write_stream_head(beast::tcp_stream& stream, const ServerOptions& options,
                                        Exchange& exchange, const Response& response) {
  bhttp::response<bhttp::empty_body> head;
  fill_head(head, exchange, response);
  head.chunked(true);
  head.set(bhttp::field::cache_control, "no-cache");
  bhttp::response_serializer<bhttp::empty_body> serializer(head);
  stream.expires_after(options.http.write_timeout);
  auto [ec, n] = co_await bhttp::async_write_header(stream, serializer, kTuple);
  exchange.bytes_out += n;
  co_return !ec;
}

asio::awaitable<bool> write_whole(beast::tcp_stream& stream, const ServerOptions& options,
                                  Exchange& exchange, Response response) {
  bhttp::response<bhttp::string_body> message;
  fill_head(message, exchange, response);
  std::size_t length = response.body.size();
  if (exchange.request.method == Method::head) {
    message.content_length(length);
  } else {
    message.body() = std::move(response.body);
    message.prepare_payload();
  }
  stream.expires_after(options.http.write_timeout);
  auto [ec, n] = co_await bhttp::async_write(stream, message, kTuple);
  exchange.bytes_out += n;
  co_return !ec;
}

// Adds the headers every response carries, then writes it. Returns false on a write error.
asio::awaitable<bool> write_response(beast::tcp_stream& stream, const ServerOptions& options,
                                     Exchange& exchange, Response response) {
  const Request& request = exchange.request;
  response.set_header("X-Request-Id", request.request_id);
  if (!options.http.cors_origins.empty()) {
    std::string_view origin = request.header("Origin");
    if (!origin.empty() && origin_allowed(options.http.cors_origins, origin)) {
      response.set_header("Access-Control-Allow-Origin", std::string(origin));
      response.set_header("Vary", "Origin");
      response.set_header("Access-Control-Expose-Headers", std::string(kExposedHeaders));
    }
  }
  exchange.status = response.status;

  if (response.stream) {
    // The head goes out from its own coroutine, so its fields and serializer are freed
    // before a stream that may stay open for minutes.
    if (!co_await write_stream_head(stream, options, exchange, response)) co_return false;
    ChunkWriter writer(stream, options.http.write_timeout);
    try {
      co_await response.stream(writer);
    } catch (const std::exception& e) {
      log_event(LogLevel::error, "stream_failed",
                {{"request_id", request.request_id}, {"what", e.what()}});
    }
    co_await writer.finish();
    exchange.bytes_out += writer.bytes();
    co_return !writer.client_gone();
  }
  co_return co_await write_whole(stream, options, exchange, std::move(response));
}

Response preflight_response(const Router& router, const Request& request) {
  std::vector<std::pair<std::string_view, std::string>> params;
  RouteMatch match = router.match(Method::other, request.path, params);
  Response response = Response::text(204, "", "");
  response.set_header("Access-Control-Allow-Methods",
                      match.allow.empty() ? std::string("GET, POST, PATCH, DELETE") : match.allow);
  std::string_view asked = request.header("Access-Control-Request-Headers");
  response.set_header("Access-Control-Allow-Headers",
                      asked.empty() ? std::string("Authorization, Content-Type, X-Request-Id")
                                    : std::string(asked));
  response.set_header("Access-Control-Max-Age", "600");
  return response;
}

void log_exchange(const Exchange& exchange, const RouteMatch& match) {
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - exchange.start).count();
  const Request& request = exchange.request;
  std::string_view route = match.route != nullptr ? std::string_view(match.route->pattern)
                                                  : std::string_view("unmatched");
  log_event(LogLevel::info, "request",
            {{"request_id", request.request_id},
             {"method", method_name(request.method)},
             {"route", route},
             {"path", request.path},
             {"status", exchange.status},
             {"duration_ms", ms},
             {"bytes_in", exchange.bytes_in},
             {"bytes_out", exchange.bytes_out},
             {"client_ip", request.client_ip},
             {"principal", request.principal_id},
             {"model", request.model}});
}

}  // namespace

namespace {

// What respond() needs of the connection coroutine's state; all of it outlives the call.
struct Answer {
  const Router& router;
  const ServerOptions& options;
  beast::tcp_stream& stream;
  Exchange& exchange;
  const RouteMatch& match;
  std::optional<Response>& early;
  bool preflight;
  const std::atomic<bool>& draining;
};

// Makes the answer (an early refusal, a CORS preflight, a routing error, or the handler's)
// and writes it. Returns false when the write failed.
asio::awaitable<bool> respond(Answer& a) {
  Request& request = a.exchange.request;
  Response response;
  if (a.early) {
    response = std::move(*a.early);
  } else if (a.preflight) {
    response = preflight_response(a.router, request);
  } else if (a.match.kind == MatchKind::not_found) {
    response = Response::error(ErrorCode::not_found, "No route for " + std::string(request.path));
  } else if (a.match.kind == MatchKind::method_not_allowed) {
    response = Response::error(ErrorCode::method_not_allowed,
                               std::string(method_name(request.method)) + " is not allowed on " +
                                   std::string(request.path) + ".");
    response.set_header("Allow", a.match.allow);
  } else {
    try {
      response = co_await a.match.route->handler(request);
    } catch (const std::exception& e) {
      log_event(LogLevel::error, "handler_failed",
                {{"request_id", request.request_id}, {"route", request.route}, {"what", e.what()}});
      response = Response::error(ErrorCode::internal_error);
    }
  }
  if (a.draining) a.exchange.keep_alive = false;
  co_return co_await write_response(a.stream, a.options, a.exchange, std::move(response));
}

// Watches the socket while respond() runs on watch_client routes: a read on the otherwise
// idle socket ends with EOF or an error when the client goes away, which is passed on to the
// request. Bytes that arrive instead are the next request (pipelined, or sent once the answer
// is out); the same read then serves as the keep-alive wait for it, so a watched request
// costs no extra cancellation round trip. A plain callback, not a coroutine: an open stream
// keeps it for its whole life. Used on the connection's I/O thread only.
class ClientWatcher : public std::enable_shared_from_this<ClientWatcher> {
 public:
  // Starts the read; the request learns when the client goes away until detach().
  void start(tcp::socket& socket, Request& request) {
    request_ = &request;
    socket.async_read_some(
        asio::buffer(received_),
        asio::bind_cancellation_slot(
            cancel_.slot(), asio::bind_executor(socket.get_executor(),
                                                [self = shared_from_this()](
                                                    boost::system::error_code ec, std::size_t n) {
                                                  self->on_read(ec, n);
                                                })));
  }

  // The request is answered: nobody is told any more.
  void detach() { request_ = nullptr; }

  // Waits up to `timeout` for the read (the next request's first bytes), then moves what it
  // got into `buffer`. False when the client closed, the wait timed out or was cancelled.
  asio::awaitable<bool> wait_for_next(beast::flat_buffer& buffer,
                                      std::chrono::milliseconds timeout) {
    if (!done_) {
      asio::steady_timer waiter(co_await asio::this_coro::executor, timeout);
      waiter_ = &waiter;
      co_await waiter.async_wait(kTuple);
      if (!done_) co_await cancel_and_wait(waiter);
      waiter_ = nullptr;
    }
    co_return take(buffer);
  }

  // Cancels the read if it is still pending and waits for its handler; keeps what it read.
  asio::awaitable<void> stop(beast::flat_buffer& buffer) {
    if (!done_) {
      asio::steady_timer waiter(co_await asio::this_coro::executor);
      waiter_ = &waiter;
      co_await cancel_and_wait(waiter);
      waiter_ = nullptr;
    }
    take(buffer);
  }

 private:
  void on_read(boost::system::error_code ec, std::size_t n) {
    done_ = true;
    if (!ec) {
      got_ = n;
    } else if (ec != asio::error::operation_aborted && request_ != nullptr) {
      request_->client.mark_gone();
    }
    if (waiter_ != nullptr) waiter_->cancel();
  }

  asio::awaitable<void> cancel_and_wait(asio::steady_timer& waiter) {
    cancel_.emit(asio::cancellation_type::terminal);
    waiter.expires_at(asio::steady_timer::time_point::max());
    while (!done_) co_await waiter.async_wait(kTuple);
  }

  bool take(beast::flat_buffer& buffer) {
    if (got_ == 0) return false;
    auto space = buffer.prepare(got_);
    asio::buffer_copy(space, asio::buffer(received_.data(), got_));
    buffer.commit(got_);
    got_ = 0;
    return true;
  }

  asio::cancellation_signal cancel_;
  std::array<char, 512> received_;
  Request* request_ = nullptr;
  std::size_t got_ = 0;
  bool done_ = false;
  asio::steady_timer* waiter_ = nullptr;
};

}  // namespace

asio::awaitable<void> Server::Impl::serve_connection(tcp::socket socket) {
  auto slot = std::make_shared<ConnectionSlot>();
  slot->executor = socket.get_executor();
  beast::tcp_stream stream(std::move(socket));
  slot->stream = &stream;
  ConnectionRegistration registration(*this, slot);
  const std::string peer = peer_address(stream.socket());
  const HttpConfig& limits = options_.http;
  beast::flat_buffer buffer;
  bool first = true;
  std::shared_ptr<ClientWatcher> watcher;  // the read a watched request left pending

  while (!draining_) {
    // Wait for the first byte of the next request: the header timeout for a new connection,
    // the idle timeout between keep-alive requests. Shutdown cancels this wait.
    if (watcher && buffer.size() > 0) {
      co_await watcher->stop(buffer);  // a pipelined request is already here
      watcher.reset();
    } else if (watcher) {
      slot->idle = true;
      bool next = co_await watcher->wait_for_next(buffer, limits.idle_timeout);
      slot->idle = false;
      watcher.reset();
      if (!next) break;
    } else if (buffer.size() == 0) {
      slot->idle = true;
      stream.expires_after(first ? limits.header_timeout : limits.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), kTuple);
      slot->idle = false;
      if (ec) break;
      buffer.commit(n);
    }
    first = false;

    Exchange exchange;
    metrics_.request_started();
    struct InFlight {
      HttpMetrics& metrics;
      ~InFlight() { metrics.request_finished(); }
    } in_flight{metrics_};

    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser.body_limit(boost::none);  // the route's limit is applied once it is known
    stream.expires_after(limits.header_timeout);
    auto [header_ec, header_n] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
    exchange.request.client_ip = peer;
    RouteMatch match;
    if (header_ec) {
      // Nothing usable arrived: answer when the client can still hear it, then close.
      std::optional<Response> answer;
      if (header_ec == bhttp::error::header_limit) {
        answer = Response::error(ErrorCode::headers_too_large);
      } else if (header_ec == beast::error::timeout) {
        // The timer already closed the socket: nobody is left to answer.
        log_event(LogLevel::info, "request_timeout", {{"phase", "headers"}, {"client_ip", peer}});
      } else if (header_ec != bhttp::error::end_of_stream && header_ec != asio::error::eof &&
                 header_ec != asio::error::connection_reset &&
                 header_ec != asio::error::operation_aborted) {
        answer = Response::error(ErrorCode::bad_request, "The HTTP request is malformed.");
      }
      if (answer) {
        exchange.request.request_id = sortable_id("req_");
        exchange.route_index = router_.unmatched_index();
        co_await write_response(stream, options_, exchange, std::move(*answer));
        metrics_.observe(exchange.route_index, exchange.status, 0, 0, exchange.bytes_out);
        if (options_.access_log) log_exchange(exchange, match);
      }
      break;
    }

    // The request line and headers.
    Request& request = exchange.request;
    auto& message = parser.get();
    request.method = parse_method(message.method_string());
    request.target = message.target();
    std::size_t question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string_view::npos) request.query = request.target.substr(question + 1);
    request.headers.reserve(16);
    for (const auto& field : message)
      request.headers.push_back({field.name_string(), field.value()});
    std::string_view client_id = request.header("X-Request-Id");
    request.request_id = valid_request_id(client_id) ? std::string(client_id) : sortable_id("req_");
    if (!options_.trusted_proxies.empty()) {
      // Several X-Forwarded-For headers read as one list, in order (RFC 9110 field lines).
      std::string forwarded;
      for (const Header& header : request.headers) {
        if (!iequals(header.name, "X-Forwarded-For")) continue;
        if (!forwarded.empty()) forwarded += ", ";
        forwarded += header.value;
      }
      request.client_ip = client_address(peer, forwarded, options_.trusted_proxies);
    }
    exchange.keep_alive = message.keep_alive() && !draining_;

    bool preflight = request.method == Method::options && !limits.cors_origins.empty() &&
                     request.has_header("Access-Control-Request-Method") &&
                     origin_allowed(limits.cors_origins, request.header("Origin"));
    if (!preflight) match = router_.match(request.method, request.path, request.path_params);
    exchange.route_index = match.route != nullptr ? match.route->index : router_.unmatched_index();
    if (match.route != nullptr) request.route = match.route->pattern;

    // The body, within the route's limit; a declared length over it is refused unread.
    std::size_t body_limit = limits.max_body_bytes;
    if (match.route != nullptr && match.route->options.max_body_bytes != 0) {
      body_limit = match.route->options.max_body_bytes;
    }
    std::optional<Response> early;
    auto declared = parser.content_length();
    if (declared && *declared > body_limit) {
      early = Response::error(ErrorCode::payload_too_large,
                              "The request body exceeds " + std::to_string(body_limit) + " bytes.");
      exchange.keep_alive = false;
    } else if (!parser.is_done()) {
      if (bhttp::token_list(request.header("Expect")).exists("100-continue")) {
        bhttp::response<bhttp::empty_body> go_on(bhttp::status::continue_, 11);
        stream.expires_after(limits.write_timeout);
        co_await bhttp::async_write(stream, go_on, kTuple);
      }
      parser.body_limit(body_limit);
      stream.expires_after(limits.body_timeout);
      auto [body_ec, body_n] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
      if (body_ec == bhttp::error::body_limit) {
        early =
            Response::error(ErrorCode::payload_too_large,
                            "The request body exceeds " + std::to_string(body_limit) + " bytes.");
        exchange.keep_alive = false;
      } else if (body_ec == beast::error::timeout) {
        log_event(LogLevel::info, "request_timeout",
                  {{"phase", "body"}, {"request_id", request.request_id}, {"client_ip", peer}});
        break;
      } else if (body_ec) {
        break;  // the client went away mid-body
      }
    }
    request.body = std::move(message.body());
    exchange.bytes_in = request.body.size();

    // The answer, with the client watched meanwhile when the route asks for it.
    bool written = false;
    Answer answer{router_, options_, stream, exchange, match, early, preflight, draining_};
    if (match.route != nullptr && match.route->options.watch_client && !early && !preflight) {
      // A model call may stream for minutes: give back the read buffer meanwhile.
      if (buffer.size() == 0) buffer.shrink_to_fit();
      watcher = std::make_shared<ClientWatcher>();
      watcher->start(stream.socket(), request);
      written = co_await respond(answer);
      watcher->detach();
    } else {
      written = co_await respond(answer);
    }
    double seconds = std::chrono::duration<double>(Clock::now() - exchange.start).count();
    metrics_.observe(exchange.route_index, exchange.status, seconds, exchange.bytes_in,
                     exchange.bytes_out);
    if (options_.access_log) log_exchange(exchange, match);
    if (!written || !exchange.keep_alive) break;
  }

  if (watcher) co_await watcher->stop(buffer);  // linger_close reads the socket next
  slot->stream = nullptr;
  co_await linger_close(stream, buffer);
}

}  // namespace veyra::http
