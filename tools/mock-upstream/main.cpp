// veyra-mock-upstream: an OpenAI-compatible fake upstream (plus Anthropic's Messages API) for
// Veyra's end-to-end tests and benchmarks, served by Veyra's own HTTP core.
//
//   veyra-mock-upstream --listen HOST:PORT [--threads N] [--tokens N] [--latency-ms N]
//                       [--chunk-delay-ms N] [--quiet]
//
// Once listening it prints exactly one line, "listening on HOST:PORT", to stdout (port 0
// is replaced by the bound port), so a test can start it on port 0 and read the address.
// It serves until SIGINT or SIGTERM, then drains like the gateway does.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "core/config.h"
#include "core/log.h"
#include "http/router.h"
#include "http/server.h"
#include "mock_routes.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// Tests stop the mock with SIGTERM after their last request; a long drain only slows them.
constexpr auto kShutdownGrace = std::chrono::seconds(3);

struct MockOptions {
  std::string listen = "127.0.0.1:8090";
  unsigned threads = 0;
  veyra::mock::MockDefaults defaults;
  bool quiet = false;
};

int serve(const MockOptions& options, const veyra::ListenAddress& address) {
  veyra::LogConfig log;
  log.access = !options.quiet;
  veyra::init_logging(log);

  veyra::mock::MockStats stats;
  veyra::mock::MockContext context{options.defaults, stats};
  veyra::http::Router router;
  veyra::mock::add_model_routes(router, context);
  veyra::mock::add_chat_routes(router, context);
  veyra::mock::add_embedding_routes(router, context);
  veyra::mock::add_image_routes(router, context);
  veyra::mock::add_audio_routes(router, context);
  veyra::mock::add_anthropic_routes(router, context);
  veyra::mock::add_stats_routes(router, stats);

  veyra::http::ServerOptions server_options;
  server_options.listen = address;
  server_options.http.threads = options.threads;
  server_options.http.max_body_bytes = veyra::mock::kJsonBodyLimit;
  server_options.http.shutdown_grace = kShutdownGrace;
  server_options.access_log = !options.quiet;
  veyra::http::Server server(server_options, router);
  if (veyra::Status listening = server.listen(); !listening) {
    std::fprintf(stderr, "veyra-mock-upstream: %s\n", listening.error().message.c_str());
    return kExitFailure;
  }

  // IPv6 hosts keep their brackets so the line parses back as HOST:PORT.
  bool v6 = address.host.find(':') != std::string::npos;
  std::printf("listening on %s%s%s:%u\n", v6 ? "[" : "", address.host.c_str(), v6 ? "]" : "",
              static_cast<unsigned>(server.port()));
  std::fflush(stdout);
  server.run();
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"An OpenAI-compatible fake upstream for Veyra's tests and benchmarks",
               "veyra-mock-upstream"};
  MockOptions options;
  cli.add_option("--listen", options.listen, "HOST:PORT to listen on; port 0 picks a free port")
      ->capture_default_str();
  cli.add_option("--threads", options.threads, "I/O threads; 0 = one per core")
      ->capture_default_str();
  cli.add_option("--tokens", options.defaults.tokens, "Completion length in tokens")
      ->capture_default_str()
      ->check(CLI::Range(0u, veyra::mock::kMaxTokens));
  cli.add_option("--latency-ms", options.defaults.latency_ms, "Delay before every answer")
      ->capture_default_str()
      ->check(CLI::Range(0u, veyra::mock::kMaxDelayMs));
  cli.add_option("--chunk-delay-ms", options.defaults.chunk_delay_ms,
                 "Delay between streamed chunks")
      ->capture_default_str()
      ->check(CLI::Range(0u, veyra::mock::kMaxDelayMs));
  cli.add_flag("--quiet", options.quiet, "No per-request access log (for benchmarks)");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int status = cli.exit(e);
    return status == 0 ? kExitOk : kExitUsage;
  }

  std::optional<veyra::ListenAddress> address = veyra::parse_listen(options.listen);
  if (!address) {
    std::fprintf(stderr, "veyra-mock-upstream: --listen must be HOST:PORT, got '%s'\n",
                 options.listen.c_str());
    return kExitUsage;
  }
  return serve(options, *address);
}
