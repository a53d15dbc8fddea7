#include "providers/anthropic/stream_translation.h"

#include <gtest/gtest.h>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <string_view>
#include <utility>
#include <vector>

namespace veyra::providers::anthropic {
namespace {

constexpr std::int64_t kCreated = 1'760'000'000;

struct Event {
  std::string_view name;
  std::string_view data;
};

constexpr std::string_view kMessageStart =
    R"({"type":"message_start","message":{"id":"msg_01Stream","type":"message",)"
    R"("role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,)"
    R"("stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}})";

// A stream as Anthropic sends it for a text answer followed by a tool call.
const std::vector<Event> kTextThenToolCall = {
    {"message_start", kMessageStart},
    {"content_block_start",
     R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"},
    {"ping", R"({"type": "ping"})"},
    {"content_block_delta",
     R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Let me"}})"},
    {"content_block_delta",
     R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" check"}})"},
    {"content_block_delta", R"({"type":"content_block_delta","index":0,)"
                            R"("delta":{"type":"text_delta","text":" the weather."}})"},
    {"content_block_stop", R"({"type":"content_block_stop","index":0})"},
    {"content_block_start",
     R"({"type":"content_block_start","index":1,"content_block":{"type":"tool_use",)"
     R"("id":"toolu_01Weather","name":"get_weather","input":{}}})"},
    {"content_block_delta", R"({"type":"content_block_delta","index":1,)"
                            R"("delta":{"type":"input_json_delta","partial_json":""}})"},
    {"content_block_delta", R"({"type":"content_block_delta","index":1,)"
                            R"("delta":{"type":"input_json_delta","partial_json":"{\"city\": "}})"},
    {"content_block_delta", R"({"type":"content_block_delta","index":1,)"
                            R"("delta":{"type":"input_json_delta","partial_json":"\"Paris\"}"}})"},
    {"content_block_stop", R"({"type":"content_block_stop","index":1})"},
    {"message_delta", R"({"type":"message_delta","delta":{"stop_reason":"tool_use",)"
                      R"("stop_sequence":null},"usage":{"output_tokens":42}})"},
    {"message_stop", R"({"type":"message_stop"})"},
};

// What an OpenAI client must see for kTextThenToolCall with include_usage.
constexpr std::string_view kTextThenToolCallChunks = R"([
  {"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,
               "finish_reason":null}]},
  {"choices":[{"index":0,"delta":{"content":"Let me"},"logprobs":null,"finish_reason":null}]},
  {"choices":[{"index":0,"delta":{"content":" check"},"logprobs":null,"finish_reason":null}]},
  {"choices":[{"index":0,"delta":{"content":" the weather."},"logprobs":null,
               "finish_reason":null}]},
  {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"toolu_01Weather",
               "type":"function","function":{"name":"get_weather","arguments":""}}]},
               "logprobs":null,"finish_reason":null}]},
  {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,
               "function":{"arguments":"{\"city\": "}}]},"logprobs":null,
               "finish_reason":null}]},
  {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,
               "function":{"arguments":"\"Paris\"}"}}]},"logprobs":null,
               "finish_reason":null}]},
  {"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}]},
  {"choices":[],"usage":{"prompt_tokens":25,"completion_tokens":42,"total_tokens":67}}
])";

// Feeds `events`, expecting each to succeed, and returns every chunk produced.
std::vector<boost::json::object> run(StreamTranslator& translator,
                                     const std::vector<Event>& events) {
  std::vector<boost::json::object> chunks;
  for (const Event& event : events) {
    Result<void> consumed = translator.on_event(event.name, event.data, chunks);
    EXPECT_TRUE(consumed.ok()) << event.name << ": "
                               << (consumed.ok() ? "" : consumed.error().message);
  }
  return chunks;
}

// `expected` with the members every chunk shares filled in, as run() returns them.
std::vector<boost::json::object> with_head(std::string_view expected, bool include_usage) {
  std::vector<boost::json::object> chunks;
  const boost::json::array parsed = boost::json::parse(expected).as_array();
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    boost::json::object chunk{{"id", "chatcmpl-01Stream"},
                              {"object", "chat.completion.chunk"},
                              {"created", kCreated},
                              {"model", "public-model"}};
    for (const auto& member : parsed[i].as_object()) chunk[member.key()] = member.value();
    if (include_usage && !chunk.contains("usage")) chunk["usage"] = nullptr;
    chunks.push_back(std::move(chunk));
  }
  return chunks;
}

TEST(StreamTranslator, TranslatesATextAndToolCallStream) {
  StreamTranslator translator("public-model", kCreated, /*include_usage=*/true);

  const std::vector<boost::json::object> chunks = run(translator, kTextThenToolCall);

  EXPECT_EQ(chunks, with_head(kTextThenToolCallChunks, true));
  EXPECT_TRUE(translator.finished());
  EXPECT_EQ(translator.finish_reason(), "tool_calls");
  EXPECT_EQ(translator.id(), "chatcmpl-01Stream");
  EXPECT_TRUE(translator.usage().reported);
  EXPECT_EQ(translator.usage().prompt_tokens, 25u);
  EXPECT_EQ(translator.usage().completion_tokens, 42u);
}

TEST(StreamTranslator, WithoutIncludeUsageSendsNoUsageChunkButKeepsUsage) {
  StreamTranslator translator("public-model", kCreated, /*include_usage=*/false);

  const std::vector<boost::json::object> chunks = run(translator, kTextThenToolCall);

  std::vector<boost::json::object> expected = with_head(kTextThenToolCallChunks, false);
  expected.pop_back();
  EXPECT_EQ(chunks, expected);
  EXPECT_TRUE(translator.usage().reported);
  EXPECT_EQ(translator.usage().completion_tokens, 42u);
}

TEST(StreamTranslator, UsesTheDataTypeWhenTheEventHasNoName) {
  StreamTranslator translator("public-model", kCreated, false);
  std::vector<Event> unnamed = kTextThenToolCall;
  for (Event& event : unnamed) event.name = {};

  const std::vector<boost::json::object> chunks = run(translator, unnamed);

  EXPECT_EQ(chunks.size(), 8u);
  EXPECT_TRUE(translator.finished());
}

TEST(StreamTranslator, MaxTokensFinishesWithLength) {
  StreamTranslator translator("public-model", kCreated, false);

  const std::vector<boost::json::object> chunks =
      run(translator,
          {{"message_start", kMessageStart},
           {"content_block_start", R"({"type":"content_block_start","index":0,)"
                                   R"("content_block":{"type":"text","text":""}})"},
           {"content_block_delta", R"({"type":"content_block_delta","index":0,)"
                                   R"("delta":{"type":"text_delta","text":"Once upon"}})"},
           {"message_delta", R"({"type":"message_delta","delta":{"stop_reason":"max_tokens"},)"
                             R"("usage":{"output_tokens":2}})"},
           {"message_stop", R"({"type":"message_stop"})"}});

  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[2].at("choices").at(0).at("finish_reason"), "length");
}

TEST(StreamTranslator, ThinkingBlocksAndOtherDeltasAreIgnored) {
  StreamTranslator translator("public-model", kCreated, false);

  const std::vector<boost::json::object> chunks =
      run(translator,
          {{"message_start", kMessageStart},
           {"content_block_start", R"({"type":"content_block_start","index":0,)"
                                   R"("content_block":{"type":"thinking","thinking":""}})"},
           {"content_block_delta", R"({"type":"content_block_delta","index":0,)"
                                   R"("delta":{"type":"thinking_delta","thinking":"Hmm."}})"},
           {"content_block_delta", R"({"type":"content_block_delta","index":0,)"
                                   R"("delta":{"type":"signature_delta","signature":"EqQB"}})"},
           {"content_block_stop", R"({"type":"content_block_stop","index":0})"},
           {"content_block_start", R"({"type":"content_block_start","index":1,)"
                                   R"("content_block":{"type":"text","text":""}})"},
           {"content_block_delta", R"({"type":"content_block_delta","index":1,)"
                                   R"("delta":{"type":"text_delta","text":"4"}})"},
           {"content_block_delta", R"({"type":"content_block_delta","index":1,)"
                                   R"("delta":{"type":"text_delta","text":""}})"},
           {"content_block_delta", R"({"type":"content_block_delta","index":7,)"
                                   R"("delta":{"type":"text_delta","text":"unknown block"}})"},
           {"some_future_event", "not even json"},
           {"message_delta", R"({"type":"message_delta","delta":{"stop_reason":"end_turn"},)"
                             R"("usage":{"output_tokens":9}})"},
           {"message_stop", R"({"type":"message_stop"})"}});

  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[1].at("choices").at(0).at("delta"), boost::json::parse(R"({"content":"4"})"));
  EXPECT_EQ(chunks[2].at("choices").at(0).at("finish_reason"), "stop");
}

TEST(StreamTranslator, ToolCallsAreNumberedFromZeroWhateverTheirBlockIndex) {
  StreamTranslator translator("public-model", kCreated, false);

  const std::vector<boost::json::object> chunks =
      run(translator,
          {{"message_start", kMessageStart},
           {"content_block_start", R"({"type":"content_block_start","index":0,)"
                                   R"("content_block":{"type":"thinking","thinking":""}})"},
           {"content_block_start", R"({"type":"content_block_start","index":1,"content_block":)"
                                   R"({"type":"tool_use","id":"toolu_A","name":"a","input":{}}})"},
           {"content_block_start", R"({"type":"content_block_start","index":2,"content_block":)"
                                   R"({"type":"tool_use","id":"toolu_B","name":"b","input":{}}})"},
           {"content_block_delta", R"({"type":"content_block_delta","index":2,)"
                                   R"("delta":{"type":"input_json_delta","partial_json":"{}"}})"}});

  ASSERT_EQ(chunks.size(), 4u);
  EXPECT_EQ(chunks[1].at("choices").at(0).at("delta").at("tool_calls").at(0).at("index"), 0);
  EXPECT_EQ(chunks[2].at("choices").at(0).at("delta").at("tool_calls").at(0).at("index"), 1);
  EXPECT_EQ(chunks[3].at("choices").at(0).at("delta").at("tool_calls").at(0),
            boost::json::parse(R"({"index":1,"function":{"arguments":"{}"}})"));
}

TEST(StreamTranslator, MessageStopWithoutStopReasonFinishesWithStop) {
  StreamTranslator translator("public-model", kCreated, true);

  const std::vector<boost::json::object> chunks =
      run(translator, {{"message_start", kMessageStart},
                       {"message_stop", R"({"type":"message_stop"})"},
                       {"message_delta", R"({"type":"message_delta","delta":)"
                                         R"({"stop_reason":"max_tokens"}})"}});

  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[1].at("choices").at(0).at("finish_reason"), "stop");
  EXPECT_EQ(chunks[2].at("usage"),
            boost::json::parse(R"({"prompt_tokens":25,"completion_tokens":1,"total_tokens":26})"));
  EXPECT_TRUE(translator.finished());
  EXPECT_EQ(translator.finish_reason(), "stop");
}

TEST(StreamTranslator, InputTokensInMessageDeltaIncludeCacheTokens) {
  StreamTranslator translator("public-model", kCreated, false);

  run(translator,
      {{"message_start", kMessageStart},
       {"message_delta", R"({"type":"message_delta","delta":{"stop_reason":"end_turn"},)"
                         R"("usage":{"input_tokens":25,"cache_read_input_tokens":100,)"
                         R"("cache_creation_input_tokens":null,"output_tokens":7}})"}});

  EXPECT_EQ(translator.usage().prompt_tokens, 125u);
  EXPECT_EQ(translator.usage().completion_tokens, 7u);
  EXPECT_FALSE(translator.finished());
}

TEST(StreamTranslator, UsageIsNotReportedBeforeTheProviderSendsAny) {
  StreamTranslator translator("public-model", kCreated, false);
  std::vector<boost::json::object> chunks;

  Result<void> consumed = translator.on_event(
      "message_start", R"({"type":"message_start","message":{"id":"msg_1"}})", chunks);

  ASSERT_TRUE(consumed.ok());
  EXPECT_FALSE(translator.usage().reported);
  EXPECT_EQ(chunks.size(), 1u);
}

TEST(StreamTranslator, ErrorEventsBecomeUpstreamErrors) {
  StreamTranslator overloaded("public-model", kCreated, false);
  StreamTranslator failed("public-model", kCreated, false);
  std::vector<boost::json::object> chunks;

  run(overloaded, {{"message_start", kMessageStart}});
  Result<void> overload = overloaded.on_event(
      "error", R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})",
      chunks);
  Result<void> api_error = failed.on_event(
      "error", R"({"type":"error","error":{"type":"api_error","message":"Internal error"}})",
      chunks);

  ASSERT_FALSE(overload.ok());
  EXPECT_EQ(overload.error().code, ErrorCode::upstream_unavailable);
  EXPECT_NE(overload.error().message.find("Overloaded"), std::string::npos);
  ASSERT_FALSE(api_error.ok());
  EXPECT_EQ(api_error.error().code, ErrorCode::upstream_error);
  EXPECT_NE(api_error.error().message.find("Internal error"), std::string::npos);
  EXPECT_TRUE(chunks.empty());
  EXPECT_FALSE(overloaded.finished());
}

TEST(StreamTranslator, MalformedEventsAreUpstreamErrors) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"content_block_delta", "{not json"},
      {"content_block_delta", R"({"type":"content_block_delta","delta":{}})"},
      {"content_block_start", R"({"type":"content_block_start","index":-1,)"
                              R"("content_block":{"type":"text"}})"},
      {"message_delta", "[]"},
  };

  for (const auto& [name, data] : cases) {
    StreamTranslator translator("public-model", kCreated, false);
    std::vector<boost::json::object> chunks;
    run(translator, {{"message_start", kMessageStart}});

    Result<void> consumed = translator.on_event(name, data, chunks);

    ASSERT_FALSE(consumed.ok()) << data;
    EXPECT_EQ(consumed.error().code, ErrorCode::upstream_error) << data;
  }
}

TEST(StreamTranslator, ContentBeforeMessageStartIsAnUpstreamError) {
  StreamTranslator translator("public-model", kCreated, false);
  std::vector<boost::json::object> chunks;

  Result<void> ping = translator.on_event("ping", R"({"type":"ping"})", chunks);
  Result<void> delta = translator.on_event(
      "content_block_delta",
      R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}})",
      chunks);

  EXPECT_TRUE(ping.ok());
  ASSERT_FALSE(delta.ok());
  EXPECT_EQ(delta.error().code, ErrorCode::upstream_error);
  EXPECT_TRUE(chunks.empty());
}

TEST(StreamTranslator, EventsAfterMessageStopAreIgnored) {
  StreamTranslator translator("public-model", kCreated, false);
  std::vector<boost::json::object> chunks =
      run(translator,
          {{"message_start", kMessageStart}, {"message_stop", R"({"type":"message_stop"})"}});
  const std::size_t before = chunks.size();

  Result<void> late = translator.on_event(
      "error", R"({"type":"error","error":{"type":"api_error","message":"late"}})", chunks);

  EXPECT_TRUE(late.ok());
  EXPECT_EQ(chunks.size(), before);
}

}  // namespace
}  // namespace veyra::providers::anthropic
