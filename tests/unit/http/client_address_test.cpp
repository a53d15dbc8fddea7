#include "http/client_address.h"

#include <gtest/gtest.h>

namespace veyra::http {
namespace {

std::vector<Cidr> ranges(std::initializer_list<std::string_view> texts) {
  std::vector<Cidr> out;
  for (auto text : texts) out.push_back(*Cidr::parse(text));
  return out;
}

TEST(ClientAddress, PeerWhenNoProxyIsTrusted) {
  EXPECT_EQ(client_address("203.0.113.9", "198.51.100.1", {}), "203.0.113.9");
}

TEST(ClientAddress, PeerWhenPeerIsNotTrusted) {
  auto trusted = ranges({"10.0.0.0/8"});

  EXPECT_EQ(client_address("203.0.113.9", "198.51.100.1", trusted), "203.0.113.9");
}

TEST(ClientAddress, RightmostUntrustedForwardedEntry) {
  auto trusted = ranges({"10.0.0.0/8", "127.0.0.1"});

  std::string address = client_address("127.0.0.1", "1.1.1.1, 198.51.100.7, 10.1.2.3", trusted);

  EXPECT_EQ(address, "198.51.100.7");
}

TEST(ClientAddress, SpoofedLeftEntriesAreIgnored) {
  auto trusted = ranges({"127.0.0.1"});

  EXPECT_EQ(client_address("127.0.0.1", "6.6.6.6,198.51.100.7", trusted), "198.51.100.7");
}

TEST(ClientAddress, GarbageEntryStopsTheWalk) {
  auto trusted = ranges({"127.0.0.1", "10.0.0.0/8"});

  EXPECT_EQ(client_address("127.0.0.1", "198.51.100.7, not-an-ip, 10.0.0.5", trusted), "10.0.0.5");
}

TEST(ClientAddress, AllTrustedGivesTheLeftmost) {
  auto trusted = ranges({"127.0.0.1", "10.0.0.0/8"});

  EXPECT_EQ(client_address("127.0.0.1", "10.0.0.9, 10.0.0.5", trusted), "10.0.0.9");
}

TEST(ClientAddress, Ipv6Peer) {
  auto trusted = ranges({"::1/128"});

  EXPECT_EQ(client_address("::1", "2001:db8::7", trusted), "2001:db8::7");
}

}  // namespace
}  // namespace veyra::http
