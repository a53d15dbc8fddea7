#include "providers/anthropic/response_translation.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

namespace veyra::providers::anthropic {
namespace {

constexpr std::int64_t kCreated = 1'760'000'000;

boost::json::value json(std::string_view text) {
  return boost::json::parse(text);
}

Result<boost::json::object> completion_of(std::string_view messages_response) {
  return to_chat_completion(json(messages_response).as_object(), "public-model", kCreated);
}

TEST(AnthropicResponse, TextMessageBecomesAChatCompletion) {
  Result<boost::json::object> completion = completion_of(R"({
      "id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant",
      "model":"claude-sonnet-4-5","content":[{"type":"text","text":"Hello there!"}],
      "stop_reason":"end_turn","stop_sequence":null,
      "usage":{"input_tokens":12,"output_tokens":4}})");

  ASSERT_TRUE(completion.ok());
  EXPECT_EQ(boost::json::value(*completion), json(R"({
      "id":"chatcmpl-01XFDUDYJgAACzvnptvVoYEL","object":"chat.completion",
      "created":1760000000,"model":"public-model",
      "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there!",
                                       "refusal":null},
                  "logprobs":null,"finish_reason":"stop"}],
      "usage":{"prompt_tokens":12,"completion_tokens":4,"total_tokens":16}})"));
}

TEST(AnthropicResponse, TextBlocksAreJoinedAndThinkingIsLeftOut) {
  Result<boost::json::object> completion = completion_of(R"({"id":"msg_1","type":"message",
      "content":[{"type":"thinking","thinking":"Let me think...","signature":"abc"},
                 {"type":"text","text":"The answer "},{"type":"text","text":"is 4."}],
      "stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}})");

  ASSERT_TRUE(completion.ok());
  EXPECT_EQ(completion->at("choices").at(0).at("message").at("content"), "The answer is 4.");
}

TEST(AnthropicResponse, ToolUseBlocksBecomeToolCalls) {
  Result<boost::json::object> completion = completion_of(R"({"id":"msg_2","type":"message",
      "content":[{"type":"tool_use","id":"toolu_01A","name":"get_weather",
                  "input":{"city":"Paris"}},
                 {"type":"tool_use","id":"toolu_01B","name":"get_time","input":{}}],
      "stop_reason":"tool_use","usage":{"input_tokens":30,"output_tokens":20}})");

  ASSERT_TRUE(completion.ok());
  const boost::json::value& choice = completion->at("choices").at(0);
  EXPECT_EQ(choice.at("finish_reason"), "tool_calls");
  EXPECT_EQ(choice.at("message"), json(R"({"role":"assistant","content":null,"refusal":null,
      "tool_calls":[
        {"id":"toolu_01A","type":"function",
         "function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
        {"id":"toolu_01B","type":"function","function":{"name":"get_time","arguments":"{}"}}]})"));
}

TEST(AnthropicResponse, TextBeforeAToolCallStaysInContent) {
  Result<boost::json::object> completion = completion_of(R"({"id":"msg_3","type":"message",
      "content":[{"type":"text","text":"Let me check."},
                 {"type":"tool_use","id":"toolu_1","name":"f","input":{"a":1}}],
      "stop_reason":"tool_use","usage":{"input_tokens":1,"output_tokens":1}})");

  ASSERT_TRUE(completion.ok());
  const boost::json::value& message = completion->at("choices").at(0).at("message");
  EXPECT_EQ(message.at("content"), "Let me check.");
  EXPECT_EQ(message.at("tool_calls").as_array().size(), 1u);
}

TEST(AnthropicResponse, StopReasonsMapToFinishReasons) {
  EXPECT_EQ(finish_reason_for("end_turn"), "stop");
  EXPECT_EQ(finish_reason_for("stop_sequence"), "stop");
  EXPECT_EQ(finish_reason_for("pause_turn"), "stop");
  EXPECT_EQ(finish_reason_for("max_tokens"), "length");
  EXPECT_EQ(finish_reason_for("model_context_window_exceeded"), "length");
  EXPECT_EQ(finish_reason_for("tool_use"), "tool_calls");
  EXPECT_EQ(finish_reason_for("refusal"), "content_filter");
  EXPECT_EQ(finish_reason_for("something_new"), "stop");
  EXPECT_EQ(finish_reason_for(""), "stop");
}

TEST(AnthropicResponse, MaxTokensAndStopSequenceAnswersFinishAsOpenAIWould) {
  Result<boost::json::object> cut = completion_of(R"({"id":"msg_4","type":"message",
      "content":[{"type":"text","text":"Once upon"}],"stop_reason":"max_tokens",
      "usage":{"input_tokens":3,"output_tokens":2}})");
  Result<boost::json::object> stopped = completion_of(R"({"id":"msg_5","type":"message",
      "content":[{"type":"text","text":"One, two"}],"stop_reason":"stop_sequence",
      "stop_sequence":", three","usage":{"input_tokens":3,"output_tokens":2}})");

  ASSERT_TRUE(cut.ok());
  ASSERT_TRUE(stopped.ok());
  EXPECT_EQ(cut->at("choices").at(0).at("finish_reason"), "length");
  EXPECT_EQ(stopped->at("choices").at(0).at("finish_reason"), "stop");
}

TEST(AnthropicResponse, CachedPromptTokensCountAsPromptTokens) {
  Result<boost::json::object> completion = completion_of(R"({"id":"msg_6","type":"message",
      "content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn",
      "usage":{"input_tokens":10,"cache_creation_input_tokens":100,
               "cache_read_input_tokens":1000,"output_tokens":5}})");

  ASSERT_TRUE(completion.ok());
  EXPECT_EQ(completion->at("usage"), json(R"({"prompt_tokens":1110,"completion_tokens":5,
      "total_tokens":1115,"prompt_tokens_details":{"cached_tokens":1000}})"));
}

TEST(AnthropicResponse, UsageIsOmittedWhenTheMessageHasNone) {
  Result<boost::json::object> completion =
      completion_of(R"({"id":"msg_7","type":"message","content":[],"stop_reason":"end_turn"})");

  ASSERT_TRUE(completion.ok());
  EXPECT_FALSE(completion->contains("usage"));
  EXPECT_EQ(completion->at("choices").at(0).at("message").at("content"), "");
}

TEST(AnthropicResponse, AnErrorBodyBecomesAnError) {
  Result<boost::json::object> completion = completion_of(
      R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");

  ASSERT_FALSE(completion.ok());
  EXPECT_EQ(completion.error().code, ErrorCode::upstream_unavailable);
}

TEST(AnthropicResponse, AMessageWithoutContentIsMalformed) {
  Result<boost::json::object> completion =
      completion_of(R"({"id":"msg_8","type":"message","content":"text"})");

  ASSERT_FALSE(completion.ok());
  EXPECT_EQ(completion.error().code, ErrorCode::upstream_error);
}

TEST(AnthropicResponse, ChatCompletionIdsKeepTheMessageIdSuffix) {
  EXPECT_EQ(chat_completion_id("msg_01AbC"), "chatcmpl-01AbC");
  EXPECT_EQ(chat_completion_id("other-id"), "chatcmpl-other-id");
  EXPECT_EQ(chat_completion_id(""), "chatcmpl-anthropic");
}

TEST(AnthropicError, BadRequestCarriesTheProvidersMessage) {
  const Error error =
      error_from_response(400, R"({"type":"error","error":{"type":"invalid_request_error",
              "message":"messages.0.content: text content blocks must be non-empty"},
              "request_id":"req_011"})");

  EXPECT_EQ(error.code, ErrorCode::invalid_field);
  EXPECT_EQ(error.message, "messages.0.content: text content blocks must be non-empty");
  EXPECT_EQ(error.param, "");
}

TEST(AnthropicError, BadRequestWithoutAnAnthropicBodyGetsAGenericMessage) {
  const Error error = error_from_response(400, "<html>Bad Request</html>");

  EXPECT_EQ(error.code, ErrorCode::invalid_field);
  EXPECT_FALSE(error.message.empty());
  EXPECT_EQ(error.message.find("html"), std::string::npos);
}

TEST(AnthropicError, CredentialFailuresNeverEchoTheProvidersText) {
  for (const unsigned status : {401u, 403u}) {
    const Error error =
        error_from_response(status, R"({"type":"error","error":{"type":"authentication_error",
                    "message":"invalid x-api-key sk-ant-api03-secret"}})");

    EXPECT_EQ(error.code, ErrorCode::upstream_error) << status;
    EXPECT_EQ(error.message.find("sk-ant"), std::string::npos) << error.message;
    EXPECT_EQ(error.message.find("x-api-key"), std::string::npos) << error.message;
  }
}

TEST(AnthropicError, StatusesMapToUpstreamCodes) {
  const std::pair<unsigned, ErrorCode> cases[] = {
      {404, ErrorCode::upstream_error},       {413, ErrorCode::payload_too_large},
      {429, ErrorCode::upstream_unavailable}, {529, ErrorCode::upstream_unavailable},
      {500, ErrorCode::upstream_error},       {502, ErrorCode::upstream_error},
      {504, ErrorCode::upstream_timeout},     {409, ErrorCode::upstream_error},
  };

  for (const auto& [status, code] : cases) {
    const Error error = error_from_response(
        status, R"({"type":"error","error":{"type":"x","message":"provider details"}})");

    EXPECT_EQ(error.code, code) << status;
    EXPECT_EQ(error.message.find("provider details"), std::string::npos) << status;
  }
}

TEST(AnthropicError, ErrorEventsCarryTheProvidersMessage) {
  const Error overloaded = error_from_error_event(
      json(R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})")
          .as_object());
  const Error internal = error_from_error_event(
      json(R"({"type":"error","error":{"type":"api_error","message":"Internal server error"}})")
          .as_object());
  const Error empty = error_from_error_event(json(R"({"type":"error"})").as_object());

  EXPECT_EQ(overloaded.code, ErrorCode::upstream_unavailable);
  EXPECT_NE(overloaded.message.find("Overloaded"), std::string::npos) << overloaded.message;
  EXPECT_EQ(internal.code, ErrorCode::upstream_error);
  EXPECT_NE(internal.message.find("Internal server error"), std::string::npos);
  EXPECT_EQ(empty.code, ErrorCode::upstream_error);
  EXPECT_FALSE(empty.message.empty());
}

}  // namespace
}  // namespace veyra::providers::anthropic
