#include "http/multipart.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace veyra::http {
namespace {

using namespace std::string_literals;

constexpr std::string_view kBoundary = "----VeyraTest7MA4YWxk";

struct RecordedPart {
  MultipartPartInfo info;
  std::string data;
  bool ended = false;
};

class Recorder : public MultipartSink {
 public:
  void on_part_begin(const MultipartPartInfo& info) override {
    EXPECT_TRUE(parts.empty() || parts.back().ended);
    parts.push_back({info, {}, false});
  }
  void on_part_data(std::string_view bytes) override {
    ASSERT_FALSE(parts.empty());
    EXPECT_FALSE(parts.back().ended);
    parts.back().data.append(bytes);
  }
  void on_part_end() override {
    ASSERT_FALSE(parts.empty());
    parts.back().ended = true;
  }

  std::vector<RecordedPart> parts;
};

struct Outcome {
  std::vector<RecordedPart> parts;
  std::optional<Error> error;
};

bool operator==(const RecordedPart& a, const RecordedPart& b) {
  return a.info.name == b.info.name && a.info.filename == b.info.filename &&
         a.info.content_type == b.info.content_type && a.data == b.data && a.ended == b.ended;
}

bool operator==(const Outcome& a, const Outcome& b) {
  if (a.parts != b.parts || a.error.has_value() != b.error.has_value()) return false;
  if (!a.error) return true;
  return a.error->code == b.error->code && a.error->message == b.error->message &&
         a.error->param == b.error->param;
}

// Feeds `body` cut at each of `cuts` (ascending offsets), then finishes; stops at the first
// error.
Outcome parse(std::string_view body, const std::vector<std::size_t>& cuts = {},
              MultipartLimits limits = {}, std::string_view boundary = kBoundary) {
  Recorder recorder;
  MultipartParser parser(std::string(boundary), recorder, limits);
  Outcome outcome;
  std::size_t start = 0;
  std::vector<std::size_t> ends = cuts;
  ends.push_back(body.size());
  for (std::size_t end : ends) {
    if (Status status = parser.feed(body.substr(start, end - start)); !status) {
      outcome.error = status.error();
      break;
    }
    start = end;
  }
  if (!outcome.error) {
    if (Status status = parser.finish(); !status) outcome.error = status.error();
  }
  outcome.parts = std::move(recorder.parts);
  return outcome;
}

Outcome parse_bytewise(std::string_view body, MultipartLimits limits = {}) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < body.size(); ++i) cuts.push_back(i);
  return parse(body, cuts, limits);
}

std::string part(std::string_view headers, std::string_view content) {
  return "--" + std::string(kBoundary) + "\r\n" + std::string(headers) + "\r\n" +
         std::string(content) + "\r\n";
}

std::string field(std::string_view name, std::string_view value) {
  return part("Content-Disposition: form-data; name=\"" + std::string(name) + "\"\r\n", value);
}

std::string closing() {
  return "--" + std::string(kBoundary) + "--\r\n";
}

const std::string kB(kBoundary);

// File content that comes close to the delimiter: CR without LF, a boundary not starting a
// line, a truncated delimiter, a bare LF before the boundary.
const std::string kFileContent =
    "RIFF\0\xff\r\n-\r\n--\r--"s + kB + "\r\n--" + kB.substr(0, 10) + "\n--" + kB;

// Preamble, padding after a boundary, header names in odd case, an ignored header, escapes,
// binary content, an empty part and an epilogue.
const std::string kForm =
    "This is the preamble.\r\n" + field("model", "whisper-1") +
    part(
        "content-disposition: FORM-DATA; name=\"file\"; filename=\"a \\\"b\\\".wav\"\r\n"
        "Content-Type: audio/wav\r\n"
        "X-Other: ignored\r\n",
        kFileContent) +
    part("Content-Disposition: form-data; name=empty\r\n", "") + closing() + "epilogue\r\n--" + kB +
    "\r\njunk";

// The same form with transport padding after the second boundary.
const std::string kPaddedForm = [] {
  std::string form = kForm;
  std::size_t second = form.find("--" + kB, form.find("--" + kB) + 1);
  form.insert(second + 2 + kB.size(), " \t");
  return form;
}();

TEST(MultipartBoundary, ReadsAPlainOrQuotedBoundary) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=abc123"), "abc123");
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=\"a b:c?\""), "a b:c?");
  EXPECT_EQ(multipart_boundary("multipart/form-data;boundary=\"q\\\"\""), std::nullopt);
}

TEST(MultipartBoundary, TypeAndParameterNamesAreCaseInsensitive) {
  EXPECT_EQ(multipart_boundary("Multipart/Form-Data; BOUNDARY=Xy"), "Xy");
}

TEST(MultipartBoundary, OtherParametersMayComeFirst) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; charset=utf-8;  boundary=\"q-1\" "), "q-1");
}

TEST(MultipartBoundary, OtherTypesHaveNone) {
  EXPECT_EQ(multipart_boundary("multipart/mixed; boundary=x"), std::nullopt);
  EXPECT_EQ(multipart_boundary("application/json"), std::nullopt);
  EXPECT_EQ(multipart_boundary(""), std::nullopt);
}

TEST(MultipartBoundary, MissingOrInvalidBoundaryIsRejected) {
  const std::vector<std::string> values = {
      "multipart/form-data",
      "multipart/form-data; charset=utf-8",
      "multipart/form-data; boundary=",
      "multipart/form-data; boundary=\"\"",
      "multipart/form-data; boundary=" + std::string(71, 'a'),
      "multipart/form-data; boundary=\"ends in space \"",
      "multipart/form-data; boundary=a@b",
      "multipart/form-data; boundary=\"a\rb\"",
      "multipart/form-data; boundary=x; boundary=y",
      "multipart/form-data; boundary=\"unterminated",
      "multipart/form-data; boundary",
  };

  for (const std::string& value : values) {
    EXPECT_EQ(multipart_boundary(value), std::nullopt) << value;
  }
}

TEST(MultipartBoundary, SeventyCharactersAreAllowed) {
  std::string boundary(70, 'b');

  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=" + boundary), boundary);
}

TEST(MultipartParser, ParsesFieldsAndFiles) {
  Outcome outcome = parse(kPaddedForm);

  ASSERT_FALSE(outcome.error) << outcome.error->message;
  ASSERT_EQ(outcome.parts.size(), 3u);
  EXPECT_EQ(outcome.parts[0].info.name, "model");
  EXPECT_EQ(outcome.parts[0].info.filename, std::nullopt);
  EXPECT_EQ(outcome.parts[0].info.content_type, "");
  EXPECT_EQ(outcome.parts[0].data, "whisper-1");
  EXPECT_EQ(outcome.parts[1].info.name, "file");
  EXPECT_EQ(outcome.parts[1].info.filename, "a \"b\".wav");
  EXPECT_EQ(outcome.parts[1].info.content_type, "audio/wav");
  EXPECT_EQ(outcome.parts[1].data, kFileContent);
  EXPECT_EQ(outcome.parts[2].info.name, "empty");
  EXPECT_EQ(outcome.parts[2].data, "");
  for (const RecordedPart& recorded : outcome.parts) EXPECT_TRUE(recorded.ended);
}

TEST(MultipartParser, SameResultWhereverTheBodyIsSplit) {
  Outcome whole = parse(kPaddedForm);

  for (std::size_t cut = 0; cut <= kPaddedForm.size(); ++cut) {
    EXPECT_EQ(parse(kPaddedForm, {cut}), whole) << "split at " << cut;
  }
  EXPECT_EQ(parse_bytewise(kPaddedForm), whole);
}

TEST(MultipartParser, SameResultForEveryThreeWaySplit) {
  const std::string body = field("a", "1\r\n--") + field("b", "") + closing();
  Outcome whole = parse(body);
  ASSERT_FALSE(whole.error);

  for (std::size_t i = 0; i <= body.size(); ++i) {
    for (std::size_t j = i; j <= body.size(); ++j) {
      ASSERT_EQ(parse(body, {i, j}), whole) << "split at " << i << ", " << j;
    }
  }
}

TEST(MultipartParser, EmptyFormIsValid) {
  Outcome outcome = parse(closing());

  EXPECT_FALSE(outcome.error);
  EXPECT_TRUE(outcome.parts.empty());
}

TEST(MultipartParser, BoundaryMustStartALine) {
  Outcome outcome = parse("x--" + std::string(kBoundary) + "\r\n" + field("a", "1") + closing());

  ASSERT_FALSE(outcome.error);
  EXPECT_EQ(outcome.parts.size(), 1u);
}

TEST(MultipartParser, Rfc5987FilenameWinsOverFilename) {
  std::string body = part(
                         "Content-Disposition: form-data; name=f; filename=\"rates.txt\"; "
                         "filename*=utf-8''%E2%82%AC%20rates.txt\r\n",
                         "x") +
                     closing();

  Outcome outcome = parse(body);

  ASSERT_EQ(outcome.parts.size(), 1u);
  EXPECT_EQ(outcome.parts[0].info.filename, "\xE2\x82\xAC rates.txt");
}

TEST(MultipartParser, UnreadableRfc5987FilenameStillMakesAFilePart) {
  std::string body = part("Content-Disposition: form-data; name=f; filename*=latin1''x\r\n",
                          std::string(100, 'x')) +
                     closing();
  MultipartLimits limits;
  limits.max_field_bytes = 10;

  Outcome outcome = parse(body, {}, limits);

  ASSERT_FALSE(outcome.error);
  EXPECT_EQ(outcome.parts[0].info.filename, "");
}

TEST(MultipartParser, QuotedStringsKeepEscapedCharacters) {
  std::string body =
      part("Content-Disposition: form-data; name=\"a\\\"b\\\\c;d\"\r\n", "v") + closing();

  Outcome outcome = parse(body);

  ASSERT_EQ(outcome.parts.size(), 1u);
  EXPECT_EQ(outcome.parts[0].info.name, "a\"b\\c;d");
}

TEST(MultipartParser, MissingClosingBoundaryFailsAtFinish) {
  Outcome outcome = parse(field("model", "x") + "--" + std::string(kBoundary) +
                          "\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\ncut");

  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->code, ErrorCode::invalid_field);
  EXPECT_EQ(outcome.error->param, "file");
  EXPECT_EQ(outcome.parts.size(), 2u);
  EXPECT_FALSE(outcome.parts[1].ended);
}

TEST(MultipartParser, BodyWithoutBoundaryFailsAtFinish) {
  Outcome outcome = parse("just some text");

  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->code, ErrorCode::invalid_field);
  EXPECT_EQ(outcome.error->param, "");
}

TEST(MultipartParser, MalformedPartsAreInvalid) {
  const std::vector<std::string> bodies = {
      part("Content-Disposition form-data; name=a\r\n", "x"),
      part("Content-Disposition : form-data; name=a\r\n", "x"),
      part(": form-data; name=a\r\n", "x"),
      part("Content-Type: text/plain\r\n", "x"),
      part("Content-Disposition: form-data; filename=\"a.txt\"\r\n", "x"),
      part("Content-Disposition: form-data; name=\"\"\r\n", "x"),
      part("Content-Disposition: attachment; name=a\r\n", "x"),
      part("Content-Disposition: form-data; name=a; name=b\r\n", "x"),
      part("Content-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n",
           "x"),
      part("Content-Disposition: form-data; name=\"a\r\n", "x"),
      part("Content-Disposition: form-data; name=a\nX: y\r\n", "x"),
      "--" + std::string(kBoundary) + "x\r\n",
      "--" + std::string(kBoundary) + "-\r\n",
      "--" + std::string(kBoundary) + "\rx",
  };

  for (const std::string& body : bodies) {
    Outcome outcome = parse(body + closing());

    ASSERT_TRUE(outcome.error) << body;
    EXPECT_EQ(outcome.error->code, ErrorCode::invalid_field) << body;
    EXPECT_TRUE(outcome.parts.empty()) << body;
  }
}

TEST(MultipartParser, OversizedPartHeadersAreTooLarge) {
  MultipartLimits limits;
  limits.max_part_header_bytes = 64;
  std::string headers = "Content-Disposition: form-data; name=a\r\nX-Pad: ";
  std::string fits = headers + std::string(64 - headers.size() - 2, 'p') + "\r\n";
  std::string too_big = headers + std::string(64 - headers.size() - 1, 'p') + "\r\n";

  Outcome ok = parse(part(fits, "x") + closing(), {}, limits);
  Outcome failed = parse(part(too_big, "x") + closing(), {}, limits);

  EXPECT_FALSE(ok.error);
  ASSERT_TRUE(failed.error);
  EXPECT_EQ(failed.error->code, ErrorCode::payload_too_large);
  EXPECT_EQ(failed.error->message, "a form part's headers are larger than 64 bytes");
}

TEST(MultipartParser, TooManyParts) {
  MultipartLimits limits;
  limits.max_parts = 2;
  std::string two = field("a", "1") + field("b", "2");

  Outcome ok = parse(two + closing(), {}, limits);
  Outcome failed = parse(two + field("c", "3") + closing(), {}, limits);

  EXPECT_FALSE(ok.error);
  ASSERT_TRUE(failed.error);
  EXPECT_EQ(failed.error->code, ErrorCode::payload_too_large);
  EXPECT_EQ(failed.error->message, "the form has more than 2 parts");
  EXPECT_EQ(failed.parts.size(), 2u);
}

TEST(MultipartParser, FileLargerThanTheLimitIsTooLarge) {
  std::string disposition = "Content-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n";
  std::string body = part(disposition, std::string(25'000'001, 'a')) + closing();

  Outcome outcome = parse(body);

  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->code, ErrorCode::payload_too_large);
  EXPECT_EQ(outcome.error->message, "file is larger than 25 MB");
  EXPECT_EQ(outcome.error->param, "file");
  EXPECT_TRUE(outcome.parts[0].data.empty());
}

TEST(MultipartParser, FieldLargerThanTheLimitIsTooLarge) {
  Outcome ok = parse(field("prompt", std::string(64 * 1024, 'p')) + closing());
  Outcome failed = parse(field("prompt", std::string(64 * 1024 + 1, 'p')) + closing());

  EXPECT_FALSE(ok.error);
  ASSERT_TRUE(failed.error);
  EXPECT_EQ(failed.error->code, ErrorCode::payload_too_large);
  EXPECT_EQ(failed.error->message, "form field is larger than 64 KiB");
  EXPECT_EQ(failed.error->param, "prompt");
}

TEST(MultipartParser, SinkNeverSeesBytesPastTheLimitWhereverTheBodyIsSplit) {
  MultipartLimits limits;
  limits.max_file_bytes = 40;
  std::string disposition = "Content-Disposition: form-data; name=up; filename=x\r\n";
  std::string exact = part(disposition, std::string(40, 'e')) + closing();
  std::string over = part(disposition, std::string(30, 'o') + "\r\n--" + std::string(10, 'o'));

  for (std::size_t cut = 0; cut <= over.size(); ++cut) {
    Outcome ok = parse(exact, {std::min(cut, exact.size())}, limits);
    Outcome failed = parse(over + closing(), {cut}, limits);

    EXPECT_FALSE(ok.error);
    ASSERT_TRUE(failed.error);
    EXPECT_EQ(failed.error->message, "file is larger than 40 bytes");
    EXPECT_LE(failed.parts[0].data.size(), 40u);
  }
}

TEST(MultipartParser, ErrorsAreSticky) {
  Recorder recorder;
  MultipartParser parser(std::string(kBoundary), recorder);

  Status first = parser.feed(part("Content-Disposition: nope\r\n", "x"));
  Status second = parser.feed(field("a", "1") + closing());
  Status finished = parser.finish();

  ASSERT_FALSE(first);
  ASSERT_FALSE(second);
  ASSERT_FALSE(finished);
  EXPECT_EQ(second.error().message, first.error().message);
  EXPECT_EQ(finished.error().message, first.error().message);
  EXPECT_TRUE(recorder.parts.empty());
}

TEST(MultipartParser, InvalidBoundaryFailsEveryFeed) {
  Recorder recorder;
  MultipartParser parser("", recorder);

  Status status = parser.feed("--\r\n");

  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::invalid_field);
}

TEST(ParseMultipartForm, CollectsEveryPart) {
  std::string content_type = "multipart/form-data; boundary=\"" + std::string(kBoundary) + "\"";

  auto form = parse_multipart_form(content_type, kForm, {});

  ASSERT_TRUE(form) << form.error().message;
  ASSERT_EQ(form->fields.size(), 3u);
  ASSERT_NE(form->find("file"), nullptr);
  EXPECT_EQ(form->find("file")->data, kFileContent);
  EXPECT_EQ(form->find("file")->content_type, "audio/wav");
  EXPECT_EQ(form->find("model")->data, "whisper-1");
  EXPECT_EQ(form->find("missing"), nullptr);
}

TEST(ParseMultipartForm, OtherContentTypesAreUnsupported) {
  auto json = parse_multipart_form("application/json", "{}", {});
  auto urlencoded = parse_multipart_form("application/x-www-form-urlencoded", "a=b", {});

  ASSERT_FALSE(json);
  EXPECT_EQ(json.error().code, ErrorCode::unsupported_media_type);
  EXPECT_EQ(http_status(json.error().code), 415u);
  ASSERT_FALSE(urlencoded);
  EXPECT_EQ(urlencoded.error().code, ErrorCode::unsupported_media_type);
}

TEST(ParseMultipartForm, MissingBoundaryIsInvalid) {
  auto form = parse_multipart_form("multipart/form-data", closing(), {});

  ASSERT_FALSE(form);
  EXPECT_EQ(form.error().code, ErrorCode::invalid_field);
}

TEST(MultipartBuilder, WritesTheWireFormat) {
  MultipartBuilder builder("b");
  builder.add_field("a", "1");
  builder.add_file("f", "x.txt", "", "hi");

  EXPECT_EQ(builder.content_type(), "multipart/form-data; boundary=b");
  EXPECT_EQ(std::move(builder).finish(),
            "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
            "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.txt\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\nhi\r\n"
            "--b--\r\n");
}

TEST(MultipartBuilder, RoundTripsThroughTheParser) {
  std::string audio = "RIFF\0\r\n--\r\n\xff"s + std::string(1000, '\0');
  MultipartBuilder builder;
  builder.add_field("model", "whisper-1");
  builder.add_field("prompt", "line one\r\nline two\n");
  builder.add_file("file", "speech \xC3\xA9t\xC3\xA9.wav", "audio/wav", audio);
  builder.add_field("empty", "");
  std::string content_type = builder.content_type();

  auto form = parse_multipart_form(content_type, std::move(builder).finish(), {});

  ASSERT_TRUE(form) << form.error().message;
  ASSERT_EQ(form->fields.size(), 4u);
  EXPECT_EQ(form->fields[0].data, "whisper-1");
  EXPECT_EQ(form->fields[1].data, "line one\r\nline two\n");
  EXPECT_EQ(form->fields[2].filename, "speech \xC3\xA9t\xC3\xA9.wav");
  EXPECT_EQ(form->fields[2].content_type, "audio/wav");
  EXPECT_EQ(form->fields[2].data, audio);
  EXPECT_EQ(form->fields[3].name, "empty");
  EXPECT_EQ(form->fields[3].data, "");
}

TEST(MultipartBuilder, EscapesNamesAndFilenames) {
  MultipartBuilder builder("b");
  builder.add_file("a\"b\\c", "evil\r\nContent-Type: text/html\".txt", "text/plain\r\nX: 1", "v");
  std::string content_type = builder.content_type();
  std::string body = std::move(builder).finish();

  auto form = parse_multipart_form(content_type, body, {});

  EXPECT_NE(body.find("name=\"a\\\"b\\\\c\""), std::string::npos);
  ASSERT_TRUE(form) << form.error().message;
  ASSERT_EQ(form->fields.size(), 1u);
  EXPECT_EQ(form->fields[0].name, "a\"b\\c");
  EXPECT_EQ(form->fields[0].filename, "evil%0D%0AContent-Type: text/html\".txt");
  EXPECT_EQ(form->fields[0].content_type, "text/plainX: 1");
}

TEST(MultipartBuilder, RandomBoundariesAreValidAndDistinct) {
  MultipartBuilder first;
  MultipartBuilder second;

  auto boundary = multipart_boundary(first.content_type());

  ASSERT_TRUE(boundary);
  EXPECT_EQ(boundary->size(), 38u);
  EXPECT_NE(first.content_type(), second.content_type());
}

TEST(MultipartBuilder, QuotesABoundaryThatIsNotAToken) {
  MultipartBuilder builder("a b:c");
  builder.add_field("x", "y");
  std::string content_type = builder.content_type();

  auto form = parse_multipart_form(content_type, std::move(builder).finish(), {});

  EXPECT_EQ(content_type, "multipart/form-data; boundary=\"a b:c\"");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->find("x")->data, "y");
}

}  // namespace
}  // namespace veyra::http
