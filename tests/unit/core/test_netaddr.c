/* test_netaddr.c - which addresses a webhook may reach: every special-purpose range of IPv4 and
   IPv6, the IPv6 forms that carry an IPv4 address, and the edges of each range. The addresses are
   turned into bytes by the C library's inet_pton, as the server's resolver hands them over. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/netaddr.h"

static enum fp_addr_class classify(const char *text) {
  unsigned char b[16];
  if (strchr(text, ':')) {
    if (inet_pton(AF_INET6, text, b) != 1) fail_msg("not an IPv6 address: %s", text);
    return fp_addr_classify_v6(b);
  }
  if (inet_pton(AF_INET, text, b) != 1) fail_msg("not an IPv4 address: %s", text);
  return fp_addr_classify_v4(b);
}

struct want {
  const char *addr;
  enum fp_addr_class cls;
};

static void check(const struct want *w, size_t n) {
  for (size_t i = 0; i < n; i++) {
    enum fp_addr_class got = classify(w[i].addr);
    if (got != w[i].cls)
      fail_msg("%s: %s, not %s", w[i].addr, fp_addr_class_name(got), fp_addr_class_name(w[i].cls));
  }
}

static void test_ipv4(void **state) {
  (void)state;
  static const struct want w[] = {
      {"0.0.0.0", FP_ADDR_UNSPECIFIED},       {"0.255.255.255", FP_ADDR_UNSPECIFIED},
      {"1.1.1.1", FP_ADDR_PUBLIC},            {"9.255.255.255", FP_ADDR_PUBLIC},
      {"10.0.0.0", FP_ADDR_PRIVATE},          {"10.255.255.255", FP_ADDR_PRIVATE},
      {"11.0.0.0", FP_ADDR_PUBLIC},           {"100.63.255.255", FP_ADDR_PUBLIC},
      {"100.64.0.0", FP_ADDR_CGNAT},          {"100.127.255.255", FP_ADDR_CGNAT},
      {"100.128.0.0", FP_ADDR_PUBLIC},        {"127.0.0.1", FP_ADDR_LOOPBACK},
      {"127.255.255.254", FP_ADDR_LOOPBACK},  {"128.0.0.0", FP_ADDR_PUBLIC},
      {"169.254.169.254", FP_ADDR_LINK_LOCAL}, {"169.253.255.255", FP_ADDR_PUBLIC},
      {"169.255.0.0", FP_ADDR_PUBLIC},        {"172.15.255.255", FP_ADDR_PUBLIC},
      {"172.16.0.0", FP_ADDR_PRIVATE},        {"172.31.255.255", FP_ADDR_PRIVATE},
      {"172.32.0.0", FP_ADDR_PUBLIC},         {"192.0.0.8", FP_ADDR_RESERVED},
      {"192.0.2.1", FP_ADDR_RESERVED},        {"192.0.3.0", FP_ADDR_PUBLIC},
      {"192.88.99.1", FP_ADDR_RESERVED},      {"192.167.255.255", FP_ADDR_PUBLIC},
      {"192.168.0.1", FP_ADDR_PRIVATE},       {"192.168.255.255", FP_ADDR_PRIVATE},
      {"192.169.0.0", FP_ADDR_PUBLIC},        {"198.17.255.255", FP_ADDR_PUBLIC},
      {"198.18.0.0", FP_ADDR_RESERVED},       {"198.19.255.255", FP_ADDR_RESERVED},
      {"198.20.0.0", FP_ADDR_PUBLIC},         {"198.51.100.7", FP_ADDR_RESERVED},
      {"203.0.113.9", FP_ADDR_RESERVED},      {"223.255.255.255", FP_ADDR_PUBLIC},
      {"224.0.0.1", FP_ADDR_MULTICAST},       {"239.255.255.255", FP_ADDR_MULTICAST},
      {"240.0.0.1", FP_ADDR_RESERVED},        {"255.255.255.255", FP_ADDR_RESERVED},
      {"8.8.8.8", FP_ADDR_PUBLIC},            {"81.2.69.160", FP_ADDR_PUBLIC},
  };
  check(w, sizeof w / sizeof w[0]);
}

static void test_ipv6(void **state) {
  (void)state;
  static const struct want w[] = {
      {"::", FP_ADDR_UNSPECIFIED},
      {"::1", FP_ADDR_LOOPBACK},
      {"::2", FP_ADDR_UNSPECIFIED}, /* IPv4-compatible 0.0.0.2 */
      {"2a00:1450:4009:81b::200e", FP_ADDR_PUBLIC},
      {"2606:4700:4700::1111", FP_ADDR_PUBLIC},
      {"fc00::", FP_ADDR_PRIVATE},
      {"fc00::1", FP_ADDR_PRIVATE},
      {"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", FP_ADDR_PRIVATE},
      {"fe80::1", FP_ADDR_LINK_LOCAL},
      {"febf:ffff::1", FP_ADDR_LINK_LOCAL},
      {"fec0::1", FP_ADDR_PRIVATE},
      {"ff02::1", FP_ADDR_MULTICAST},
      {"ff0e::101", FP_ADDR_MULTICAST},
      {"2001:db8::1", FP_ADDR_RESERVED},
      {"2001::1", FP_ADDR_RESERVED},
      {"100::1", FP_ADDR_RESERVED},
      {"3fff::1", FP_ADDR_RESERVED},
      {"4000::1", FP_ADDR_RESERVED}, /* outside 2000::/3: unassigned */
      {"1fff::1", FP_ADDR_RESERVED},
      /* IPv4 inside IPv6: classed as the IPv4 address. */
      {"::ffff:127.0.0.1", FP_ADDR_LOOPBACK},
      {"::ffff:7f00:1", FP_ADDR_LOOPBACK},
      {"::ffff:10.1.2.3", FP_ADDR_PRIVATE},
      {"::ffff:169.254.169.254", FP_ADDR_LINK_LOCAL},
      {"::ffff:192.168.1.1", FP_ADDR_PRIVATE},
      {"::ffff:0.0.0.0", FP_ADDR_UNSPECIFIED},
      {"::ffff:8.8.8.8", FP_ADDR_PUBLIC},
      {"::127.0.0.1", FP_ADDR_LOOPBACK},
      {"::8.8.8.8", FP_ADDR_RESERVED},
      {"::ffff:0:127.0.0.1", FP_ADDR_RESERVED},
      {"64:ff9b::127.0.0.1", FP_ADDR_LOOPBACK},
      {"64:ff9b::10.0.0.1", FP_ADDR_PRIVATE},
      {"64:ff9b::8.8.8.8", FP_ADDR_PUBLIC},
      {"64:ff9b:1::1", FP_ADDR_PRIVATE},
      {"2002:7f00:0001::1", FP_ADDR_LOOPBACK},
      {"2002:c0a8:0101::1", FP_ADDR_PRIVATE},
      {"2002:0808:0808::1", FP_ADDR_PUBLIC},
  };
  check(w, sizeof w / sizeof w[0]);
}

/* Every IPv4 address, written as IPv4-mapped IPv6 (and as NAT64), is in the class of the IPv4
   address itself: sampled across the whole space, and at each range's edges. */
static void test_mapped_agrees(void **state) {
  (void)state;
  srand(12);
  for (int i = 0; i < 200000; i++) {
    uint32_t x = (uint32_t)rand() ^ ((uint32_t)rand() << 16);
    if (i < 256) x = (uint32_t)i << 24;                      /* each /8's first address */
    else if (i < 512) x = ((uint32_t)(i - 256) << 24) | 0xffffffu; /* and its last */
    unsigned char v4[4] = {(unsigned char)(x >> 24), (unsigned char)(x >> 16), (unsigned char)(x >> 8), (unsigned char)x};
    unsigned char v6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    memcpy(v6 + 12, v4, 4);
    enum fp_addr_class c = fp_addr_classify_v4(v4);
    assert_int_equal(fp_addr_classify_v6(v6), c);
    unsigned char n64[16] = {0x00, 0x64, 0xff, 0x9b};
    memcpy(n64 + 12, v4, 4);
    assert_int_equal(fp_addr_classify_v6(n64), c);
  }
}

static void test_names(void **state) {
  (void)state;
  for (int c = 0; c < FP_ADDR_CLASSES; c++) {
    assert_non_null(fp_addr_class_name((enum fp_addr_class)c));
    assert_non_null(fp_addr_class_text((enum fp_addr_class)c));
  }
  assert_string_equal(fp_addr_class_name(FP_ADDR_CGNAT), "cgnat");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ipv4),
      cmocka_unit_test(test_ipv6),
      cmocka_unit_test(test_mapped_agrees),
      cmocka_unit_test(test_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
