#include "accounts/email.h"

#include <gtest/gtest.h>

namespace veyra::accounts {
namespace {

TEST(NormalizeEmail, TrimsAndLowerCasesTheDomain) {
  EXPECT_EQ(normalize_email("  Ann.Lee@Example.COM \n"), "Ann.Lee@example.com");
  EXPECT_EQ(normalize_email("user@localhost"), "user@localhost");
}

TEST(NormalizeEmail, RejectsImplausibleAddresses) {
  for (std::string_view bad : {"", "plain", "@x.io", "ann@", "a b@x.io", "ann@.x.io", "ann@x.io.",
                               "ann@x..io", "ann@-x.io", "a@b@c"}) {
    EXPECT_EQ(normalize_email(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(normalize_email(std::string(250, 'a') + "@x.io"), std::nullopt);
}

TEST(EmailKey, IgnoresCase) {
  EXPECT_EQ(email_key("Ann@Example.com"), email_key("ann@EXAMPLE.COM"));
}

}  // namespace
}  // namespace veyra::accounts
