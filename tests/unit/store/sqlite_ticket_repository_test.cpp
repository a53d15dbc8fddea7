#include "store/sqlite/sqlite_ticket_repository.h"

#include <gtest/gtest.h>

#include <memory>

#include "store/database.h"
#include "store_test_support.h"

namespace veyra::store {
namespace {

using testing::LogCapture;
using testing::TempDirectory;

class TicketRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DatabaseOptions options;
    options.url = dir_.sqlite_url("tickets.db");
    options.error_log = log_.sink();
    Result<std::unique_ptr<Database>> database = open_database(options);
    ASSERT_TRUE(database.ok());
    ASSERT_TRUE((*database)->migrate().ok());
    database_ = std::move(*database);
  }

  static TicketRecord ticket(std::string id, std::int64_t created_at) {
    TicketRecord record;
    record.id = std::move(id);
    record.email = "ann@example.io";
    record.subject = "Help";
    record.message = "My key stopped working.";
    record.created_at = created_at;
    return record;
  }

  TempDirectory dir_;
  LogCapture log_;
  std::unique_ptr<Database> database_;
};

TEST_F(TicketRepositoryTest, ListsTheNewestFirstWithinTheLimit) {
  TicketRecord full = ticket("tkt_b", 200);
  full.name = "Ann";
  full.category = "billing";
  full.client_ip = "10.0.0.1";
  ASSERT_TRUE(database_->tickets().create(ticket("tkt_a", 100)).ok());
  ASSERT_TRUE(database_->tickets().create(full).ok());
  ASSERT_TRUE(database_->tickets().create(ticket("tkt_c", 50)).ok());

  auto listed = database_->tickets().list_recent(2);

  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, "tkt_b");
  EXPECT_EQ((*listed)[0].name, "Ann");
  EXPECT_EQ((*listed)[0].category, "billing");
  EXPECT_EQ((*listed)[0].client_ip, "10.0.0.1");
  EXPECT_EQ((*listed)[0].status, "received");
  EXPECT_EQ((*listed)[1].id, "tkt_a");
  EXPECT_FALSE((*listed)[1].name.has_value());
}

TEST_F(TicketRepositoryTest, AnIdIsStoredOnce) {
  ASSERT_TRUE(database_->tickets().create(ticket("tkt_a", 100)).ok());

  EXPECT_FALSE(database_->tickets().create(ticket("tkt_a", 101)).ok());
}

}  // namespace
}  // namespace veyra::store
