#include "http/sse.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace veyra::http {
namespace {

const std::string kBom = "\xEF\xBB\xBF";

struct Outcome {
  std::vector<SseEvent> events;
  bool partial = false;
  bool failed = false;
};

bool same_event(const SseEvent& a, const SseEvent& b) {
  return a.event == b.event && a.data == b.data && a.id == b.id;
}

bool operator==(const Outcome& a, const Outcome& b) {
  return std::equal(a.events.begin(), a.events.end(), b.events.begin(), b.events.end(),
                    same_event) &&
         a.partial == b.partial && a.failed == b.failed;
}

void drain(SseParser& parser, Outcome& outcome) {
  while (auto event = parser.next()) outcome.events.push_back(std::move(*event));
}

// Feeds `stream` cut at each of `cuts` (ascending offsets), draining after every feed.
Outcome parse(std::string_view stream, const std::vector<std::size_t>& cuts = {},
              std::size_t max_event_bytes = 4 * 1024 * 1024) {
  SseParser parser(max_event_bytes);
  Outcome outcome;
  std::size_t start = 0;
  for (std::size_t cut : cuts) {
    parser.feed(stream.substr(start, cut - start));
    drain(parser, outcome);
    start = cut;
  }
  parser.feed(stream.substr(start));
  drain(parser, outcome);
  outcome.partial = parser.has_partial_event();
  outcome.failed = parser.failed();
  return outcome;
}

Outcome parse_bytewise(std::string_view stream, std::size_t max_event_bytes = 4 * 1024 * 1024) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < stream.size(); ++i) cuts.push_back(i);
  return parse(stream, cuts, max_event_bytes);
}

std::vector<std::string> datas(const Outcome& outcome) {
  std::vector<std::string> out;
  for (const SseEvent& event : outcome.events) out.push_back(event.data);
  return out;
}

// A stream using every rule: BOM, all three line endings, comments, named events, ids,
// retry, unknown fields, fields without colon, an event without data and a trailing partial.
const std::string kMixedStream = kBom +
                                 ": keep-alive\r\n"
                                 "retry: 3000\n"
                                 "event: delta\r"
                                 "id: 7\r\n"
                                 "data: {\"a\":1}\n"
                                 "data:second\r"
                                 "\r\n"
                                 "event: ignored-without-data\n"
                                 "\n"
                                 "data\n"
                                 "unknown: x\n"
                                 "\r"
                                 "data:  two spaces\r\n"
                                 "id\n"
                                 "\n"
                                 "event: done\n"
                                 "data: [DONE]\n"
                                 "\n"
                                 "data: cut off";

TEST(SseParser, DataLinesAreJoinedWithNewlines) {
  Outcome outcome = parse("data: a\ndata: b\ndata: c\n\n");

  ASSERT_EQ(outcome.events.size(), 1u);
  EXPECT_EQ(outcome.events[0].data, "a\nb\nc");
  EXPECT_EQ(outcome.events[0].event, "");
  EXPECT_FALSE(outcome.partial);
}

TEST(SseParser, OnlyOneSpaceAfterTheColonIsRemoved) {
  Outcome outcome = parse("data:x\n\ndata: x\n\ndata:  x\n\ndata:\tx\n\n");

  EXPECT_EQ(datas(outcome), (std::vector<std::string>{"x", "x", " x", "\tx"}));
}

TEST(SseParser, LfCrLfAndCrEndLinesAlike) {
  Outcome lf = parse("data: a\ndata: b\n\n");
  Outcome crlf = parse("data: a\r\ndata: b\r\n\r\n");
  Outcome cr = parse("data: a\rdata: b\r\r");

  EXPECT_EQ(datas(lf), std::vector<std::string>{"a\nb"});
  EXPECT_EQ(crlf, lf);
  EXPECT_EQ(cr, lf);
}

TEST(SseParser, CommentsAreIgnored) {
  Outcome outcome = parse(": ping\ndata: a\n:data: b\n\n:\n\n");

  EXPECT_EQ(datas(outcome), std::vector<std::string>{"a"});
}

TEST(SseParser, EventWithoutDataIsDiscardedWithItsName) {
  Outcome outcome = parse("event: ping\n\ndata: x\n\n");

  ASSERT_EQ(outcome.events.size(), 1u);
  EXPECT_EQ(outcome.events[0].event, "");
  EXPECT_EQ(outcome.events[0].data, "x");
}

TEST(SseParser, FieldWithoutColonHasAnEmptyValue) {
  Outcome outcome = parse("data\n\ndata\ndata\n\n");

  EXPECT_EQ(datas(outcome), (std::vector<std::string>{"", "\n"}));
}

TEST(SseParser, EventNameAndIdAreKept) {
  Outcome outcome = parse("event: delta\nid: 42\ndata: x\n\n");

  ASSERT_EQ(outcome.events.size(), 1u);
  EXPECT_EQ(outcome.events[0].event, "delta");
  EXPECT_EQ(outcome.events[0].id, "42");
}

TEST(SseParser, IdPersistsAcrossEventsUntilChanged) {
  Outcome outcome = parse("id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n");

  ASSERT_EQ(outcome.events.size(), 3u);
  EXPECT_EQ(outcome.events[0].id, "1");
  EXPECT_EQ(outcome.events[1].id, "1");
  EXPECT_EQ(outcome.events[2].id, "");
}

TEST(SseParser, IdContainingNulIsIgnored) {
  using namespace std::string_literals;

  Outcome outcome = parse("id: 1\nid: 2\0x\ndata: a\n\n"s);

  ASSERT_EQ(outcome.events.size(), 1u);
  EXPECT_EQ(outcome.events[0].id, "1");
}

TEST(SseParser, RetryUnknownAndMiscasedFieldsAreIgnored) {
  Outcome outcome = parse("retry: 10\nfoo: bar\nData: no\nEVENT: no\ndata: yes\n\n");

  ASSERT_EQ(outcome.events.size(), 1u);
  EXPECT_EQ(outcome.events[0].data, "yes");
  EXPECT_EQ(outcome.events[0].event, "");
}

TEST(SseParser, LeadingBomIsSkippedOnce) {
  Outcome one = parse(kBom + "data: a\n\n");
  Outcome two = parse(kBom + kBom + "data: a\n\n");

  EXPECT_EQ(datas(one), std::vector<std::string>{"a"});
  EXPECT_TRUE(two.events.empty());
}

TEST(SseParser, BomPrefixThatIsNotABomStaysContent) {
  const std::string stream = kBom.substr(0, 2) + "data: a\n\ndata: b\n\n";

  Outcome outcome = parse(stream);

  EXPECT_EQ(datas(outcome), std::vector<std::string>{"b"});
  EXPECT_EQ(parse_bytewise(stream), outcome);
}

TEST(SseParser, EventsComeOutInOrderThenNullopt) {
  SseParser parser;

  ASSERT_TRUE(parser.feed("data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4"));

  EXPECT_EQ(parser.next()->data, "1");
  EXPECT_EQ(parser.next()->data, "2");
  EXPECT_EQ(parser.next()->data, "3");
  EXPECT_FALSE(parser.next().has_value());
  ASSERT_TRUE(parser.feed("\n\n"));
  EXPECT_EQ(parser.next()->data, "4");
  EXPECT_FALSE(parser.next().has_value());
}

TEST(SseParser, MixedStreamGivesTheSpecifiedEvents) {
  Outcome outcome = parse(kMixedStream);

  ASSERT_EQ(outcome.events.size(), 4u);
  EXPECT_EQ(outcome.events[0].event, "delta");
  EXPECT_EQ(outcome.events[0].id, "7");
  EXPECT_EQ(outcome.events[0].data, "{\"a\":1}\nsecond");
  EXPECT_EQ(outcome.events[1].event, "");
  EXPECT_EQ(outcome.events[1].data, "");
  EXPECT_EQ(outcome.events[2].data, " two spaces");
  EXPECT_EQ(outcome.events[2].id, "");
  EXPECT_EQ(outcome.events[3].event, "done");
  EXPECT_EQ(outcome.events[3].data, "[DONE]");
  EXPECT_TRUE(outcome.partial);
}

TEST(SseParser, SameEventsWhereverTheStreamIsSplit) {
  Outcome whole = parse(kMixedStream);

  for (std::size_t cut = 0; cut <= kMixedStream.size(); ++cut) {
    EXPECT_EQ(parse(kMixedStream, {cut}), whole) << "split at " << cut;
  }
  EXPECT_EQ(parse_bytewise(kMixedStream), whole);
}

TEST(SseParser, SameEventsForEveryThreeWaySplit) {
  const std::string stream = kBom + "data: a\r\n\r\nevent: e\rdata:b\r\r: c\ndata";
  Outcome whole = parse(stream);

  for (std::size_t i = 0; i <= stream.size(); ++i) {
    for (std::size_t j = i; j <= stream.size(); ++j) {
      ASSERT_EQ(parse(stream, {i, j}), whole) << "split at " << i << ", " << j;
    }
  }
}

TEST(SseParser, CrAtTheEndOfAPieceAndLfAtTheStartOfTheNextAreOneLineEnd) {
  SseParser parser;

  parser.feed("data: a\r");
  parser.feed("\ndata: b\r");
  parser.feed("\n\r");
  parser.feed("\n");

  EXPECT_EQ(parser.next()->data, "a\nb");
  EXPECT_FALSE(parser.next().has_value());
  EXPECT_FALSE(parser.has_partial_event());
}

TEST(SseParser, ReportsAnUnterminatedEvent) {
  EXPECT_TRUE(parse("data: x\n").partial);
  EXPECT_TRUE(parse("data: x").partial);
  EXPECT_TRUE(parse("event: x\n").partial);
  EXPECT_TRUE(parse("da").partial);
  EXPECT_FALSE(parse("data: x\n\n").partial);
  EXPECT_FALSE(parse(": comment").partial);
  EXPECT_FALSE(parse("").partial);
}

TEST(SseParser, UnterminatedEventIsNotDispatched) {
  Outcome outcome = parse("data: a\n\ndata: b\n");

  EXPECT_EQ(datas(outcome), std::vector<std::string>{"a"});
}

TEST(SseParser, EventBeyondTheLimitFailsAndStaysFailed) {
  SseParser parser(16);

  EXPECT_TRUE(parser.feed("data: small\n\n"));
  EXPECT_FALSE(parser.feed("data: 0123456789\ndata: 0123456789\n\n"));
  EXPECT_TRUE(parser.failed());
  EXPECT_FALSE(parser.feed("data: x\n\n"));

  EXPECT_EQ(parser.next()->data, "small");
  EXPECT_FALSE(parser.next().has_value());
}

TEST(SseParser, UnterminatedLineBeyondTheLimitFails) {
  SseParser parser(64);

  EXPECT_TRUE(parser.feed(std::string(64, 'x')));
  EXPECT_FALSE(parser.feed("y"));
}

TEST(SseParser, LongCommentsCountWhileRead) {
  EXPECT_TRUE(parse(":" + std::string(100, 'c') + "\n", {}, 100).failed);
  EXPECT_FALSE(parse(":" + std::string(98, 'c') + "\ndata: x\n\n", {}, 100).failed);
}

TEST(SseParser, LimitOutcomeDoesNotDependOnTheSplit) {
  const std::string stream = "data: 0123\n\ndata: 01234567\ndata: 0123\n\n:" + std::string(20, 'c');

  for (std::size_t limit : {12u, 16u, 20u, 21u, 22u, 30u}) {
    Outcome whole = parse(stream, {}, limit);
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
      EXPECT_EQ(parse(stream, {cut}, limit), whole) << "limit " << limit << " split " << cut;
    }
  }
}

TEST(SseParser, LargeEventWithinTheLimitPasses) {
  std::string big(1 << 20, 'x');

  Outcome outcome = parse("data: " + big + "\n\n", {1000, 500'000});

  ASSERT_EQ(outcome.events.size(), 1u);
  EXPECT_EQ(outcome.events[0].data, big);
}

TEST(FormatSseEvent, WritesDataLinesAndABlankLine) {
  EXPECT_EQ(format_sse_event("hello"), "data: hello\n\n");
  EXPECT_EQ(format_sse_event(""), "data: \n\n");
  EXPECT_EQ(format_sse_event("a\nb"), "data: a\ndata: b\n\n");
  EXPECT_EQ(format_sse_event("a\r\nb\rc\n"), "data: a\ndata: b\ndata: c\ndata: \n\n");
}

TEST(FormatSseEvent, WritesTheEventNameFirst) {
  EXPECT_EQ(format_sse_event("{}", "response.created"), "event: response.created\ndata: {}\n\n");
  EXPECT_EQ(format_sse_event("x", "bad\r\nname"), "event: badname\ndata: x\n\n");
}

TEST(FormatSseEvent, ParsesBackToTheSameEvent) {
  const std::vector<std::string> values = {"",   "x",      " leading space",  "a\nb",
                                           "\n", "a\n\nb", ": not a comment", "data: nested"};

  for (const std::string& value : values) {
    Outcome outcome = parse(format_sse_event(value, "name"));

    ASSERT_EQ(outcome.events.size(), 1u) << value;
    EXPECT_EQ(outcome.events[0].data, value);
    EXPECT_EQ(outcome.events[0].event, "name");
  }
}

}  // namespace
}  // namespace veyra::http
