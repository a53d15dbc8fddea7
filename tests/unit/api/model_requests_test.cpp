#include "api/model_requests.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace veyra::api {
namespace {

boost::json::object body(std::string_view text) { return boost::json::parse(text).as_object(); }

void expect_error(const Status& status, ErrorCode code, std::string_view param) {
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, code);
  EXPECT_EQ(status.error().param, param);
}

template <class T>
Status status_of(const Result<T>& result) {
  if (result) return {};
  return result.error();
}

TEST(ChatRequestValidation, AcceptsAMinimalRequestAndReadsStreamOptions) {
  auto request = validate_chat_request(
      body(R"({"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true,)"
           R"("stream_options":{"include_usage":true},"some_new_field":{"x":1}})"));

  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->model, "m");
  EXPECT_TRUE(request->stream);
  EXPECT_TRUE(request->include_usage);
}

TEST(ChatRequestValidation, NamesTheOffendingParam) {
  expect_error(status_of(validate_chat_request(body(R"({"messages":[]})"))),
               ErrorCode::missing_field, "model");
  expect_error(status_of(validate_chat_request(body(R"({"model":3,"messages":[]})"))),
               ErrorCode::invalid_field, "model");
  expect_error(status_of(validate_chat_request(body(R"({"model":"m"})"))),
               ErrorCode::missing_field, "messages");
  expect_error(status_of(validate_chat_request(body(R"({"model":"m","messages":{}})"))),
               ErrorCode::invalid_field, "messages");
  expect_error(
      status_of(validate_chat_request(body(R"({"model":"m","messages":[{"content":"x"}]})"))),
      ErrorCode::missing_field, "messages[0].role");
  expect_error(status_of(validate_chat_request(
                   body(R"({"model":"m","messages":[{"role":"user","content":"a"},)"
                        R"({"role":"user"}]})"))),
               ErrorCode::missing_field, "messages[1].content");
  expect_error(status_of(validate_chat_request(
                   body(R"({"model":"m","messages":[{"role":"user","content":[3]}]})"))),
               ErrorCode::invalid_field, "messages[0].content[0]");
  expect_error(status_of(validate_chat_request(
                   body(R"({"model":"m","messages":[{"role":"user","content":"a"}],)"
                        R"("stream_options":{"include_usage":"yes"}})"))),
               ErrorCode::invalid_field, "stream_options.include_usage");
}

TEST(ChatRequestValidation, AnAssistantMessageMayCarryToolCallsInsteadOfContent) {
  auto request = validate_chat_request(body(
      R"({"model":"m","messages":[{"role":"user","content":"a"},)"
      R"({"role":"assistant","content":null,"tool_calls":[]},)"
      R"({"role":"tool","tool_call_id":"t","content":"42"}]})"));

  EXPECT_TRUE(request.ok());
}

TEST(EmbeddingsRequestValidation, AcceptsTextAndTokenInputs) {
  for (std::string_view input : {R"("a")", R"(["a","b"])", R"([1,2,3])", R"([[1,2],[3]])"}) {
    std::string text = R"({"model":"m","input":)" + std::string(input) + "}";
    EXPECT_TRUE(validate_embeddings_request(body(text)).ok()) << input;
  }
}

TEST(EmbeddingsRequestValidation, RefusesEmptyOrMixedInputs) {
  for (std::string_view input : {R"("")", R"([])", R"(["a",1])", R"([[]])", R"({"a":1})"}) {
    std::string text = R"({"model":"m","input":)" + std::string(input) + "}";
    expect_error(status_of(validate_embeddings_request(body(text))), ErrorCode::invalid_field,
                 "input");
  }
  expect_error(status_of(validate_embeddings_request(
                   body(R"({"model":"m","input":"a","encoding_format":"hex"})"))),
               ErrorCode::invalid_field, "encoding_format");
}

TEST(ImageRequestValidation, NeedsAPrompt) {
  expect_error(status_of(validate_image_request(body(R"({"model":"m"})"))),
               ErrorCode::missing_field, "prompt");
  expect_error(status_of(validate_image_request(body(R"({"model":"m","prompt":"x","n":0})"))),
               ErrorCode::invalid_field, "n");
  EXPECT_TRUE(validate_image_request(body(R"({"model":"m","prompt":"x"})")).ok());
}

http::MultipartForm form(std::vector<http::MultipartField> fields) {
  http::MultipartForm out;
  out.fields = std::move(fields);
  return out;
}

TEST(TranscriptionFormValidation, ReadsModelAndFormat) {
  auto request = validate_transcription_form(
      form({{"file", "a.wav", "audio/wav", "RIFF"}, {"model", std::nullopt, "", "m"},
            {"response_format", std::nullopt, "", "srt"}}));

  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->model, "m");
  EXPECT_EQ(request->response_format, "srt");
}

TEST(TranscriptionFormValidation, NamesTheOffendingField) {
  expect_error(status_of(validate_transcription_form(form({{"model", std::nullopt, "", "m"}}))),
               ErrorCode::missing_field, "file");
  expect_error(
      status_of(validate_transcription_form(form({{"file", "a.wav", "", "x"}}))),
      ErrorCode::missing_field, "model");
  expect_error(status_of(validate_transcription_form(
                   form({{"file", "a.wav", "", "x"}, {"model", std::nullopt, "", "m"},
                         {"response_format", std::nullopt, "", "mp3"}}))),
               ErrorCode::invalid_field, "response_format");
  expect_error(status_of(validate_transcription_form(
                   form({{"file", "a.wav", "", "x"}, {"model", std::nullopt, "", "m"},
                         {"temperature", std::nullopt, "", "hot"}}))),
               ErrorCode::invalid_field, "temperature");
}

}  // namespace
}  // namespace veyra::api
