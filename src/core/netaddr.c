/* Which addresses a webhook may reach. See netaddr.h. */
#include "core/netaddr.h"

#include <string.h>

/* Whether the first `bits` bits of a equal those of prefix. */
static bool in_prefix(const unsigned char *a, const unsigned char *prefix, int bits) {
  int whole = bits / 8, rest = bits % 8;
  if (memcmp(a, prefix, (size_t)whole) != 0) return false;
  if (!rest) return true;
  unsigned char mask = (unsigned char)(0xff << (8 - rest));
  return (a[whole] & mask) == (prefix[whole] & mask);
}

struct range {
  unsigned char prefix[16];
  int bits;
  enum fp_addr_class cls;
};

/* IANA's IPv4 special-purpose address registry (RFC 6890 and after), most specific first where they nest. */
static const struct range v4[] = {
    {{0}, 8, FP_ADDR_UNSPECIFIED},
    {{10}, 8, FP_ADDR_PRIVATE},
    {{100, 64}, 10, FP_ADDR_CGNAT},
    {{127}, 8, FP_ADDR_LOOPBACK},
    {{169, 254}, 16, FP_ADDR_LINK_LOCAL},
    {{172, 16}, 12, FP_ADDR_PRIVATE},
    {{192, 0, 0}, 24, FP_ADDR_RESERVED},     /* IETF protocol assignments */
    {{192, 0, 2}, 24, FP_ADDR_RESERVED},     /* TEST-NET-1 */
    {{192, 31, 196}, 24, FP_ADDR_RESERVED},  /* AS112 */
    {{192, 52, 193}, 24, FP_ADDR_RESERVED},  /* AMT */
    {{192, 88, 99}, 24, FP_ADDR_RESERVED},   /* deprecated 6to4 relay anycast */
    {{192, 168}, 16, FP_ADDR_PRIVATE},
    {{192, 175, 48}, 24, FP_ADDR_RESERVED},  /* direct delegation AS112 */
    {{198, 18}, 15, FP_ADDR_RESERVED},       /* benchmarking */
    {{198, 51, 100}, 24, FP_ADDR_RESERVED},  /* TEST-NET-2 */
    {{203, 0, 113}, 24, FP_ADDR_RESERVED},   /* TEST-NET-3 */
    {{224}, 4, FP_ADDR_MULTICAST},
    {{240}, 4, FP_ADDR_RESERVED},            /* future use, and 255.255.255.255 broadcast */
};

/* IPv6 (RFC 6890, 4291, 4193): the ranges that carry an IPv4 address are handled before these. */
static const struct range v6[] = {
    {{0x01, 0x00}, 64, FP_ADDR_RESERVED},                          /* discard-only */
    {{0x20, 0x01, 0x0d, 0xb8}, 32, FP_ADDR_RESERVED},              /* documentation */
    {{0x20, 0x01, 0x00, 0x02, 0x00, 0x00}, 48, FP_ADDR_RESERVED},  /* benchmarking */
    {{0x20, 0x01, 0x00, 0x00}, 32, FP_ADDR_RESERVED},              /* Teredo: the address hides another */
    {{0x20, 0x01, 0x00, 0x10}, 28, FP_ADDR_RESERVED},              /* ORCHID */
    {{0x20, 0x01, 0x00, 0x20}, 28, FP_ADDR_RESERVED},              /* ORCHIDv2 */
    {{0x3f, 0xff}, 20, FP_ADDR_RESERVED},                          /* documentation (RFC 9637) */
    {{0x5f, 0x00}, 16, FP_ADDR_RESERVED},                          /* segment routing SIDs */
    {{0xfc}, 7, FP_ADDR_PRIVATE},                                  /* unique local */
    {{0xfe, 0x80}, 10, FP_ADDR_LINK_LOCAL},
    {{0xfe, 0xc0}, 10, FP_ADDR_PRIVATE},                           /* site-local (deprecated) */
    {{0xff}, 8, FP_ADDR_MULTICAST},
};

enum fp_addr_class fp_addr_classify_v4(const unsigned char a[4]) {
  for (size_t i = 0; i < sizeof v4 / sizeof v4[0]; i++)
    if (in_prefix(a, v4[i].prefix, v4[i].bits)) return v4[i].cls;
  return FP_ADDR_PUBLIC;
}

enum fp_addr_class fp_addr_classify_v6(const unsigned char a[16]) {
  static const unsigned char zero[16] = {0};
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  static const unsigned char nat64[12] = {0x00, 0x64, 0xff, 0x9b};
  static const unsigned char nat64_local[6] = {0x00, 0x64, 0xff, 0x9b, 0x00, 0x01}; /* 64:ff9b:1::/48 */
  if (memcmp(a, zero, 15) == 0 && a[15] == 0) return FP_ADDR_UNSPECIFIED;
  if (memcmp(a, zero, 15) == 0 && a[15] == 1) return FP_ADDR_LOOPBACK;
  if (memcmp(a, mapped, 12) == 0 || memcmp(a, nat64, 12) == 0) return fp_addr_classify_v4(a + 12);
  if (memcmp(a, zero, 12) == 0) { /* IPv4-compatible (deprecated): never a route of its own */
    enum fp_addr_class c = fp_addr_classify_v4(a + 12);
    return c == FP_ADDR_PUBLIC ? FP_ADDR_RESERVED : c;
  }
  if (memcmp(a, zero, 8) == 0) return FP_ADDR_RESERVED; /* the rest of ::/64 (e.g. ::ffff:0:a.b.c.d) */
  if (in_prefix(a, nat64_local, 48)) return FP_ADDR_PRIVATE;
  if (a[0] == 0x20 && a[1] == 0x02) { /* 6to4: 2002:AABB:CCDD::/48 is the IPv4 address AA.BB.CC.DD */
    enum fp_addr_class c = fp_addr_classify_v4(a + 2);
    if (c != FP_ADDR_PUBLIC) return c;
  }
  for (size_t i = 0; i < sizeof v6 / sizeof v6[0]; i++)
    if (in_prefix(a, v6[i].prefix, v6[i].bits)) return v6[i].cls;
  /* Global unicast is 2000::/3; everything else is unassigned. */
  return (a[0] & 0xe0) == 0x20 ? FP_ADDR_PUBLIC : FP_ADDR_RESERVED;
}

const char *fp_addr_class_name(enum fp_addr_class c) {
  switch (c) {
  case FP_ADDR_PUBLIC: return "public";
  case FP_ADDR_LOOPBACK: return "loopback";
  case FP_ADDR_PRIVATE: return "private";
  case FP_ADDR_LINK_LOCAL: return "link_local";
  case FP_ADDR_CGNAT: return "cgnat";
  case FP_ADDR_MULTICAST: return "multicast";
  case FP_ADDR_UNSPECIFIED: return "unspecified";
  case FP_ADDR_RESERVED: return "reserved";
  }
  return "reserved";
}

const char *fp_addr_class_text(enum fp_addr_class c) {
  switch (c) {
  case FP_ADDR_PUBLIC: return "a public address";
  case FP_ADDR_LOOPBACK: return "a loopback address (this machine)";
  case FP_ADDR_PRIVATE: return "a private network address";
  case FP_ADDR_LINK_LOCAL: return "a link-local address";
  case FP_ADDR_CGNAT: return "a carrier-grade NAT (shared) address";
  case FP_ADDR_MULTICAST: return "a multicast address";
  case FP_ADDR_UNSPECIFIED: return "an unspecified address";
  case FP_ADDR_RESERVED: return "a reserved address";
  }
  return "a reserved address";
}
