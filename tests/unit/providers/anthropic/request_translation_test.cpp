#include "providers/anthropic/request_translation.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

namespace veyra::providers::anthropic {
namespace {

constexpr std::uint32_t kDefaultMaxTokens = 1024;

boost::json::value json(std::string_view text) {
  return boost::json::parse(text);
}

Result<boost::json::object> translate(std::string_view chat_request) {
  return to_messages_request(json(chat_request).as_object(), "claude-test", kDefaultMaxTokens);
}

// The translated body, or a failed expectation and an empty object.
boost::json::value translated(std::string_view chat_request) {
  Result<boost::json::object> result = translate(chat_request);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  return result.ok() ? boost::json::value(*result) : boost::json::value(boost::json::object{});
}

// The `messages` member of the translated body.
boost::json::value messages_of(std::string_view chat_request) {
  const boost::json::value body = translated(chat_request);
  const boost::json::value* messages = body.as_object().if_contains("messages");
  return messages != nullptr ? *messages : boost::json::value();
}

void expect_invalid(std::string_view chat_request, std::string_view param) {
  Result<boost::json::object> result = translate(chat_request);

  ASSERT_FALSE(result.ok()) << chat_request;
  EXPECT_EQ(result.error().code, ErrorCode::invalid_field) << chat_request;
  EXPECT_EQ(result.error().param, param) << chat_request;
  EXPECT_FALSE(result.error().message.empty());
}

TEST(AnthropicRequest, TranslatesAMinimalRequest) {
  const boost::json::value body =
      translated(R"({"model":"public","messages":[{"role":"user","content":"Hello"}]})");

  EXPECT_EQ(body, json(R"({"model":"claude-test","max_tokens":1024,
                           "messages":[{"role":"user","content":"Hello"}]})"));
}

TEST(AnthropicRequest, SystemAndDeveloperMessagesBecomeTheTopLevelSystem) {
  const boost::json::value body = translated(R"({"messages":[
      {"role":"system","content":"Be terse."},
      {"role":"developer","content":[{"type":"text","text":"Answer in French."}]},
      {"role":"user","content":"Hi"},
      {"role":"system","content":"Never apologise."}]})");

  EXPECT_EQ(body.at("system"), "Be terse.\n\nAnswer in French.\n\nNever apologise.");
  EXPECT_EQ(body.at("messages"), json(R"([{"role":"user","content":"Hi"}])"));
}

TEST(AnthropicRequest, MergesConsecutiveMessagesOfTheSameRole) {
  const boost::json::value messages = messages_of(R"({"messages":[
      {"role":"user","content":"one"}, {"role":"user","content":"two"},
      {"role":"assistant","content":"three"}, {"role":"assistant","content":"four"},
      {"role":"user","content":"five"}]})");

  EXPECT_EQ(messages, json(R"([
      {"role":"user","content":[{"type":"text","text":"one"},{"type":"text","text":"two"}]},
      {"role":"assistant",
       "content":[{"type":"text","text":"three"},{"type":"text","text":"four"}]},
      {"role":"user","content":"five"}])"));
}

TEST(AnthropicRequest, TextPartsBecomeTextBlocksAndEmptyTextsAreDropped) {
  const boost::json::value messages = messages_of(R"({"messages":[{"role":"user","content":[
      {"type":"text","text":"first"}, {"type":"text","text":""},
      {"type":"text","text":"second"}]}]})");

  EXPECT_EQ(messages, json(R"([{"role":"user","content":[
      {"type":"text","text":"first"},{"type":"text","text":"second"}]}])"));
}

TEST(AnthropicRequest, SkipsMessagesWithNoContent) {
  const boost::json::value messages = messages_of(R"({"messages":[
      {"role":"user","content":"Hi"}, {"role":"assistant","content":null},
      {"role":"user","content":""}, {"role":"user","content":"again"}]})");

  EXPECT_EQ(messages, json(R"([{"role":"user","content":[
      {"type":"text","text":"Hi"},{"type":"text","text":"again"}]}])"));
}

TEST(AnthropicRequest, DataUrlImagesBecomeBase64Sources) {
  const boost::json::value messages = messages_of(R"({"messages":[{"role":"user","content":[
      {"type":"text","text":"What is this?"},
      {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=",
                                       "detail":"high"}}]}]})");

  EXPECT_EQ(messages, json(R"([{"role":"user","content":[
      {"type":"text","text":"What is this?"},
      {"type":"image","source":{"type":"base64","media_type":"image/png",
                                "data":"iVBORw0KGgo="}}]}])"));
}

TEST(AnthropicRequest, HttpImagesBecomeUrlSources) {
  const boost::json::value messages = messages_of(R"({"messages":[{"role":"user","content":[
      {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}]})");

  EXPECT_EQ(messages, json(R"([{"role":"user","content":[
      {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]}])"));
}

TEST(AnthropicRequest, RejectsImagesAnthropicCannotTake) {
  expect_invalid(R"({"messages":[{"role":"user","content":[
      {"type":"image_url","image_url":{"url":"data:image/bmp;base64,Qk0="}}]}]})",
                 "messages");
  expect_invalid(R"({"messages":[{"role":"user","content":[
      {"type":"image_url","image_url":{"url":"data:image/png,rawbytes"}}]}]})",
                 "messages");
  expect_invalid(R"({"messages":[{"role":"user","content":[
      {"type":"image_url","image_url":{"url":"ftp://example.com/cat.png"}}]}]})",
                 "messages");
  expect_invalid(R"({"messages":[{"role":"user","content":[
      {"type":"image_url","image_url":{}}]}]})",
                 "messages");
}

TEST(AnthropicRequest, RejectsContentPartsAnthropicCannotTake) {
  expect_invalid(R"({"messages":[{"role":"user","content":[
      {"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}]})",
                 "messages");
  expect_invalid(R"({"messages":[{"role":"assistant","content":[
      {"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}]})",
                 "messages");
  expect_invalid(R"({"messages":[{"role":"user","content":42}]})", "messages");
  expect_invalid(R"({"messages":[{"role":"user","content":["text"]}]})", "messages");
}

TEST(AnthropicRequest, AssistantRefusalPartsAreKeptAsText) {
  const boost::json::value messages = messages_of(R"({"messages":[
      {"role":"user","content":"Do something bad."},
      {"role":"assistant","content":[{"type":"refusal","refusal":"I can't help with that."}]},
      {"role":"user","content":"Fine."}]})");

  EXPECT_EQ(messages.at(1), json(R"({"role":"assistant","content":"I can't help with that."})"));
}

TEST(AnthropicRequest, RejectsMalformedMessages) {
  Result<boost::json::object> missing = translate(R"({"model":"m"})");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::missing_field);
  EXPECT_EQ(missing.error().param, "messages");

  expect_invalid(R"({"messages":"Hello"})", "messages");
  expect_invalid(R"({"messages":[]})", "messages");
  expect_invalid(R"({"messages":[{"role":"system","content":"Only a system prompt."}]})",
                 "messages");
  expect_invalid(R"({"messages":["Hello"]})", "messages");
  expect_invalid(R"({"messages":[{"role":"function","name":"f","content":"{}"}]})", "messages");
}

TEST(AnthropicRequest, MaxCompletionTokensWinsOverMaxTokens) {
  const boost::json::value both = translated(
      R"({"messages":[{"role":"user","content":"Hi"}],"max_tokens":50,
          "max_completion_tokens":70})");
  const boost::json::value legacy =
      translated(R"({"messages":[{"role":"user","content":"Hi"}],"max_tokens":50})");
  const boost::json::value integral_double =
      translated(R"({"messages":[{"role":"user","content":"Hi"}],"max_tokens":60.0})");

  EXPECT_EQ(both.at("max_tokens"), 70);
  EXPECT_EQ(legacy.at("max_tokens"), 50);
  EXPECT_EQ(integral_double.at("max_tokens"), 60);
}

TEST(AnthropicRequest, RejectsMaxTokensThatAreNotPositiveIntegers) {
  expect_invalid(R"({"messages":[{"role":"user","content":"Hi"}],"max_tokens":0})", "max_tokens");
  expect_invalid(R"({"messages":[{"role":"user","content":"Hi"}],"max_tokens":"100"})",
                 "max_tokens");
  expect_invalid(R"({"messages":[{"role":"user","content":"Hi"}],"max_completion_tokens":2.5})",
                 "max_completion_tokens");
}

TEST(AnthropicRequest, StopBecomesStopSequences) {
  const boost::json::value single =
      translated(R"({"messages":[{"role":"user","content":"Hi"}],"stop":"END"})");
  const boost::json::value several =
      translated(R"({"messages":[{"role":"user","content":"Hi"}],"stop":["END","\n\n"]})");

  EXPECT_EQ(single.at("stop_sequences"), json(R"(["END"])"));
  EXPECT_EQ(several.at("stop_sequences"), json(R"(["END","\n\n"])"));
  expect_invalid(R"({"messages":[{"role":"user","content":"Hi"}],"stop":7})", "stop");
  expect_invalid(R"({"messages":[{"role":"user","content":"Hi"}],"stop":["END",7]})", "stop");
}

TEST(AnthropicRequest, TemperatureIsClampedToAnthropicsRange) {
  const boost::json::value hot =
      translated(R"({"messages":[{"role":"user","content":"Hi"}],"temperature":1.7})");
  const boost::json::value mild =
      translated(R"({"messages":[{"role":"user","content":"Hi"}],"temperature":0.25})");
  const boost::json::value top_p =
      translated(R"({"messages":[{"role":"user","content":"Hi"}],"top_p":0.9})");

  EXPECT_EQ(hot.at("temperature"), 1);
  EXPECT_EQ(mild.at("temperature"), 0.25);
  EXPECT_EQ(top_p.at("top_p"), 0.9);
  expect_invalid(R"({"messages":[{"role":"user","content":"Hi"}],"temperature":2.5})",
                 "temperature");
  expect_invalid(R"({"messages":[{"role":"user","content":"Hi"}],"temperature":"hot"})",
                 "temperature");
  expect_invalid(R"({"messages":[{"role":"user","content":"Hi"}],"top_p":1.5})", "top_p");
}

TEST(AnthropicRequest, StreamIsForwardedAndStreamOptionsDropped) {
  const boost::json::value streamed = translated(
      R"({"messages":[{"role":"user","content":"Hi"}],"stream":true,
          "stream_options":{"include_usage":true}})");
  const boost::json::value whole =
      translated(R"({"messages":[{"role":"user","content":"Hi"}],"stream":false})");

  EXPECT_EQ(streamed.at("stream"), true);
  EXPECT_FALSE(streamed.as_object().contains("stream_options"));
  EXPECT_FALSE(whole.as_object().contains("stream"));
  expect_invalid(R"({"messages":[{"role":"user","content":"Hi"}],"stream":"yes"})", "stream");
}

TEST(AnthropicRequest, NGreaterThanOneIsRefusedAndOneIsAccepted) {
  Result<boost::json::object> two =
      translate(R"({"messages":[{"role":"user","content":"Hi"}],"n":2})");
  Result<boost::json::object> one =
      translate(R"({"messages":[{"role":"user","content":"Hi"}],"n":1})");

  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.error().code, ErrorCode::invalid_field);
  EXPECT_EQ(two.error().param, "n");
  EXPECT_NE(two.error().message.find("provider"), std::string::npos) << two.error().message;
  EXPECT_TRUE(one.ok());
  EXPECT_FALSE(one->contains("n"));
}

TEST(AnthropicRequest, DropsFieldsAnthropicHasNoCounterpartFor) {
  const boost::json::value body = translated(R"({"model":"public",
      "messages":[{"role":"user","content":"Hi","name":"alice"}],
      "logprobs":true,"top_logprobs":3,"response_format":{"type":"json_object"},"seed":7,
      "presence_penalty":0.5,"frequency_penalty":0.5,"logit_bias":{"50256":-100},
      "service_tier":"auto","store":true,"metadata":{"k":"v"},"reasoning_effort":"low",
      "mock":{"tokens":3}})");

  EXPECT_EQ(body, json(R"({"model":"claude-test","max_tokens":1024,
                           "messages":[{"role":"user","content":"Hi"}]})"));
}

TEST(AnthropicRequest, NullFieldsCountAsAbsent) {
  const boost::json::value body = translated(R"({"messages":[{"role":"user","content":"Hi"}],
      "temperature":null,"top_p":null,"stop":null,"max_tokens":null,"n":null,"tools":null,
      "tool_choice":null,"user":null,"stream":null})");

  EXPECT_EQ(body, json(R"({"model":"claude-test","max_tokens":1024,
                           "messages":[{"role":"user","content":"Hi"}]})"));
}

TEST(AnthropicRequest, UserBecomesMetadataUserId) {
  const boost::json::value body =
      translated(R"({"messages":[{"role":"user","content":"Hi"}],"user":"user-1234"})");

  EXPECT_EQ(body.at("metadata"), json(R"({"user_id":"user-1234"})"));
  expect_invalid(R"({"messages":[{"role":"user","content":"Hi"}],"user":42})", "user");
}

TEST(AnthropicRequest, FunctionToolsBecomeInputSchemas) {
  const boost::json::value body = translated(R"({"messages":[{"role":"user","content":"Hi"}],
      "tools":[
        {"type":"function","function":{"name":"get_weather","description":"Weather now",
         "parameters":{"type":"object","properties":{"city":{"type":"string"}},
                       "required":["city"]},"strict":true}},
        {"type":"function","function":{"name":"get_time"}}]})");

  EXPECT_EQ(body.at("tools"), json(R"([
      {"name":"get_weather","description":"Weather now",
       "input_schema":{"type":"object","properties":{"city":{"type":"string"}},
                       "required":["city"]}},
      {"name":"get_time","input_schema":{"type":"object","properties":{}}}])"));
  EXPECT_FALSE(body.as_object().contains("tool_choice"));
}

TEST(AnthropicRequest, RejectsToolsAnthropicCannotTake) {
  expect_invalid(R"({"messages":[{"role":"user","content":"Hi"}],"tools":{}})", "tools");
  expect_invalid(R"({"messages":[{"role":"user","content":"Hi"}],
                     "tools":[{"type":"custom","custom":{"name":"x"}}]})",
                 "tools");
  expect_invalid(R"({"messages":[{"role":"user","content":"Hi"}],
                     "tools":[{"type":"function","function":{"description":"no name"}}]})",
                 "tools");
  expect_invalid(R"({"messages":[{"role":"user","content":"Hi"}],
                     "tools":[{"type":"function","function":{"name":"f","parameters":[]}}]})",
                 "tools");
}

TEST(AnthropicRequest, ToolChoiceMapsToAnthropicsChoices) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {R"("auto")", R"({"type":"auto"})"},
      {R"("none")", R"({"type":"none"})"},
      {R"("required")", R"({"type":"any"})"},
      {R"({"type":"function","function":{"name":"get_weather"}})",
       R"({"type":"tool","name":"get_weather"})"},
  };

  for (const auto& [choice, expected] : cases) {
    const boost::json::value body = translated(R"({"messages":[{"role":"user","content":"Hi"}],
                       "tools":[{"type":"function","function":{"name":"get_weather"}}],
                       "tool_choice":)" + std::string(choice) +
                                               "}");

    EXPECT_EQ(body.at("tool_choice"), json(expected)) << choice;
  }
}

TEST(AnthropicRequest, RejectsUnknownToolChoices) {
  constexpr std::string_view kTools =
      R"("tools":[{"type":"function","function":{"name":"get_weather"}}])";

  for (const std::string_view choice :
       {R"("sometimes")", R"({"type":"function"})", R"({"type":"allowed_tools"})", "3"}) {
    expect_invalid(R"({"messages":[{"role":"user","content":"Hi"}],)" + std::string(kTools) +
                       R"(,"tool_choice":)" + std::string(choice) + "}",
                   "tool_choice");
  }
}

TEST(AnthropicRequest, ParallelToolCallsFalseDisablesParallelToolUse) {
  const boost::json::value implicit_auto = translated(R"({"messages":[{"role":"user",
      "content":"Hi"}],"tools":[{"type":"function","function":{"name":"f"}}],
      "parallel_tool_calls":false})");
  const boost::json::value required = translated(R"({"messages":[{"role":"user",
      "content":"Hi"}],"tools":[{"type":"function","function":{"name":"f"}}],
      "tool_choice":"required","parallel_tool_calls":false})");
  const boost::json::value parallel = translated(R"({"messages":[{"role":"user",
      "content":"Hi"}],"tools":[{"type":"function","function":{"name":"f"}}],
      "parallel_tool_calls":true})");

  EXPECT_EQ(implicit_auto.at("tool_choice"),
            json(R"({"type":"auto","disable_parallel_tool_use":true})"));
  EXPECT_EQ(required.at("tool_choice"), json(R"({"type":"any","disable_parallel_tool_use":true})"));
  EXPECT_FALSE(parallel.as_object().contains("tool_choice"));
}

TEST(AnthropicRequest, ToolChoiceWithoutToolsIsDropped) {
  const boost::json::value body = translated(
      R"({"messages":[{"role":"user","content":"Hi"}],"tools":[],"tool_choice":"required"})");

  EXPECT_FALSE(body.as_object().contains("tools"));
  EXPECT_FALSE(body.as_object().contains("tool_choice"));
}

TEST(AnthropicRequest, AssistantToolCallsBecomeToolUseBlocksAndToolMessagesToolResults) {
  const boost::json::value messages = messages_of(R"({"messages":[
      {"role":"user","content":"Weather in Paris and Rome?"},
      {"role":"assistant","content":null,"tool_calls":[
        {"id":"toolu_1","type":"function",
         "function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
        {"id":"toolu_2","type":"function",
         "function":{"name":"get_weather","arguments":"{\"city\":\"Rome\"}"}}]},
      {"role":"tool","tool_call_id":"toolu_1","content":"18 C"},
      {"role":"tool","tool_call_id":"toolu_2","content":[{"type":"text","text":"24 C"}]},
      {"role":"user","content":"Thanks!"}]})");

  EXPECT_EQ(messages, json(R"([
      {"role":"user","content":"Weather in Paris and Rome?"},
      {"role":"assistant","content":[
        {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}},
        {"type":"tool_use","id":"toolu_2","name":"get_weather","input":{"city":"Rome"}}]},
      {"role":"user","content":[
        {"type":"tool_result","tool_use_id":"toolu_1","content":"18 C"},
        {"type":"tool_result","tool_use_id":"toolu_2","content":"24 C"},
        {"type":"text","text":"Thanks!"}]}])"));
}

TEST(AnthropicRequest, AssistantTextComesBeforeItsToolUse) {
  const boost::json::value messages = messages_of(R"({"messages":[
      {"role":"user","content":"Weather?"},
      {"role":"assistant","content":"Let me look.","tool_calls":[
        {"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":""}}]},
      {"role":"tool","tool_call_id":"toolu_1","content":""}]})");

  EXPECT_EQ(messages.at(1), json(R"({"role":"assistant","content":[
      {"type":"text","text":"Let me look."},
      {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}]})"));
  EXPECT_EQ(messages.at(2), json(R"({"role":"user","content":[
      {"type":"tool_result","tool_use_id":"toolu_1"}]})"));
}

TEST(AnthropicRequest, ToolResultsGoFirstInAMergedUserTurn) {
  const boost::json::value messages = messages_of(R"({"messages":[
      {"role":"user","content":"Weather?"},
      {"role":"assistant","tool_calls":[
        {"id":"toolu_1","type":"function","function":{"name":"f","arguments":"{}"}}]},
      {"role":"user","content":"Hurry up."},
      {"role":"tool","tool_call_id":"toolu_1","content":"sunny"}]})");

  EXPECT_EQ(messages.at(2), json(R"({"role":"user","content":[
      {"type":"tool_result","tool_use_id":"toolu_1","content":"sunny"},
      {"type":"text","text":"Hurry up."}]})"));
}

TEST(AnthropicRequest, RejectsToolCallsWhoseArgumentsAreNotAJsonObject) {
  for (const std::string_view arguments : {R"("{\"city\":")", R"("[1,2]")", "42"}) {
    expect_invalid(R"({"messages":[{"role":"user","content":"Hi"},
        {"role":"assistant","tool_calls":[{"id":"toolu_1","type":"function",
         "function":{"name":"f","arguments":)" +
                       std::string(arguments) + "}}]}]}",
                   "messages");
  }
}

TEST(AnthropicRequest, RejectsIncompleteToolMessagesAndToolCalls) {
  expect_invalid(R"({"messages":[{"role":"user","content":"Hi"},
      {"role":"tool","content":"no id"}]})",
                 "messages");
  expect_invalid(R"({"messages":[{"role":"user","content":"Hi"},
      {"role":"assistant","tool_calls":[{"type":"function","function":{"name":"f"}}]}]})",
                 "messages");
  expect_invalid(R"({"messages":[{"role":"user","content":"Hi"},
      {"role":"assistant","tool_calls":{"id":"toolu_1"}}]})",
                 "messages");
}

}  // namespace
}  // namespace veyra::providers::anthropic
