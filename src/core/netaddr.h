/*
 * netaddr.h - which network addresses an outbound webhook may reach (issue 12): the public
 * Internet only, never this machine, a private network, a link, a shared carrier-grade NAT range,
 * a multicast group or an unspecified or reserved address. The decision is made on the address's
 * bytes as the system's resolver gave them (getaddrinfo, inet_pton: nothing here parses text), for
 * IPv4 and IPv6, looking through the IPv6 forms that carry an IPv4 address (IPv4-mapped
 * ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16), so that
 * ::ffff:127.0.0.1 is loopback like 127.0.0.1.
 *
 * Pure: no I/O, no allocation. Depends on nothing.
 */
#ifndef FP_CORE_NETADDR_H
#define FP_CORE_NETADDR_H

#include <stdbool.h>

enum fp_addr_class {
  FP_ADDR_PUBLIC = 0,  /* a global unicast address: the only class a webhook may reach */
  FP_ADDR_LOOPBACK,    /* 127.0.0.0/8, ::1 */
  FP_ADDR_PRIVATE,     /* 10/8, 172.16/12, 192.168/16, fc00::/7 (unique local), fec0::/10 (site-local) */
  FP_ADDR_LINK_LOCAL,  /* 169.254/16, fe80::/10 */
  FP_ADDR_CGNAT,       /* 100.64/10, shared address space (RFC 6598) */
  FP_ADDR_MULTICAST,   /* 224/4, ff00::/8 */
  FP_ADDR_UNSPECIFIED, /* 0.0.0.0/8 ("this network"), :: */
  FP_ADDR_RESERVED,    /* the other special-purpose ranges (IANA): 192.0.0/24, documentation, benchmarking,
                          240/4 and broadcast, 2001:db8::/32, 100::/64, 2001::/23 but for the Teredo, ... */
};
#define FP_ADDR_CLASSES 8

/* The class of the IPv4 address a (4 bytes, network order). */
enum fp_addr_class fp_addr_classify_v4(const unsigned char a[4]);
/* The class of the IPv6 address a (16 bytes, network order); an embedded IPv4 address is classed
   as that address (IPv4-mapped, IPv4-compatible, NAT64, 6to4). */
enum fp_addr_class fp_addr_classify_v6(const unsigned char a[16]);
/* "public", "loopback", "private", "link_local", "cgnat", "multicast", "unspecified", "reserved". */
const char *fp_addr_class_name(enum fp_addr_class c);
/* Words for a person: "a loopback address", "a private network address", ... */
const char *fp_addr_class_text(enum fp_addr_class c);

#endif
