// The HTTP core end to end in one process: a real Server on port 0, raw sockets as clients.
#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "core/config.h"
#include "core/log.h"
#include "http/blocking.h"
#include "http/router.h"

namespace veyra::http {
namespace {

using namespace std::chrono_literals;

boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds delay) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, delay);
  co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
}

// A blocking loopback client: connect, send bytes, read until the peer closes or a timeout.
class RawClient {
 public:
  explicit RawClient(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~RawClient() { ::close(fd_); }

  bool connected() const { return connected_; }
  bool send(std::string_view bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }

  // Reads until the connection closes (or 5 s pass).
  std::string read_all() {
    std::string out;
    char chunk[4096];
    for (;;) {
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      out.append(chunk, static_cast<std::size_t>(n));
    }
    return out;
  }

  // Reads until `marker` has been seen (or the connection closes).
  std::string read_until(std::string_view marker) {
    std::string out;
    char c;
    while (out.find(marker) == std::string::npos) {
      if (::recv(fd_, &c, 1, 0) <= 0) break;
      out.push_back(c);
    }
    return out;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Shutdown and failure lines are expected here; keep the test output readable.
    LogConfig quiet;
    quiet.level = "error";
    init_logging(quiet);
  }

  void SetUp() override {
    router_.add(Method::get, "/hello", [](Request&) -> boost::asio::awaitable<Response> {
      co_return Response::json(200, R"({"hello":"world"})");
    });
    router_.add(Method::post, "/echo", [](Request& request) -> boost::asio::awaitable<Response> {
      co_return Response::text(200, request.body, "text/plain");
    });
    router_.add(
        Method::post, "/small",
        [](Request&) -> boost::asio::awaitable<Response> { co_return Response::json(200, "{}"); },
        RouteOptions{.max_body_bytes = 10});
    router_.add(
        Method::get, "/items/{item_id}", [](Request& request) -> boost::asio::awaitable<Response> {
          co_return Response::text(200, std::string(request.param("item_id")), "text/plain");
        });
    router_.add(Method::get, "/whoami", [](Request& request) -> boost::asio::awaitable<Response> {
      co_return Response::text(200, "ip=" + request.client_ip, "text/plain");
    });
    router_.add(Method::get, "/slow", [](Request&) -> boost::asio::awaitable<Response> {
      co_await sleep_for(400ms);
      co_return Response::json(200, R"({"slow":true})");
    });
    router_.add(Method::get, "/throws", [](Request&) -> boost::asio::awaitable<Response> {
      throw std::runtime_error("secret internal detail");
      co_return Response::json(200, "{}");
    });
    router_.add(Method::get, "/blocking", [this](Request&) -> boost::asio::awaitable<Response> {
      auto answer = co_await run_blocking(pool_, [] { return Result<int>(42); });
      co_return Response::json(200, answer ? R"({"answer":42})" : R"({"answer":null})");
    });
    router_.add(Method::get, "/stream", [](Request&) -> boost::asio::awaitable<Response> {
      Response response = Response::text(200, "", "text/event-stream");
      response.stream = [](BodyWriter& writer) -> boost::asio::awaitable<void> {
        co_await writer.write("data: one\n\n");
        co_await writer.write("data: two\n\n");
      };
      co_return response;
    });
  }

  void start(HttpConfig http = {}, std::vector<Cidr> trusted = {}) {
    ServerOptions options;
    options.trusted_proxies = std::move(trusted);
    options.listen = {"127.0.0.1", 0};
    options.http = http;
    options.http.threads = 2;
    options.access_log = false;
    server_ = std::make_unique<Server>(options, router_);
    ASSERT_TRUE(server_->listen().ok());
    port_ = server_->port();
    thread_ = std::thread([this] { clean_ = server_->run(); });
  }

  void TearDown() override {
    if (server_ && thread_.joinable()) {
      server_->stop();
      thread_.join();
    }
  }

  std::string roundtrip(std::string_view raw) {
    RawClient client(port_);
    EXPECT_TRUE(client.send(raw));
    return client.read_all();
  }

  BlockingPool pool_{2, 64};
  Router router_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::uint16_t port_ = 0;
  bool clean_ = false;
};

TEST_F(ServerTest, AnswersWithRequestId) {
  start();

  std::string reply = roundtrip("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

  EXPECT_EQ(reply.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << reply;
  EXPECT_NE(reply.find("X-Request-Id: req_"), std::string::npos);
  EXPECT_NE(reply.find(R"({"hello":"world"})"), std::string::npos);
}

TEST_F(ServerTest, KeepsAValidClientRequestIdAndReplacesABadOne) {
  start();

  std::string kept = roundtrip(
      "GET /hello HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc.DEF-1_2\r\nConnection: close\r\n\r\n");
  std::string replaced = roundtrip(
      "GET /hello HTTP/1.1\r\nHost: x\r\nX-Request-Id: bad id!\r\nConnection: close\r\n\r\n");

  EXPECT_NE(kept.find("X-Request-Id: abc.DEF-1_2\r\n"), std::string::npos) << kept;
  EXPECT_NE(replaced.find("X-Request-Id: req_"), std::string::npos) << replaced;
}

TEST_F(ServerTest, UnknownPathIs404Envelope) {
  start();

  std::string reply = roundtrip("GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

  EXPECT_EQ(reply.rfind("HTTP/1.1 404", 0), 0u) << reply;
  EXPECT_NE(reply.find(R"("code":"not_found")"), std::string::npos);
  EXPECT_NE(reply.find(R"("type":"not_found_error")"), std::string::npos);
}

TEST_F(ServerTest, WrongMethodIs405WithAllow) {
  start();

  std::string reply = roundtrip("DELETE /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

  EXPECT_EQ(reply.rfind("HTTP/1.1 405", 0), 0u) << reply;
  EXPECT_NE(reply.find("Allow: GET\r\n"), std::string::npos);
  EXPECT_NE(reply.find(R"("code":"method_not_allowed")"), std::string::npos);
}

TEST_F(ServerTest, PathParameterReachesHandler) {
  start();

  std::string reply =
      roundtrip("GET /items/it%20em HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

  EXPECT_NE(reply.find("\r\n\r\nit em"), std::string::npos) << reply;
}

TEST_F(ServerTest, DeclaredBodyOverRouteLimitIs413) {
  start();

  std::string reply =
      roundtrip("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n01234567890");

  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply;
  EXPECT_NE(reply.find(R"("code":"payload_too_large")"), std::string::npos);
}

TEST_F(ServerTest, ChunkedBodyOverLimitIs413) {
  start();

  std::string reply = roundtrip(
      "POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "8\r\n01234567\r\n8\r\n01234567\r\n0\r\n\r\n");

  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply;
}

TEST_F(ServerTest, DefaultBodyLimitApplies) {
  HttpConfig http;
  http.max_body_bytes = 100;
  start(http);

  std::string body(101, 'x');
  std::string reply =
      roundtrip("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n" + body);

  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply;
}

TEST_F(ServerTest, OversizeHeadersAre431) {
  HttpConfig http;
  http.max_header_bytes = 1024;
  start(http);

  std::string reply =
      roundtrip("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n");

  EXPECT_EQ(reply.rfind("HTTP/1.1 431", 0), 0u) << reply;
  EXPECT_NE(reply.find(R"("code":"headers_too_large")"), std::string::npos);
}

TEST_F(ServerTest, SlowHeadersAreCutOff) {
  HttpConfig http;
  http.header_timeout = 300ms;
  start(http);
  RawClient client(port_);
  ASSERT_TRUE(client.send("GET /hello HTTP/1.1\r\n"));
  auto started = std::chrono::steady_clock::now();

  std::string reply = client.read_all();

  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_LT(waited, 3s);
  EXPECT_TRUE(reply.empty()) << reply;
}

TEST_F(ServerTest, SlowBodyIsCutOff) {
  HttpConfig http;
  http.body_timeout = 300ms;
  start(http);
  RawClient client(port_);
  ASSERT_TRUE(client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"));
  auto started = std::chrono::steady_clock::now();

  std::string reply = client.read_all();

  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_TRUE(reply.empty()) << reply;
}

TEST_F(ServerTest, IdleConnectionIsClosedAfterIdleTimeout) {
  HttpConfig http;
  http.idle_timeout = 300ms;
  start(http);
  RawClient client(port_);
  ASSERT_TRUE(client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string first = client.read_until(R"({"hello":"world"})");
  auto started = std::chrono::steady_clock::now();

  std::string rest = client.read_all();

  EXPECT_NE(first.find("200 OK"), std::string::npos);
  EXPECT_TRUE(rest.empty());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST_F(ServerTest, KeepAliveServesSeveralRequests) {
  start();
  RawClient client(port_);

  ASSERT_TRUE(client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string first = client.read_until(R"({"hello":"world"})");
  ASSERT_TRUE(
      client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                  "Connection: close\r\n\r\nhello"));
  std::string second = client.read_all();

  EXPECT_NE(first.find("200 OK"), std::string::npos);
  EXPECT_NE(second.find("\r\n\r\nhello"), std::string::npos) << second;
}

TEST_F(ServerTest, MalformedRequestIs400) {
  start();

  std::string reply = roundtrip("NOT HTTP AT ALL\r\n\r\n");

  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
  EXPECT_NE(reply.find(R"("code":"bad_request")"), std::string::npos);
}

TEST_F(ServerTest, HandlerExceptionIs500WithoutDetails) {
  start();

  std::string reply = roundtrip("GET /throws HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

  EXPECT_EQ(reply.rfind("HTTP/1.1 500", 0), 0u) << reply;
  EXPECT_NE(reply.find(R"("code":"internal_error")"), std::string::npos);
  EXPECT_EQ(reply.find("secret internal detail"), std::string::npos);
}

TEST_F(ServerTest, StreamedResponseIsChunked) {
  start();

  std::string reply = roundtrip("GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

  EXPECT_NE(reply.find("Transfer-Encoding: chunked"), std::string::npos) << reply;
  EXPECT_NE(reply.find("data: one\n\n"), std::string::npos);
  EXPECT_NE(reply.find("data: two\n\n"), std::string::npos);
  EXPECT_NE(reply.find("\r\n0\r\n\r\n"), std::string::npos);
}

TEST_F(ServerTest, HeadAnswersWithoutBody) {
  start();

  std::string reply = roundtrip("HEAD /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

  EXPECT_NE(reply.find("Content-Length: 17"), std::string::npos) << reply;
  EXPECT_EQ(reply.find("hello"), std::string::npos);
}

TEST_F(ServerTest, CorsIsOffByDefault) {
  start();

  std::string reply = roundtrip(
      "GET /hello HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\nConnection: close\r\n\r\n");

  EXPECT_EQ(reply.find("Access-Control-Allow-Origin"), std::string::npos);
}

TEST_F(ServerTest, CorsAllowsConfiguredOriginAndPreflight) {
  HttpConfig http;
  http.cors_origins = {"https://app.example"};
  start(http);

  std::string simple = roundtrip(
      "GET /hello HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\nConnection: close\r\n\r\n");
  std::string preflight = roundtrip(
      "OPTIONS /echo HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n"
      "Access-Control-Request-Method: POST\r\nConnection: close\r\n\r\n");
  std::string other = roundtrip(
      "GET /hello HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example\r\nConnection: "
      "close\r\n\r\n");

  EXPECT_NE(simple.find("Access-Control-Allow-Origin: https://app.example"), std::string::npos);
  EXPECT_EQ(preflight.rfind("HTTP/1.1 204", 0), 0u) << preflight;
  EXPECT_NE(preflight.find("Access-Control-Allow-Methods: POST"), std::string::npos);
  EXPECT_EQ(other.find("Access-Control-Allow-Origin"), std::string::npos);
}

// Many awaited blocking jobs on one keep-alive connection, and on several at once: each
// must leave the connection's strand as it found it.
TEST_F(ServerTest, BlockingJobsOnKeepAliveConnections) {
  start();
  auto run_client = [this] {
    RawClient client(port_);
    int answered = 0;
    for (int i = 0; i < 150; ++i) {
      if (!client.send("GET /blocking HTTP/1.1\r\nHost: x\r\n\r\n")) break;
      if (client.read_until(R"({"answer":42})").find(R"({"answer":42})") == std::string::npos) {
        break;
      }
      ++answered;
    }
    return answered;
  };

  std::vector<std::future<int>> clients;
  for (int i = 0; i < 4; ++i) clients.push_back(std::async(std::launch::async, run_client));

  for (auto& client : clients) EXPECT_EQ(client.get(), 150);
}

TEST_F(ServerTest, ForwardedForIsBelievedOnlyFromTrustedPeers) {
  start({}, {*Cidr::parse("127.0.0.1")});

  std::string reply = roundtrip(
      "GET /whoami HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 6.6.6.6, 198.51.100.7\r\n"
      "X-Forwarded-For: 127.0.0.1\r\nConnection: close\r\n\r\n");

  EXPECT_NE(reply.find("ip=198.51.100.7"), std::string::npos) << reply;
}

TEST_F(ServerTest, ForwardedForIsIgnoredWithoutTrustedProxies) {
  start();

  std::string reply = roundtrip(
      "GET /whoami HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 198.51.100.7\r\n"
      "Connection: close\r\n\r\n");

  EXPECT_NE(reply.find("ip=127.0.0.1"), std::string::npos) << reply;
}

TEST_F(ServerTest, StopLetsInFlightRequestFinish) {
  start();
  RawClient client(port_);
  ASSERT_TRUE(client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::this_thread::sleep_for(100ms);

  server_->stop();
  std::string reply = client.read_all();
  thread_.join();

  EXPECT_NE(reply.find(R"({"slow":true})"), std::string::npos) << reply;
  EXPECT_NE(reply.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(clean_);
  RawClient late(port_);
  EXPECT_FALSE(late.connected());
}

TEST_F(ServerTest, StopClosesIdleKeepAliveConnections) {
  start();
  RawClient client(port_);
  ASSERT_TRUE(client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  client.read_until(R"({"hello":"world"})");
  auto started = std::chrono::steady_clock::now();

  server_->stop();
  thread_.join();

  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_TRUE(clean_);
  EXPECT_TRUE(client.read_all().empty());
}

}  // namespace
}  // namespace veyra::http
