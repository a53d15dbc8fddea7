// Throughput of the two incremental parsers of untrusted bytes: SseParser on a streamed chat
// answer (every chunk of every streamed answer goes through it) and MultipartParser on a
// 25 MB audio upload (the largest body Veyra accepts).
// Build by hand from the repository root, as one command (CMakeLists.txt does not list this
// benchmark yet; it needs only these sources):
//   g++ -std=c++20 -O2 -DNDEBUG -Isrc -o /tmp/veyra-parsers-bench bench/parsers_bench.cpp
//       src/http/sse.cpp src/http/multipart.cpp src/http/request.cpp src/core/error.cpp
//       src/core/ids.cpp -lbenchmark -lboost_json -lsodium -lpthread
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "http/multipart.h"
#include "http/sse.h"

namespace {

using namespace veyra::http;

// One OpenAI-style chunk event of a streamed chat answer (~190 bytes on the wire).
std::string chat_chunk(int index) {
  return "data: {\"id\":\"chatcmpl-9x\",\"object\":\"chat.completion.chunk\",\"created\":1,"
         "\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok" +
         std::to_string(index) + "\"},\"finish_reason\":null}]}\n\n";
}

constexpr int kEvents = 10'000;

void run_sse(benchmark::State& state, const std::vector<std::string>& pieces,
             std::size_t total_bytes) {
  for (auto _ : state) {
    SseParser parser;
    std::size_t events = 0;
    for (const std::string& piece : pieces) {
      parser.feed(piece);
      while (auto event = parser.next()) {
        benchmark::DoNotOptimize(event->data.data());
        ++events;
      }
    }
    if (events != kEvents) state.SkipWithError("lost events");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * total_bytes));
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * kEvents,
                                                  benchmark::Counter::kIsRate);
}

// One feed per event, as most providers flush.
void BM_SseOneFeedPerEvent(benchmark::State& state) {
  std::vector<std::string> pieces;
  std::size_t total = 0;
  for (int i = 0; i < kEvents; ++i) {
    pieces.push_back(chat_chunk(i));
    total += pieces.back().size();
  }
  run_sse(state, pieces, total);
}
BENCHMARK(BM_SseOneFeedPerEvent);

// Fixed-size network reads that cut events and lines anywhere.
void BM_SseFixedReads(benchmark::State& state) {
  std::string stream;
  for (int i = 0; i < kEvents; ++i) stream += chat_chunk(i);
  std::vector<std::string> pieces;
  auto size = static_cast<std::size_t>(state.range(0));
  for (std::size_t at = 0; at < stream.size(); at += size)
    pieces.push_back(stream.substr(at, size));
  run_sse(state, pieces, stream.size());
}
BENCHMARK(BM_SseFixedReads)->Arg(100)->Arg(4096);

class NullSink : public MultipartSink {
 public:
  void on_part_begin(const MultipartPartInfo& info) override { benchmark::DoNotOptimize(&info); }
  void on_part_data(std::string_view bytes) override { bytes_ += bytes.size(); }
  void on_part_end() override {}
  std::size_t bytes_ = 0;
};

constexpr std::string_view kBoundary = "----VeyraBench7MA4YWxkTrZu0gW";

std::string upload(const std::string& audio) {
  MultipartBuilder builder(std::string{kBoundary});
  builder.add_field("model", "whisper-1");
  builder.add_file("file", "speech.wav", "audio/wav", audio);
  return std::move(builder).finish();
}

// A transcription upload: a model field and 25 MB of random audio bytes.
const std::string& upload_body() {
  static const std::string body = [] {
    std::mt19937_64 random(42);
    std::string audio(25'000'000, '\0');
    for (char& c : audio) c = static_cast<char>(random());
    return upload(audio);
  }();
  return body;
}

// The worst case for the delimiter search: 25 MB of near-delimiters, each CR a candidate
// that matches all but the last byte.
const std::string& hostile_body() {
  static const std::string body = [] {
    std::string near = "\r\n--" + std::string(kBoundary.substr(0, kBoundary.size() - 1)) + "!";
    std::string audio;
    while (audio.size() < 25'000'000) audio += near;
    audio.resize(25'000'000);  // the largest file the default limits accept
    return upload(audio);
  }();
  return body;
}

// Streaming, in reads of range(0) bytes, into a sink that keeps nothing.
void stream(benchmark::State& state, const std::string& body) {
  auto size = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    NullSink sink;
    MultipartParser parser(std::string{kBoundary}, sink);
    std::string_view rest = body;
    while (!rest.empty()) {
      std::size_t n = std::min(size, rest.size());
      if (!parser.feed(rest.substr(0, n))) state.SkipWithError("feed failed");
      rest.remove_prefix(n);
    }
    if (!parser.finish()) state.SkipWithError("finish failed");
    benchmark::DoNotOptimize(sink.bytes_);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}

void BM_MultipartStream25MB(benchmark::State& state) {
  stream(state, upload_body());
}
BENCHMARK(BM_MultipartStream25MB)->Arg(16 * 1024)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

void BM_MultipartStreamHostile25MB(benchmark::State& state) {
  stream(state, hostile_body());
}
BENCHMARK(BM_MultipartStreamHostile25MB)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

// The collector on a body already in memory (copies the file once into the form).
void BM_MultipartCollect25MB(benchmark::State& state) {
  const std::string& body = upload_body();
  std::string content_type = "multipart/form-data; boundary=----VeyraBench7MA4YWxkTrZu0gW";
  for (auto _ : state) {
    auto form = parse_multipart_form(content_type, body, {});
    if (!form) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(form);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_MultipartCollect25MB)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
