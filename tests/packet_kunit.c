// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of kvs_parse_ipv4() and kvs_parse_ipv6() (core/packet.c):
 * packets built field by field, good ones for each transport (and, for
 * IPv6, extension header chains) and malformed ones of every kind the
 * parser must refuse, linear and with headers in page frags.
 */
#include <kunit/test.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/sctp.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "../core/packet.h"

#define SADDR	0xc6336407	/* 198.51.100.7 */
#define DADDR	0xc0000201	/* 192.0.2.1 */
#define SPORT	40000
#define DPORT	80
/* For the 4-bit fields whose 0 in a case means the usual value. */
#define ZERO	0xf0

struct packet_case {
	const char *desc;
	unsigned int l2;	/* bytes in front of the IP header */
	u8 version;		/* 0: 4 */
	u8 ihl;			/* 0: 5; ZERO: 0 */
	u8 protocol;
	u16 frag_off;		/* host order: IP_MF, IP_DF, offset */
	bool tot_zero;		/* tot_len 0 (BIG TCP) */
	int tot_adj;		/* added to the length actually built */
	unsigned int l4_len;	/* transport bytes built, header included */
	u8 doff;		/* TCP data offset; 0: 5; ZERO: 0 */
	unsigned int pad;	/* bytes after tot_len (link padding) */
	unsigned int cut;	/* if set, the skb ends after this many bytes */
	unsigned int linear;	/* if set, bytes after this go in a page */
	bool gso;
	/* expected */
	int err;
	bool fragment;
	bool ports;		/* sport/dport are SPORT/DPORT, else 0 */
};

static const struct packet_case packet_cases[] = {
	{ .desc = "tcp syn", .protocol = IPPROTO_TCP, .l4_len = 20,
	  .ports = true },
	{ .desc = "tcp with options (doff 8)", .protocol = IPPROTO_TCP,
	  .l4_len = 32, .doff = 8, .ports = true },
	{ .desc = "tcp with payload", .protocol = IPPROTO_TCP,
	  .l4_len = 20 + 1000, .ports = true },
	{ .desc = "tcp behind a 14-byte link header", .l2 = 14,
	  .protocol = IPPROTO_TCP, .l4_len = 20, .ports = true },
	{ .desc = "tcp header in a page fragment", .protocol = IPPROTO_TCP,
	  .l4_len = 20 + 100, .linear = 22, .ports = true },
	{ .desc = "ip header split across head and page",
	  .protocol = IPPROTO_UDP, .l4_len = 8 + 10, .linear = 10,
	  .ports = true },
	{ .desc = "ip options (ihl 6)", .ihl = 6, .protocol = IPPROTO_TCP,
	  .l4_len = 20, .ports = true },
	{ .desc = "ip options (ihl 15)", .ihl = 15, .protocol = IPPROTO_UDP,
	  .l4_len = 8, .ports = true },
	{ .desc = "udp", .protocol = IPPROTO_UDP, .l4_len = 8 + 4,
	  .ports = true },
	{ .desc = "udp header only", .protocol = IPPROTO_UDP, .l4_len = 8,
	  .ports = true },
	{ .desc = "udp with link padding after tot_len",
	  .protocol = IPPROTO_UDP, .l4_len = 8, .pad = 18, .ports = true },
	{ .desc = "sctp", .protocol = IPPROTO_SCTP, .l4_len = 12 + 16,
	  .ports = true },
	{ .desc = "sctp with one bare chunk header", .protocol = IPPROTO_SCTP,
	  .l4_len = 12 + 4, .ports = true },
	{ .desc = "icmp echo: no ports", .protocol = IPPROTO_ICMP,
	  .l4_len = 8 },
	{ .desc = "gre: no ports, nothing checked", .protocol = IPPROTO_GRE,
	  .l4_len = 2 },
	{ .desc = "first fragment (MF) has ports", .protocol = IPPROTO_TCP,
	  .frag_off = IP_MF, .l4_len = 20, .ports = true },
	{ .desc = "DF set", .protocol = IPPROTO_TCP, .frag_off = IP_DF,
	  .l4_len = 20, .ports = true },
	{ .desc = "non-first fragment: no ports", .protocol = IPPROTO_TCP,
	  .frag_off = 185, .l4_len = 8, .fragment = true },
	{ .desc = "last fragment of one byte", .protocol = IPPROTO_UDP,
	  .frag_off = 185, .l4_len = 1, .fragment = true },
	{ .desc = "middle fragment (MF and offset)", .protocol = IPPROTO_UDP,
	  .frag_off = IP_MF | 1, .l4_len = 4, .fragment = true },
	{ .desc = "BIG TCP: tot_len 0 on a GSO packet", .tot_zero = true,
	  .gso = true, .protocol = IPPROTO_TCP, .l4_len = 20 + 1000,
	  .ports = true },

	{ .desc = "truncated ip header", .protocol = IPPROTO_TCP,
	  .l4_len = 20, .cut = 12, .err = -EINVAL },
	{ .desc = "empty packet", .protocol = IPPROTO_TCP, .l4_len = 20,
	  .l2 = 14, .cut = 14, .err = -EINVAL },
	{ .desc = "ihl 4", .ihl = 4, .protocol = IPPROTO_TCP, .l4_len = 20,
	  .err = -EINVAL },
	{ .desc = "ihl 0", .ihl = ZERO, .protocol = IPPROTO_TCP,
	  .l4_len = 20, .err = -EINVAL },
	{ .desc = "version 6", .version = 6, .protocol = IPPROTO_TCP,
	  .l4_len = 20, .err = -EINVAL },
	{ .desc = "ihl past tot_len", .ihl = 8, .tot_adj = -24,
	  .protocol = IPPROTO_TCP, .l4_len = 20, .err = -EINVAL },
	{ .desc = "tot_len past the end of the skb", .tot_adj = 1,
	  .protocol = IPPROTO_TCP, .l4_len = 20, .err = -EINVAL },
	{ .desc = "tot_len past the end, fragment", .tot_adj = 100,
	  .frag_off = 185, .protocol = IPPROTO_TCP, .l4_len = 20,
	  .err = -EINVAL },
	{ .desc = "tot_len 0 on a packet that is not GSO", .tot_zero = true,
	  .protocol = IPPROTO_TCP, .l4_len = 20, .err = -EINVAL },
	{ .desc = "tcp doff 4", .doff = 4, .protocol = IPPROTO_TCP,
	  .l4_len = 20, .err = -EINVAL },
	{ .desc = "tcp doff 0", .doff = ZERO, .protocol = IPPROTO_TCP,
	  .l4_len = 20, .err = -EINVAL },
	{ .desc = "tcp doff 15 past the end", .doff = 15,
	  .protocol = IPPROTO_TCP, .l4_len = 40, .err = -EINVAL },
	{ .desc = "tcp options past tot_len, in link padding", .doff = 6,
	  .protocol = IPPROTO_TCP, .l4_len = 20, .pad = 4, .err = -EINVAL },
	{ .desc = "tcp header of 19 bytes", .protocol = IPPROTO_TCP,
	  .l4_len = 19, .err = -EINVAL },
	{ .desc = "tcp header cut by the skb, tot_len intact",
	  .protocol = IPPROTO_TCP, .l4_len = 20, .cut = 30, .err = -EINVAL },
	{ .desc = "udp of 7 bytes", .protocol = IPPROTO_UDP, .l4_len = 7,
	  .err = -EINVAL },
	{ .desc = "udp of 4 bytes with link padding after tot_len",
	  .protocol = IPPROTO_UDP, .l4_len = 4, .pad = 18, .err = -EINVAL },
	{ .desc = "sctp of 11 bytes", .protocol = IPPROTO_SCTP, .l4_len = 11,
	  .err = -EINVAL },
	{ .desc = "sctp common header and no chunk",
	  .protocol = IPPROTO_SCTP, .l4_len = 12, .err = -EINVAL },
	{ .desc = "sctp chunk header cut short", .protocol = IPPROTO_SCTP,
	  .l4_len = 12 + 3, .err = -EINVAL },
	{ .desc = "sctp chunk past tot_len, in link padding",
	  .protocol = IPPROTO_SCTP, .l4_len = 12, .pad = 18, .err = -EINVAL },
	{ .desc = "tcp with no transport bytes at all",
	  .protocol = IPPROTO_TCP, .l4_len = 0, .err = -EINVAL },
};

static void packet_case_desc(const struct packet_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(packet, packet_cases, packet_case_desc);

/* The transport header, as far as it fits in l4_len; then payload. */
static void packet_l4(const struct packet_case *c, u8 *l4)
{
	u8 hdr[60] = {};
	struct tcphdr *th = (struct tcphdr *)hdr;
	struct udphdr *uh = (struct udphdr *)hdr;
	struct sctphdr *sh = (struct sctphdr *)hdr;

	switch (c->protocol) {
	case IPPROTO_TCP:
		th->source = htons(SPORT);
		th->dest = htons(DPORT);
		th->seq = htonl(1);
		th->doff = c->doff ? c->doff & 0xf : 5;
		th->syn = 1;
		th->window = htons(65535);
		break;
	case IPPROTO_UDP:
		uh->source = htons(SPORT);
		uh->dest = htons(DPORT);
		uh->len = htons(c->l4_len);
		break;
	case IPPROTO_SCTP:
		sh->source = htons(SPORT);
		sh->dest = htons(DPORT);
		sh->vtag = htonl(7);
		break;
	case IPPROTO_ICMP:
		hdr[0] = 8;	/* echo request */
		break;
	default:
		memset(hdr, 0xab, sizeof(hdr));
		break;
	}
	memcpy(l4, hdr, min_t(unsigned int, c->l4_len, sizeof(hdr)));
	if (c->l4_len > sizeof(hdr))
		memset(l4 + sizeof(hdr), 'x', c->l4_len - sizeof(hdr));
}

/* The flat bytes of the case: link header, IP header, transport, pad. */
static unsigned int packet_bytes(const struct packet_case *c, u8 *buf,
				 unsigned int size)
{
	unsigned int ihl = c->ihl ? c->ihl & 0xf : 5;
	unsigned int hlen = ihl * 4, len;
	struct iphdr *ip;

	len = c->l2 + max(hlen, 20U) + c->l4_len + c->pad;
	if (WARN_ON(len > size))
		return 0;
	memset(buf, 0, len);
	ip = (struct iphdr *)(buf + c->l2);
	ip->version = c->version ?: 4;
	ip->ihl = ihl;
	ip->tot_len = c->tot_zero ? 0 : htons(hlen + c->l4_len + c->tot_adj);
	ip->id = htons(0x1234);
	ip->frag_off = htons(c->frag_off);
	ip->ttl = 64;
	ip->protocol = c->protocol;
	ip->saddr = htonl(SADDR);
	ip->daddr = htonl(DADDR);
	/* Options, if any: all NOPs. */
	memset(ip + 1, IPOPT_NOOP, hlen > 20 ? hlen - 20 : 0);
	if (ihl >= 5)
		ip_send_check(ip);

	packet_l4(c, buf + c->l2 + max(hlen, 20U));
	return c->cut ?: len;
}

/* An skb holding @buf, network header at @l2, the tail in a page. */
static struct sk_buff *packet_skb(struct kunit *test, const u8 *buf,
				  unsigned int len, unsigned int l2,
				  unsigned int linear)
{
	unsigned int head = linear ? min(l2 + linear, len) : len;
	struct sk_buff *skb;
	struct page *page;

	skb = alloc_skb(head + 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 32);
	skb_put_data(skb, buf, head);
	skb_set_network_header(skb, l2);
	if (head < len) {
		page = alloc_page(GFP_KERNEL);
		if (!page)
			kfree_skb(skb);
		KUNIT_ASSERT_NOT_NULL(test, page);
		memcpy(page_address(page), buf + head, len - head);
		skb_add_rx_frag(skb, 0, page, 0, len - head, PAGE_SIZE);
	}
	return skb;
}

static void packet_parse_test(struct kunit *test)
{
	const struct packet_case *c = test->param_value;
	unsigned int ihl = c->ihl ? c->ihl & 0xf : 5;
	struct sk_buff *skb;
	struct kvs_iph iph;
	unsigned int len;
	u8 *buf;
	int err;

	buf = kunit_kzalloc(test, 2048, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	len = packet_bytes(c, buf, 2048);
	KUNIT_ASSERT_GT(test, len, 0);
	skb = packet_skb(test, buf, len, c->l2, c->linear);
	if (c->linear)
		KUNIT_EXPECT_TRUE(test, skb_is_nonlinear(skb));
	if (c->gso) {
		skb_shinfo(skb)->gso_size = 1000;
		skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
	}

	/* Whatever the outcome, nothing stale is left in @iph. */
	memset(&iph, 0xa5, sizeof(iph));
	err = kvs_parse_ipv4(skb, &iph);
	KUNIT_EXPECT_EQ(test, err, c->err);
	if (!err) {
		KUNIT_EXPECT_EQ(test, iph.af, AF_INET);
		KUNIT_EXPECT_EQ(test, iph.protocol, c->protocol);
		KUNIT_EXPECT_EQ(test, iph.fragment, c->fragment);
		KUNIT_EXPECT_EQ(test, iph.thoff, c->l2 + ihl * 4);
		KUNIT_EXPECT_EQ(test, iph.len, skb->len);
		KUNIT_EXPECT_EQ(test, ntohl(iph.saddr.ip), SADDR);
		KUNIT_EXPECT_EQ(test, ntohl(iph.daddr.ip), DADDR);
		/* The rest of the union is zero: tuples hash it as bytes. */
		KUNIT_EXPECT_TRUE(test, !(iph.saddr.all[1] | iph.saddr.all[2] |
					  iph.saddr.all[3] | iph.daddr.all[1] |
					  iph.daddr.all[2] | iph.daddr.all[3]));
		KUNIT_EXPECT_EQ(test, ntohs(iph.sport), c->ports ? SPORT : 0);
		KUNIT_EXPECT_EQ(test, ntohs(iph.dport), c->ports ? DPORT : 0);
	}
	if (c->gso)
		skb_shinfo(skb)->gso_size = 0;
	kfree_skb(skb);
}

/* The parser reads; it never changes the packet it is given. */
static void packet_untouched_test(struct kunit *test)
{
	const struct packet_case *c = &packet_cases[0];
	struct sk_buff *skb;
	struct kvs_iph iph;
	unsigned int len;
	u8 buf[128];

	len = packet_bytes(c, buf, sizeof(buf));
	skb = packet_skb(test, buf, len, 0, 0);
	KUNIT_EXPECT_EQ(test, kvs_parse_ipv4(skb, &iph), 0);
	KUNIT_EXPECT_EQ(test, skb->len, len);
	KUNIT_EXPECT_EQ(test, skb_network_offset(skb), 0);
	KUNIT_EXPECT_EQ(test, memcmp(skb->data, buf, len), 0);
	kfree_skb(skb);
}

/* ---- IPv6 ---- */

/* 2001:db8::7 -> 2001:db8::1 */
static const struct in6_addr saddr6 = { { { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 } } };
static const struct in6_addr daddr6 = { { { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } } };

#define MAX_EXT	4

struct packet6_case {
	const char *desc;
	unsigned int l2;
	u8 version;		/* 0: 6 */
	unsigned int n_ext;	/* extension headers, in this order: */
	u8 ext[MAX_EXT];	/* NEXTHDR_* */
	u8 ext_len[MAX_EXT];	/* their length field (0 for FRAGMENT) */
	u16 frag_off;		/* host order: offset << 3 | IP6_MF */
	u8 protocol;		/* after the last extension header */
	unsigned int l4_len;
	u8 doff;		/* TCP data offset; 0: 5 */
	int plen_adj;		/* added to the payload length built */
	bool plen_zero;
	unsigned int pad;
	unsigned int cut;
	unsigned int linear;
	bool gso;
	/* expected */
	int err;
	bool fragment;
	bool ports;
};

#define EXT1(a, la)		.n_ext = 1, .ext = { a }, .ext_len = { la }

static const struct packet6_case packet6_cases[] = {
	{ .desc = "v6 tcp syn", .protocol = IPPROTO_TCP, .l4_len = 20,
	  .ports = true },
	{ .desc = "v6 udp behind a link header", .l2 = 14,
	  .protocol = IPPROTO_UDP, .l4_len = 8 + 20, .ports = true },
	{ .desc = "v6 sctp", .protocol = IPPROTO_SCTP, .l4_len = 12 + 16,
	  .ports = true },
	{ .desc = "v6 icmpv6: no ports", .protocol = IPPROTO_ICMPV6,
	  .l4_len = 8 },
	{ .desc = "v6 hop-by-hop then udp", EXT1(NEXTHDR_HOP, 0),
	  .protocol = IPPROTO_UDP, .l4_len = 8, .ports = true },
	{ .desc = "v6 hop, dest, routing, dest then tcp", .n_ext = 4,
	  .ext = { NEXTHDR_HOP, NEXTHDR_DEST, NEXTHDR_ROUTING, NEXTHDR_DEST },
	  .ext_len = { 1, 0, 2, 3 }, .protocol = IPPROTO_TCP, .l4_len = 20,
	  .ports = true },
	{ .desc = "v6 AH then tcp", EXT1(NEXTHDR_AUTH, 4),
	  .protocol = IPPROTO_TCP, .l4_len = 20, .ports = true },
	{ .desc = "v6 extension headers in a page fragment",
	  .n_ext = 2, .ext = { NEXTHDR_HOP, NEXTHDR_DEST },
	  .ext_len = { 1, 1 }, .protocol = IPPROTO_TCP, .l4_len = 20 + 50,
	  .linear = 44, .ports = true },
	{ .desc = "v6 link padding after the payload", .pad = 18,
	  .protocol = IPPROTO_UDP, .l4_len = 8, .ports = true },
	{ .desc = "v6 BIG TCP: payload length 0 on a GSO packet",
	  .plen_zero = true, .gso = true, .protocol = IPPROTO_TCP,
	  .l4_len = 20 + 1000, .ports = true },
	{ .desc = "v6 first fragment (MF) has ports",
	  EXT1(NEXTHDR_FRAGMENT, 0), .frag_off = IP6_MF,
	  .protocol = IPPROTO_UDP, .l4_len = 8 + 8, .ports = true },
	{ .desc = "v6 atomic fragment has ports", EXT1(NEXTHDR_FRAGMENT, 0),
	  .protocol = IPPROTO_TCP, .l4_len = 20, .ports = true },
	{ .desc = "v6 non-first fragment: no ports",
	  EXT1(NEXTHDR_FRAGMENT, 0), .frag_off = 185 << 3,
	  .protocol = IPPROTO_TCP, .l4_len = 4, .fragment = true },
	{ .desc = "v6 middle fragment after hop-by-hop", .n_ext = 2,
	  .ext = { NEXTHDR_HOP, NEXTHDR_FRAGMENT }, .frag_off = 8 | IP6_MF,
	  .protocol = IPPROTO_UDP, .l4_len = 16, .fragment = true },

	{ .desc = "v6 truncated fixed header", .protocol = IPPROTO_TCP,
	  .l4_len = 20, .cut = 30, .err = -EINVAL },
	{ .desc = "v6 version 4", .version = 4, .protocol = IPPROTO_TCP,
	  .l4_len = 20, .err = -EINVAL },
	{ .desc = "v6 payload length past the end of the skb",
	  .plen_adj = 1, .protocol = IPPROTO_TCP, .l4_len = 20,
	  .err = -EINVAL },
	{ .desc = "v6 payload length 0, not GSO (jumbogram)",
	  .plen_zero = true, EXT1(NEXTHDR_HOP, 0), .protocol = IPPROTO_TCP,
	  .l4_len = 20, .err = -EINVAL },
	{ .desc = "v6 extension chain past the payload length",
	  EXT1(NEXTHDR_HOP, 2), .protocol = IPPROTO_TCP, .l4_len = 0,
	  .plen_adj = -8, .pad = 40, .err = -EINVAL },
	{ .desc = "v6 longest extension header, past the payload length",
	  EXT1(NEXTHDR_DEST, 255), .protocol = IPPROTO_TCP, .l4_len = 20,
	  .plen_adj = -2040, .err = -EINVAL },
	{ .desc = "v6 longest extension header, whole",
	  EXT1(NEXTHDR_DEST, 255), .protocol = IPPROTO_TCP, .l4_len = 20,
	  .ports = true },
	{ .desc = "v6 extension chain cut by the skb", .n_ext = 2,
	  .ext = { NEXTHDR_HOP, NEXTHDR_DEST }, .protocol = IPPROTO_UDP,
	  .l4_len = 8, .cut = 40 + 8 + 1, .err = -EINVAL },
	{ .desc = "v6 chain ending in no next header", EXT1(NEXTHDR_HOP, 0),
	  .protocol = NEXTHDR_NONE, .l4_len = 0, .err = -EINVAL },
	{ .desc = "v6 fragment header cut short", EXT1(NEXTHDR_FRAGMENT, 0),
	  .protocol = IPPROTO_TCP, .l4_len = 0, .plen_adj = -5, .pad = 20,
	  .err = -EINVAL },
	{ .desc = "v6 tcp header of 19 bytes", .protocol = IPPROTO_TCP,
	  .l4_len = 19, .err = -EINVAL },
	{ .desc = "v6 tcp doff 15 past the end", .protocol = IPPROTO_TCP,
	  .l4_len = 40, .doff = 15, .err = -EINVAL },
	{ .desc = "v6 udp of 7 bytes after AH", EXT1(NEXTHDR_AUTH, 1),
	  .protocol = IPPROTO_UDP, .l4_len = 7, .err = -EINVAL },
	{ .desc = "v6 sctp common header and no chunk",
	  .protocol = IPPROTO_SCTP, .l4_len = 12, .err = -EINVAL },
};

static void packet6_case_desc(const struct packet6_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(packet6, packet6_cases, packet6_case_desc);

static unsigned int ext_size(u8 type, u8 len)
{
	switch (type) {
	case NEXTHDR_FRAGMENT:
		return sizeof(struct frag_hdr);
	case NEXTHDR_AUTH:
		return (len + 2) * 4;
	default:
		return (len + 1) * 8;
	}
}

/* The flat bytes of an IPv6 case; returns the length built (or cut). */
static unsigned int packet6_bytes(const struct packet6_case *c, u8 *buf,
				  unsigned int size)
{
	struct packet_case l4 = {
		.protocol = c->protocol, .l4_len = c->l4_len, .doff = c->doff,
	};
	unsigned int off, plen, i, n;
	struct ipv6hdr *ip6;
	u8 *next;

	memset(buf, 0, size);
	ip6 = (struct ipv6hdr *)(buf + c->l2);
	ip6->version = c->version ?: 6;
	ip6->hop_limit = 64;
	ip6->saddr = saddr6;
	ip6->daddr = daddr6;
	next = &ip6->nexthdr;
	off = c->l2 + sizeof(*ip6);
	for (i = 0; i < c->n_ext; i++) {
		n = ext_size(c->ext[i], c->ext_len[i]);
		*next = c->ext[i];
		if (off + 2 > size)
			return 0;
		buf[off + 1] = c->ext_len[i];
		if (c->ext[i] == NEXTHDR_FRAGMENT)
			((struct frag_hdr *)(buf + off))->frag_off =
				htons(c->frag_off);
		next = buf + off;
		/* Only the fields the walk reads are built: n may be huge. */
		off += n;
	}
	*next = c->protocol;
	if (off + c->l4_len + c->pad > size)
		return 0;
	packet_l4(&l4, buf + off);
	plen = off + c->l4_len - c->l2 - sizeof(*ip6);
	ip6->payload_len = c->plen_zero ? 0 : htons(plen + c->plen_adj);
	return c->cut ?: off + c->l4_len + c->pad;
}

static void packet6_parse_test(struct kunit *test)
{
	const struct packet6_case *c = test->param_value;
	unsigned int len, thoff, i;
	struct sk_buff *skb;
	struct kvs_iph iph;
	u8 *buf;
	int err;

	buf = kunit_kzalloc(test, 4096, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	len = packet6_bytes(c, buf, 4096);
	KUNIT_ASSERT_GT(test, len, 0);
	thoff = c->l2 + sizeof(struct ipv6hdr);
	for (i = 0; i < c->n_ext; i++)
		thoff += ext_size(c->ext[i], c->ext_len[i]);
	/* A case whose extension runs past its bytes must be an error one. */
	if (thoff > len)
		KUNIT_ASSERT_NE(test, c->err, 0);
	skb = packet_skb(test, buf, len, c->l2, c->linear);
	if (c->linear)
		KUNIT_EXPECT_TRUE(test, skb_is_nonlinear(skb));
	if (c->gso) {
		skb_shinfo(skb)->gso_size = 1000;
		skb_shinfo(skb)->gso_type = SKB_GSO_TCPV6;
	}

	memset(&iph, 0xa5, sizeof(iph));
	err = kvs_parse_ipv6(skb, &iph);
	KUNIT_EXPECT_EQ(test, err, c->err);
	if (!err) {
		KUNIT_EXPECT_EQ(test, iph.af, AF_INET6);
		KUNIT_EXPECT_EQ(test, iph.protocol, c->protocol);
		KUNIT_EXPECT_EQ(test, iph.fragment, c->fragment);
		KUNIT_EXPECT_EQ(test, iph.thoff, thoff);
		KUNIT_EXPECT_EQ(test, iph.len, skb->len);
		KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&iph.saddr.in6, &saddr6));
		KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&iph.daddr.in6, &daddr6));
		KUNIT_EXPECT_EQ(test, ntohs(iph.sport), c->ports ? SPORT : 0);
		KUNIT_EXPECT_EQ(test, ntohs(iph.dport), c->ports ? DPORT : 0);
	}
	if (c->gso)
		skb_shinfo(skb)->gso_size = 0;
	kfree_skb(skb);
}

static struct kunit_case packet_test_cases[] = {
	KUNIT_CASE_PARAM(packet_parse_test, packet_gen_params),
	KUNIT_CASE(packet_untouched_test),
	KUNIT_CASE_PARAM(packet6_parse_test, packet6_gen_params),
	{}
};

static struct kunit_suite packet_test_suite = {
	.name = "kvs_packet",
	.test_cases = packet_test_cases,
};

kunit_test_suite(packet_test_suite);
