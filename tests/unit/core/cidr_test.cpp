#include "core/cidr.h"

#include <gtest/gtest.h>

namespace veyra {
namespace {

IpAddress address(std::string_view text) {
  std::optional<IpAddress> parsed = IpAddress::parse(text);
  EXPECT_TRUE(parsed) << text;
  return parsed.value_or(IpAddress{});
}

Cidr range(std::string_view text) {
  std::optional<Cidr> parsed = Cidr::parse(text);
  EXPECT_TRUE(parsed) << text;
  return parsed.value_or(Cidr{});
}

TEST(IpAddress, Ipv4IsStoredMapped) {
  IpAddress parsed = address("192.168.1.20");

  std::array<std::uint8_t, 16> expected{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 1, 20};
  EXPECT_EQ(parsed.bytes, expected);
}

TEST(IpAddress, MappedIpv6TextEqualsIpv4) {
  IpAddress mapped = address("::ffff:10.0.0.1");
  IpAddress v4 = address("10.0.0.1");

  EXPECT_EQ(mapped.bytes, v4.bytes);
}

TEST(IpAddress, Ipv6IsStoredAsIs) {
  IpAddress parsed = address("2001:db8::1");

  EXPECT_EQ(parsed.bytes[0], 0x20);
  EXPECT_EQ(parsed.bytes[1], 0x01);
  EXPECT_EQ(parsed.bytes[2], 0x0d);
  EXPECT_EQ(parsed.bytes[3], 0xb8);
  EXPECT_EQ(parsed.bytes[15], 0x01);
}

TEST(IpAddress, RejectsMalformedText) {
  const std::string_view cases[] = {
      "",         "1.2.3",       "1.2.3.256",         "1.2.3.4.5",    "[::1]",      "::1 ",
      " 1.2.3.4", "example.com", "1:2:3:4:5:6:7:8:9", "fe80::1%eth0", "1.2.3.4/32",
  };

  for (std::string_view text : cases) {
    EXPECT_EQ(IpAddress::parse(text), std::nullopt) << text;
  }
}

TEST(Cidr, Ipv4PrefixIsCountedOnSixteenBytes) {
  Cidr parsed = range("10.1.0.0/16");

  EXPECT_EQ(parsed.prefix_bits, 112u);
  EXPECT_EQ(parsed.text, "10.1.0.0/16");
}

TEST(Cidr, BareAddressIsAHostRoute) {
  Cidr v4 = range("10.0.0.7");
  Cidr v6 = range("::1");

  EXPECT_EQ(v4.prefix_bits, 128u);
  EXPECT_EQ(v6.prefix_bits, 128u);
  EXPECT_TRUE(v4.contains(address("10.0.0.7")));
  EXPECT_FALSE(v4.contains(address("10.0.0.8")));
  EXPECT_TRUE(v6.contains(address("::1")));
}

TEST(Cidr, HostBitsAreMasked) {
  Cidr parsed = range("10.1.2.3/8");

  EXPECT_EQ(parsed.network.bytes, address("10.0.0.0").bytes);
  EXPECT_TRUE(parsed.contains(address("10.255.255.255")));
}

TEST(Cidr, ContainsIpv4Addresses) {
  Cidr parsed = range("192.168.0.0/22");

  EXPECT_TRUE(parsed.contains(address("192.168.0.1")));
  EXPECT_TRUE(parsed.contains(address("192.168.3.255")));
  EXPECT_FALSE(parsed.contains(address("192.168.4.0")));
  EXPECT_FALSE(parsed.contains(address("10.0.0.1")));
}

TEST(Cidr, ContainsIpv6Addresses) {
  Cidr parsed = range("2001:db8:abcd::/45");

  EXPECT_TRUE(parsed.contains(address("2001:db8:abc8::1")));
  EXPECT_TRUE(parsed.contains(address("2001:db8:abcf:ffff::1")));
  EXPECT_FALSE(parsed.contains(address("2001:db8:abd0::1")));
  EXPECT_FALSE(parsed.contains(address("10.0.0.1")));
}

TEST(Cidr, Ipv4RangeContainsMappedPeer) {
  Cidr parsed = range("10.0.0.0/8");

  EXPECT_TRUE(parsed.contains(address("::ffff:10.20.30.40")));
  EXPECT_FALSE(parsed.contains(address("::10.20.30.40")));
}

TEST(Cidr, ZeroPrefixContainsEverything) {
  Cidr any_v6 = range("::/0");
  Cidr any_v4 = range("0.0.0.0/0");

  EXPECT_TRUE(any_v6.contains(address("2001:db8::1")));
  EXPECT_TRUE(any_v6.contains(address("1.2.3.4")));
  EXPECT_TRUE(any_v4.contains(address("1.2.3.4")));
  EXPECT_FALSE(any_v4.contains(address("2001:db8::1")));
}

TEST(Cidr, RejectsMalformedText) {
  const std::string_view cases[] = {
      "",
      "/8",
      "10.0.0.0/",
      "10.0.0.0/33",
      "::/129",
      "10.0.0.0/-1",
      "10.0.0.0/+8",
      "10.0.0.0/8/8",
      "10.0.0.0/ 8",
      "10.0.0.0/0008",
      "[::1]/128",
      "nope/8",
  };

  for (std::string_view text : cases) {
    EXPECT_EQ(Cidr::parse(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace veyra
