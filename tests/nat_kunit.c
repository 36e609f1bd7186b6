// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of kvs_nat_rewrite_ipv4() and kvs_nat_rewrite_ipv6() (xmit/nat.c): requests get the
 * real server as destination, replies get the virtual service as
 * source.  Every result is checked from scratch: the IP header checksum,
 * the transport checksum over the new pseudo-header, and for offloaded
 * (partial) or receive-complete checksums what the stack would check.
 */
#include <kunit/test.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>

#include "../core/packet.h"
#include "../core/proto.h"
#include "../xmit/xmit.h"

#define CADDR	0xc6336407	/* client 198.51.100.7 */
#define CPORT	40000
#define VADDR	0xc0000201	/* virtual service 192.0.2.1 */
#define VPORT	80
#define RADDR	0x0a010203	/* real server 10.1.2.3 */
#define RPORT	8080

/* Checksums compared as plain numbers. */
#define CSUM(sum)	((__force u16)(sum))

struct nat_case {
	const char *desc;
	u8 protocol;
	bool src;		/* rewrite the source (a reply), else the dest */
	u8 summed;		/* CHECKSUM_NONE, _PARTIAL or _COMPLETE */
	bool no_csum;		/* UDP sent without a checksum */
	bool zero_result;	/* payload chosen so the new checksum is 0 */
	bool clone;		/* rewrite a clone: the original stays */
	unsigned int linear;	/* if set, L4 bytes after this go in a page */
	unsigned int payload;
};

static const struct nat_case nat_cases[] = {
	{ "tcp request", IPPROTO_TCP, false, CHECKSUM_NONE,
	  .payload = 37 },
	{ "tcp reply", IPPROTO_TCP, true, CHECKSUM_NONE, .payload = 37 },
	{ "tcp request, header only", IPPROTO_TCP, false, CHECKSUM_NONE },
	{ "udp request", IPPROTO_UDP, false, CHECKSUM_NONE, .payload = 37 },
	{ "udp reply", IPPROTO_UDP, true, CHECKSUM_NONE, .payload = 100 },
	{ "udp request without checksum stays without",
	  IPPROTO_UDP, false, CHECKSUM_NONE, .no_csum = true,
	  .payload = 37 },
	{ "udp reply without checksum stays without",
	  IPPROTO_UDP, true, CHECKSUM_NONE, .no_csum = true, .payload = 20 },
	{ "udp request whose new checksum is 0 sends 0xffff",
	  IPPROTO_UDP, false, CHECKSUM_NONE, .zero_result = true,
	  .payload = 38 },
	{ "udp reply whose new checksum is 0 sends 0xffff",
	  IPPROTO_UDP, true, CHECKSUM_NONE, .zero_result = true,
	  .payload = 21 },
	{ "tcp request, partial checksum", IPPROTO_TCP, false,
	  CHECKSUM_PARTIAL, .payload = 37 },
	{ "tcp reply, partial checksum", IPPROTO_TCP, true,
	  CHECKSUM_PARTIAL, .payload = 1000 },
	{ "udp request, partial checksum", IPPROTO_UDP, false,
	  CHECKSUM_PARTIAL, .payload = 37 },
	{ "udp reply, partial checksum", IPPROTO_UDP, true,
	  CHECKSUM_PARTIAL, .payload = 8 },
	{ "tcp request, receive checksum complete", IPPROTO_TCP, false,
	  CHECKSUM_COMPLETE, .payload = 37 },
	{ "udp reply, receive checksum complete", IPPROTO_UDP, true,
	  CHECKSUM_COMPLETE, .payload = 37 },
	{ "tcp request on a clone", IPPROTO_TCP, false, CHECKSUM_NONE,
	  .clone = true, .payload = 37 },
	{ "udp reply on a clone", IPPROTO_UDP, true, CHECKSUM_NONE,
	  .clone = true, .payload = 37 },
	{ "tcp request, checksum field in a page", IPPROTO_TCP, false,
	  CHECKSUM_NONE, .linear = 4, .payload = 200 },
	{ "udp reply, header in a page, on a clone", IPPROTO_UDP, true,
	  CHECKSUM_NONE, .clone = true, .linear = 2, .payload = 200 },
	{ "tcp reply, payload in a page, partial", IPPROTO_TCP, true,
	  CHECKSUM_PARTIAL, .linear = 20, .payload = 300 },
};

static void nat_case_desc(const struct nat_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(nat, nat_cases, nat_case_desc);

/* The addresses and ports of a packet, before or after the rewrite. */
struct nat_ends {
	__be32 saddr, daddr;
	__be16 sport, dport;
};

static void nat_ends(const struct nat_case *c, bool after,
		     struct nat_ends *e)
{
	if (!c->src) {
		e->saddr = htonl(CADDR);
		e->sport = htons(CPORT);
		e->daddr = htonl(after ? RADDR : VADDR);
		e->dport = htons(after ? RPORT : VPORT);
	} else {
		e->saddr = htonl(after ? VADDR : RADDR);
		e->sport = htons(after ? VPORT : RPORT);
		e->daddr = htonl(CADDR);
		e->dport = htons(CPORT);
	}
}

/* Folded sum of a segment with its pseudo-header: 0 when it verifies. */
static u16 verify(const struct nat_ends *e, unsigned int l4len, u8 protocol,
		  __wsum sum)
{
	return CSUM(csum_tcpudp_magic(e->saddr, e->daddr, l4len, protocol,
				      sum));
}

static unsigned int l4_hdr_len(u8 protocol)
{
	return protocol == IPPROTO_TCP ? sizeof(struct tcphdr) :
					 sizeof(struct udphdr);
}

static __sum16 *l4_check(u8 *l4, u8 protocol)
{
	return protocol == IPPROTO_TCP ? &((struct tcphdr *)l4)->check :
					 &((struct udphdr *)l4)->check;
}

/* Write addresses and ports; the checksums are set separately. */
static void nat_set_ends(u8 *buf, u8 protocol, const struct nat_ends *e)
{
	struct iphdr *ip = (struct iphdr *)buf;
	__be16 *ports = (__be16 *)(ip + 1);

	ip->saddr = e->saddr;
	ip->daddr = e->daddr;
	ports[0] = e->sport;
	ports[1] = e->dport;
	ip_send_check(ip);
}

static __sum16 l4_csum(const u8 *buf, unsigned int l4len, u8 protocol)
{
	const struct iphdr *ip = (const struct iphdr *)buf;

	return csum_tcpudp_magic(ip->saddr, ip->daddr, l4len, protocol,
				 csum_partial(ip + 1, l4len, 0));
}

/* A valid packet for @c as it arrives, in @buf; returns its length. */
static unsigned int nat_packet(struct kunit *test, const struct nat_case *c,
			       u8 *buf)
{
	unsigned int hl = l4_hdr_len(c->protocol);
	unsigned int l4len = hl + c->payload;
	struct iphdr *ip = (struct iphdr *)buf;
	u8 *l4 = buf + sizeof(*ip);
	struct nat_ends e;
	__sum16 *check = l4_check(l4, c->protocol);
	unsigned int i;

	memset(buf, 0, sizeof(*ip) + l4len);
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(sizeof(*ip) + l4len);
	ip->ttl = 64;
	ip->protocol = c->protocol;
	if (c->protocol == IPPROTO_TCP) {
		struct tcphdr *th = (struct tcphdr *)l4;

		th->seq = htonl(0x01020304);
		th->ack_seq = htonl(0x0a0b0c0d);
		th->doff = 5;
		th->ack = 1;
		th->psh = 1;
		th->window = htons(502);
	} else {
		((struct udphdr *)l4)->len = htons(l4len);
	}
	for (i = 0; i < c->payload; i++)
		l4[hl + i] = i * 7 + 3;

	if (c->zero_result) {
		/*
		 * Make the payload's first word cancel everything else
		 * under the new addresses: the rewrite must then produce
		 * a checksum of 0, which UDP has to send as 0xffff.
		 */
		nat_ends(c, true, &e);
		nat_set_ends(buf, c->protocol, &e);
		*(__sum16 *)(l4 + hl) = 0;
		*(__sum16 *)(l4 + hl) =
			csum_fold(csum_tcpudp_nofold(e.saddr, e.daddr, l4len,
						     c->protocol,
						     csum_partial(l4, l4len,
								  0)));
		KUNIT_ASSERT_EQ(test, CSUM(l4_csum(buf, l4len, c->protocol)),
				0);
	}

	nat_ends(c, false, &e);
	nat_set_ends(buf, c->protocol, &e);
	if (c->summed == CHECKSUM_PARTIAL) {
		/* What the stack leaves for the device to finish. */
		*check = ~csum_tcpudp_magic(e.saddr, e.daddr, l4len,
					    c->protocol, 0);
	} else if (!c->no_csum) {
		*check = l4_csum(buf, l4len, c->protocol);
		if (c->protocol == IPPROTO_UDP && !*check)
			*check = CSUM_MANGLED_0;
		KUNIT_ASSERT_EQ(test, CSUM(l4_csum(buf, l4len, c->protocol)),
				0);
	}
	return sizeof(*ip) + l4len;
}

/* An skb of @len bytes from @buf, network header first, transport at @thoff. */
static struct sk_buff *nat_skb(struct kunit *test, const struct nat_case *c,
			       const u8 *buf, unsigned int len,
			       unsigned int thoff)
{
	unsigned int head = c->linear ? thoff + c->linear : len;
	struct sk_buff *skb;
	struct page *page;

	skb = alloc_skb(head + 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 32);
	skb_put_data(skb, buf, head);
	skb_reset_network_header(skb);
	skb->protocol = htons(thoff == sizeof(struct iphdr) ? ETH_P_IP :
						       ETH_P_IPV6);
	if (head < len) {
		page = alloc_page(GFP_KERNEL);
		if (!page)
			kfree_skb(skb);
		KUNIT_ASSERT_NOT_NULL(test, page);
		memcpy(page_address(page), buf + head, len - head);
		skb_add_rx_frag(skb, 0, page, 0, len - head, PAGE_SIZE);
	}

	switch (c->summed) {
	case CHECKSUM_PARTIAL:
		skb_partial_csum_set(skb, thoff,
				     c->protocol == IPPROTO_TCP ?
				     offsetof(struct tcphdr, check) :
				     offsetof(struct udphdr, check));
		break;
	case CHECKSUM_COMPLETE:
		/* As received: the sum of everything from the IP header. */
		skb->csum = skb_checksum(skb, 0, skb->len, 0);
		skb->ip_summed = CHECKSUM_COMPLETE;
		break;
	}
	return skb;
}

static void nat_rewrite_test(struct kunit *test)
{
	const struct nat_case *c = test->param_value;
	const struct kvs_proto *pp = kvs_proto_find(c->protocol);
	struct sk_buff *skb, *orig = NULL;
	struct nat_ends before, after;
	unsigned int len, l4len, thoff;
	u8 *buf, *seen;
	struct kvs_iph iph;
	struct iphdr *ip;
	__be16 *ports;
	__sum16 check, want;
	__wsum sum;

	KUNIT_ASSERT_NOT_NULL(test, pp);
	buf = kunit_kzalloc(test, 2048, GFP_KERNEL);
	seen = kunit_kzalloc(test, 2048, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	len = nat_packet(test, c, buf);
	thoff = sizeof(struct iphdr);
	l4len = len - thoff;
	nat_ends(c, false, &before);
	nat_ends(c, true, &after);

	skb = nat_skb(test, c, buf, len, sizeof(struct iphdr));
	if (c->clone) {
		orig = skb;
		skb = skb_clone(orig, GFP_KERNEL);
		if (!skb)
			kfree_skb(orig);
		KUNIT_ASSERT_NOT_NULL(test, skb);
		/* The original is what a tap or a retransmit queue holds. */
		skb_copy_bits(orig, 0, buf, len);
	}
	KUNIT_ASSERT_EQ(test, kvs_parse_ipv4(skb, &iph), 0);
	KUNIT_EXPECT_EQ(test, iph.thoff, thoff);

	KUNIT_EXPECT_EQ(test,
			kvs_nat_rewrite_ipv4(skb, &iph, pp, c->src,
					     c->src ? after.saddr : after.daddr,
					     c->src ? after.sport : after.dport),
			0);
	KUNIT_EXPECT_EQ(test, skb->len, len);
	KUNIT_EXPECT_GE(test, skb_headlen(skb), thoff + pp->csum_offset + 2);

	ip = ip_hdr(skb);
	ports = (__be16 *)(skb->data + thoff);
	KUNIT_EXPECT_EQ(test, ntohl(ip->saddr), ntohl(after.saddr));
	KUNIT_EXPECT_EQ(test, ntohl(ip->daddr), ntohl(after.daddr));
	KUNIT_EXPECT_EQ(test, ntohs(ports[0]), ntohs(after.sport));
	KUNIT_EXPECT_EQ(test, ntohs(ports[1]), ntohs(after.dport));
	KUNIT_EXPECT_EQ(test, CSUM(ip_fast_csum(ip, ip->ihl)), 0);

	check = *(__sum16 *)(skb->data + thoff + pp->csum_offset);
	sum = skb_checksum(skb, thoff, l4len, 0);
	if (c->no_csum) {
		KUNIT_EXPECT_EQ(test, CSUM(check), 0);
	} else if (c->summed == CHECKSUM_PARTIAL) {
		/* The pseudo-header sum, as the stack would have set it. */
		want = ~csum_tcpudp_magic(after.saddr, after.daddr, l4len,
					  c->protocol, 0);
		KUNIT_EXPECT_EQ(test, CSUM(check), CSUM(want));
		/* And the device (here: software) finishes it right. */
		KUNIT_EXPECT_EQ(test, skb_checksum_help(skb), 0);
		sum = skb_checksum(skb, thoff, l4len, 0);
		KUNIT_EXPECT_EQ(test, verify(&after, l4len, c->protocol, sum), 0);
	} else {
		KUNIT_EXPECT_EQ(test, verify(&after, l4len, c->protocol, sum), 0);
	}
	if (c->zero_result)
		KUNIT_EXPECT_EQ(test, CSUM(check), CSUM(CSUM_MANGLED_0));
	if (c->summed == CHECKSUM_COMPLETE) {
		KUNIT_EXPECT_TRUE(test, skb->ip_summed == CHECKSUM_COMPLETE);
		/* What the receive path then checks, and the sum itself. */
		KUNIT_EXPECT_EQ(test, verify(&after, l4len, c->protocol, skb->csum),
				0);
		KUNIT_EXPECT_EQ(test, CSUM(csum_fold(skb->csum)),
				CSUM(csum_fold(skb_checksum(skb, 0, len, 0))));
	}

	/* Nothing past the ports and checksum changed. */
	KUNIT_ASSERT_EQ(test, skb_copy_bits(skb, 0, seen, len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(seen + thoff + pp->min_hdr,
				     buf + thoff + pp->min_hdr,
				     l4len - pp->min_hdr), 0);
	if (c->protocol == IPPROTO_TCP)
		KUNIT_EXPECT_EQ(test, memcmp(seen + thoff + 4, buf + thoff + 4,
					     pp->csum_offset - 4), 0);

	if (orig) {
		/* The clone got its own header; the original is intact. */
		KUNIT_EXPECT_EQ(test, skb_copy_bits(orig, 0, seen, len), 0);
		KUNIT_EXPECT_EQ(test, memcmp(seen, buf, len), 0);
		KUNIT_EXPECT_EQ(test, ntohl(ip_hdr(orig)->daddr),
				ntohl(before.daddr));
		KUNIT_EXPECT_EQ(test, ntohl(ip_hdr(orig)->saddr),
				ntohl(before.saddr));
		KUNIT_EXPECT_PTR_NE(test, skb->head, orig->head);
		kfree_skb(orig);
	}
	kfree_skb(skb);
}

/* ---- IPv6: the same, with the checksum over the v6 pseudo-header ---- */

/* client 2001:db8:1::7, service 2001:db8::1, real server fd00:2::11 */
static const struct in6_addr caddr6 = { { { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 7 } } };
static const struct in6_addr vaddr6 = { { { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } } };
static const struct in6_addr raddr6 = { { { 0xfd, 0x00, 0, 2, [15] = 0x11 } } };

struct nat6_ends {
	struct in6_addr saddr, daddr;
	__be16 sport, dport;
};

static void nat6_ends(const struct nat_case *c, bool after,
		      struct nat6_ends *e)
{
	if (!c->src) {
		e->saddr = caddr6;
		e->sport = htons(CPORT);
		e->daddr = after ? raddr6 : vaddr6;
		e->dport = htons(after ? RPORT : VPORT);
	} else {
		e->saddr = after ? vaddr6 : raddr6;
		e->sport = htons(after ? VPORT : RPORT);
		e->daddr = caddr6;
		e->dport = htons(CPORT);
	}
}

static const struct nat_case nat6_cases[] = {
	{ "v6 tcp request", IPPROTO_TCP, false, CHECKSUM_NONE,
	  .payload = 37 },
	{ "v6 tcp reply", IPPROTO_TCP, true, CHECKSUM_NONE, .payload = 37 },
	{ "v6 udp request", IPPROTO_UDP, false, CHECKSUM_NONE,
	  .payload = 37 },
	{ "v6 udp reply", IPPROTO_UDP, true, CHECKSUM_NONE, .payload = 100 },
	{ "v6 tcp request, partial checksum", IPPROTO_TCP, false,
	  CHECKSUM_PARTIAL, .payload = 37 },
	{ "v6 udp reply, partial checksum", IPPROTO_UDP, true,
	  CHECKSUM_PARTIAL, .payload = 8 },
	{ "v6 tcp request, receive checksum complete", IPPROTO_TCP, false,
	  CHECKSUM_COMPLETE, .payload = 37 },
	{ "v6 udp reply, receive checksum complete", IPPROTO_UDP, true,
	  CHECKSUM_COMPLETE, .payload = 41 },
	{ "v6 tcp reply on a clone", IPPROTO_TCP, true, CHECKSUM_NONE,
	  .clone = true, .payload = 37 },
	{ "v6 udp request, header in a page, on a clone", IPPROTO_UDP,
	  false, CHECKSUM_NONE, .clone = true, .linear = 2, .payload = 200 },
	{ "v6 tcp request, payload in a page, partial", IPPROTO_TCP, false,
	  CHECKSUM_PARTIAL, .linear = 20, .payload = 300 },
};

KUNIT_ARRAY_PARAM(nat6, nat6_cases, nat_case_desc);

static void nat6_set_ends(u8 *buf, const struct nat6_ends *e)
{
	struct ipv6hdr *ip6 = (struct ipv6hdr *)buf;
	__be16 *ports = (__be16 *)(ip6 + 1);

	ip6->saddr = e->saddr;
	ip6->daddr = e->daddr;
	ports[0] = e->sport;
	ports[1] = e->dport;
}

static u16 verify6(const struct nat6_ends *e, unsigned int l4len,
		   u8 protocol, __wsum sum)
{
	return CSUM(csum_ipv6_magic(&e->saddr, &e->daddr, l4len, protocol,
				    sum));
}

/* A valid IPv6 packet for @c as it arrives; returns its length. */
static unsigned int nat6_packet(const struct nat_case *c, u8 *buf)
{
	unsigned int hl = l4_hdr_len(c->protocol);
	unsigned int l4len = hl + c->payload;
	struct ipv6hdr *ip6 = (struct ipv6hdr *)buf;
	u8 *l4 = buf + sizeof(*ip6);
	__sum16 *check = l4_check(l4, c->protocol);
	struct nat6_ends e;
	unsigned int i;

	memset(buf, 0, sizeof(*ip6) + l4len);
	ip6->version = 6;
	ip6->payload_len = htons(l4len);
	ip6->nexthdr = c->protocol;
	ip6->hop_limit = 64;
	if (c->protocol == IPPROTO_TCP) {
		struct tcphdr *th = (struct tcphdr *)l4;

		th->seq = htonl(0x01020304);
		th->doff = 5;
		th->ack = 1;
		th->window = htons(502);
	} else {
		((struct udphdr *)l4)->len = htons(l4len);
	}
	for (i = 0; i < c->payload; i++)
		l4[hl + i] = i * 5 + 1;
	nat6_ends(c, false, &e);
	nat6_set_ends(buf, &e);
	if (c->summed == CHECKSUM_PARTIAL) {
		*check = ~csum_ipv6_magic(&e.saddr, &e.daddr, l4len,
					  c->protocol, 0);
	} else {
		*check = csum_ipv6_magic(&e.saddr, &e.daddr, l4len, c->protocol,
					 csum_partial(l4, l4len, 0));
		if (c->protocol == IPPROTO_UDP && !*check)
			*check = CSUM_MANGLED_0;
	}
	return sizeof(*ip6) + l4len;
}

static void nat6_rewrite_test(struct kunit *test)
{
	const struct nat_case *c = test->param_value;
	const struct kvs_proto *pp = kvs_proto_find(c->protocol);
	unsigned int len, l4len, thoff = sizeof(struct ipv6hdr);
	struct sk_buff *skb, *orig = NULL;
	struct nat6_ends before, after;
	struct kvs_iph iph;
	struct ipv6hdr *ip6;
	u8 *buf, *seen;
	__be16 *ports;
	__sum16 check;

	KUNIT_ASSERT_NOT_NULL(test, pp);
	buf = kunit_kzalloc(test, 2048, GFP_KERNEL);
	seen = kunit_kzalloc(test, 2048, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	len = nat6_packet(c, buf);
	l4len = len - thoff;
	nat6_ends(c, false, &before);
	nat6_ends(c, true, &after);
	if (c->summed != CHECKSUM_PARTIAL)
		KUNIT_ASSERT_EQ(test, verify6(&before, l4len, c->protocol,
					      csum_partial(buf + thoff, l4len, 0)),
				0);

	skb = nat_skb(test, c, buf, len, thoff);
	if (c->clone) {
		orig = skb;
		skb = skb_clone(orig, GFP_KERNEL);
		if (!skb)
			kfree_skb(orig);
		KUNIT_ASSERT_NOT_NULL(test, skb);
	}

	KUNIT_ASSERT_EQ(test, kvs_parse_ipv6(skb, &iph), 0);
	KUNIT_EXPECT_EQ(test, iph.thoff, thoff);
	KUNIT_EXPECT_EQ(test,
			kvs_nat_rewrite_ipv6(skb, &iph, pp, c->src,
					     c->src ? &after.saddr : &after.daddr,
					     c->src ? after.sport : after.dport),
			0);
	KUNIT_EXPECT_EQ(test, skb->len, len);

	ip6 = ipv6_hdr(skb);
	ports = (__be16 *)(skb->data + thoff);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ip6->saddr, &after.saddr));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ip6->daddr, &after.daddr));
	KUNIT_EXPECT_EQ(test, ntohs(ports[0]), ntohs(after.sport));
	KUNIT_EXPECT_EQ(test, ntohs(ports[1]), ntohs(after.dport));

	check = *(__sum16 *)(skb->data + thoff + pp->csum_offset);
	if (c->summed == CHECKSUM_PARTIAL) {
		KUNIT_EXPECT_EQ(test, CSUM(check),
				CSUM(~csum_ipv6_magic(&after.saddr, &after.daddr,
						      l4len, c->protocol, 0)));
		KUNIT_EXPECT_EQ(test, skb_checksum_help(skb), 0);
	}
	KUNIT_EXPECT_EQ(test, verify6(&after, l4len, c->protocol,
				      skb_checksum(skb, thoff, l4len, 0)), 0);
	if (c->summed == CHECKSUM_COMPLETE) {
		/* Still the sum of the packet as it now is. */
		KUNIT_EXPECT_TRUE(test, skb->ip_summed == CHECKSUM_COMPLETE);
		KUNIT_EXPECT_EQ(test, CSUM(csum_fold(skb->csum)),
				CSUM(csum_fold(skb_checksum(skb, 0, len, 0))));
	}

	/* Past the ports and the checksum, nothing moved. */
	KUNIT_ASSERT_EQ(test, skb_copy_bits(skb, 0, seen, len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(seen + thoff + pp->min_hdr,
				     buf + thoff + pp->min_hdr,
				     l4len - pp->min_hdr), 0);
	KUNIT_EXPECT_EQ(test, memcmp(seen, buf, 8), 0);
	if (orig) {
		KUNIT_EXPECT_EQ(test, skb_copy_bits(orig, 0, seen, len), 0);
		KUNIT_EXPECT_EQ(test, memcmp(seen, buf, len), 0);
		kfree_skb(orig);
	}
	kfree_skb(skb);
}

static struct kunit_case nat_test_cases[] = {
	KUNIT_CASE_PARAM(nat_rewrite_test, nat_gen_params),
	KUNIT_CASE_PARAM(nat6_rewrite_test, nat6_gen_params),
	{}
};

static struct kunit_suite nat_test_suite = {
	.name = "kvs_nat",
	.test_cases = nat_test_cases,
};

kunit_test_suite(nat_test_suite);
