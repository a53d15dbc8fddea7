#include "core/ids.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

namespace veyra {
namespace {

TEST(NewId, HasPrefixAndBase62Tail) {
  std::string id = new_id("usr_");

  ASSERT_EQ(id.size(), 4u + 22u);
  EXPECT_EQ(id.substr(0, 4), "usr_");
  for (char c : id.substr(4)) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << id;
}

TEST(NewId, DoesNotRepeat) {
  std::set<std::string> seen;

  for (int i = 0; i < 10000; ++i) seen.insert(new_id("req_"));

  EXPECT_EQ(seen.size(), 10000u);
}

TEST(ValidRequestId, AcceptsTheContractAlphabet) {
  EXPECT_TRUE(valid_request_id("abc-DEF_123.x"));
  EXPECT_TRUE(valid_request_id(std::string(128, 'a')));
}

TEST(ValidRequestId, RejectsEverythingElse) {
  EXPECT_FALSE(valid_request_id(""));
  EXPECT_FALSE(valid_request_id(std::string(129, 'a')));
  EXPECT_FALSE(valid_request_id("has space"));
  EXPECT_FALSE(valid_request_id("new\nline"));
  EXPECT_FALSE(valid_request_id("slash/"));
  EXPECT_FALSE(valid_request_id("caf\xc3\xa9"));
}

}  // namespace
}  // namespace veyra

namespace veyra {
namespace {

TEST(SortableId, HasThePrefixAndTwentyTwoBase62Characters) {
  std::string id = sortable_id("usg_");

  ASSERT_EQ(id.size(), 4u + 22u);
  EXPECT_EQ(id.substr(0, 4), "usg_");
  for (char c : id.substr(4)) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << id;
}

TEST(SortableId, LaterIdsSortAfterEarlierOnes) {
  std::string first = sortable_id("x");
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  std::string second = sortable_id("x");

  EXPECT_LT(first, second);
  EXPECT_LT(first.substr(0, 10), second.substr(0, 10));
}

TEST(SortableId, IdsOfTheSameMillisecondDiffer) {
  std::set<std::string> ids;
  for (int i = 0; i < 10000; ++i) ids.insert(sortable_id(""));

  EXPECT_EQ(ids.size(), 10000u);
}

}  // namespace
}  // namespace veyra
