#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "providers/openai/openai_provider.h"
#include "providers/openai/openai_stream.h"

namespace veyra::providers::openai {
namespace {

using Kind = ChunkOutcome::Kind;

constexpr std::string_view kContentChunk =
    R"({"id":"c1","object":"chat.completion.chunk","created":1,"model":"upstream-x",)"
    R"("choices":[{"index":0,"delta":{"content":"Hello world"},"finish_reason":null}]})";
constexpr std::string_view kFinishChunk =
    R"({"id":"c1","object":"chat.completion.chunk","created":1,"model":"upstream-x",)"
    R"("choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})";
constexpr std::string_view kUsageChunk =
    R"({"id":"c1","object":"chat.completion.chunk","created":1,"model":"upstream-x",)"
    R"("choices":[],"usage":{"prompt_tokens":11,"completion_tokens":2,"total_tokens":13}})";

boost::json::object parsed(const std::string& text) { return boost::json::parse(text).as_object(); }

TEST(ChunkRewriter, PutsThePublicModelIntoEachChunk) {
  ChunkRewriter rewriter("public-model", false);

  ChunkOutcome outcome = rewriter.rewrite(kContentChunk);

  ASSERT_EQ(outcome.kind, Kind::send);
  auto chunk = parsed(outcome.chunk);
  EXPECT_EQ(chunk.at("model"), "public-model");
  EXPECT_EQ(chunk.at("choices").at(0).at("delta").at("content"), "Hello world");
  EXPECT_EQ(rewriter.streamed_tokens(), 2u);
}

TEST(ChunkRewriter, DropsTheUsageChunkTheCallerDidNotAskForButKeepsTheCounts) {
  ChunkRewriter rewriter("public-model", false);

  ASSERT_EQ(rewriter.rewrite(kFinishChunk).kind, Kind::send);
  ChunkOutcome usage = rewriter.rewrite(kUsageChunk);

  EXPECT_EQ(usage.kind, Kind::skip);
  EXPECT_TRUE(rewriter.usage_reported());
  EXPECT_EQ(rewriter.reported_usage().prompt_tokens, 11u);
  EXPECT_EQ(rewriter.reported_usage().completion_tokens, 2u);
  EXPECT_TRUE(rewriter.finish_seen());
}

TEST(ChunkRewriter, PassesTheUsageChunkWhenTheCallerAskedForIt) {
  ChunkRewriter rewriter("public-model", true);

  ChunkOutcome usage = rewriter.rewrite(kUsageChunk);

  ASSERT_EQ(usage.kind, Kind::send);
  auto chunk = parsed(usage.chunk);
  EXPECT_EQ(chunk.at("usage").at("total_tokens"), 13);
  EXPECT_EQ(chunk.at("model"), "public-model");
}

TEST(ChunkRewriter, StripsUsageFromAContentChunkWhenTheCallerDidNotAsk) {
  ChunkRewriter rewriter("m", false);
  std::string with_usage =
      R"({"model":"u","choices":[{"index":0,"delta":{"content":"a"}}],)"
      R"("usage":{"prompt_tokens":1,"completion_tokens":1}})";

  ChunkOutcome outcome = rewriter.rewrite(with_usage);

  ASSERT_EQ(outcome.kind, Kind::send);
  EXPECT_FALSE(parsed(outcome.chunk).contains("usage"));
  EXPECT_TRUE(rewriter.usage_reported());
}

TEST(ChunkRewriter, DoneEndsTheStream) {
  ChunkRewriter rewriter("m", false);

  EXPECT_EQ(rewriter.rewrite("[DONE]").kind, Kind::done);
}

TEST(ChunkRewriter, AnErrorEventBecomesAnUpstreamError) {
  ChunkRewriter rewriter("m", false);

  ChunkOutcome outcome = rewriter.rewrite(R"({"error":{"message":"overloaded","type":"x"}})");

  ASSERT_EQ(outcome.kind, Kind::error);
  EXPECT_EQ(outcome.error.code, ErrorCode::upstream_error);
  EXPECT_NE(outcome.error.message.find("overloaded"), std::string::npos);
}

TEST(ChunkRewriter, MalformedDataIsAnUpstreamError) {
  ChunkRewriter rewriter("m", false);

  EXPECT_EQ(rewriter.rewrite("{not json").kind, Kind::error);
  EXPECT_EQ(rewriter.rewrite("[1,2]").kind, Kind::error);
}

TEST(OpenAiErrors, CallerMistakesPassTheProviderMessageAndParam) {
  Error error = error_from_response(
      400, R"({"error":{"message":"temperature too high","type":"invalid_request_error",)"
           R"("param":"temperature","code":null}})");

  EXPECT_EQ(error.code, ErrorCode::invalid_field);
  EXPECT_EQ(error.param, "temperature");
  EXPECT_NE(error.message.find("temperature too high"), std::string::npos);
}

TEST(OpenAiErrors, CredentialProblemsNeverEchoTheProvider) {
  Error error = error_from_response(
      401, R"({"error":{"message":"Incorrect API key provided: sk-abc***xyz"}})");

  EXPECT_EQ(error.code, ErrorCode::upstream_error);
  EXPECT_EQ(error.message.find("sk-"), std::string::npos);
}

TEST(OpenAiErrors, StatusesMapToTheUpstreamCodes) {
  EXPECT_EQ(error_from_response(429, "").code, ErrorCode::upstream_unavailable);
  EXPECT_EQ(error_from_response(503, "<html>").code, ErrorCode::upstream_unavailable);
  EXPECT_EQ(error_from_response(504, "").code, ErrorCode::upstream_timeout);
  EXPECT_EQ(error_from_response(500, "").code, ErrorCode::upstream_error);
  EXPECT_EQ(error_from_response(404, "").code, ErrorCode::upstream_error);
}

}  // namespace
}  // namespace veyra::providers::openai
