// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the tunnel encapsulations (xmit/tunnel.c): the IPIP,
 * GUE and GRE headers kvs_tun_encap() builds for an IPv4 or IPv6 inner
 * packet inside an IPv4 or IPv6 outer header, their checksum options,
 * the headroom they make, and inner packets too short or malformed to
 * tunnel.
 */
#include <kunit/test.h>
#include <linux/if_tunnel.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/gue.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>

#include "../xmit/xmit.h"

#define PAYLOAD		100
#define GUE_PORT	6080

/* An inner UDP packet of family @af with PAYLOAD bytes, at skb->data. */
static struct sk_buff *inner_packet(struct kunit *test, u16 af,
				    unsigned int reserve, bool partial)
{
	unsigned int nhlen = af == AF_INET6 ? sizeof(struct ipv6hdr) :
					      sizeof(struct iphdr);
	struct sk_buff *skb;
	struct udphdr *uh;

	skb = alloc_skb(reserve + nhlen + sizeof(*uh) + PAYLOAD, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, reserve);
	skb_reset_network_header(skb);
	if (af == AF_INET6) {
		struct ipv6hdr *ip6 = skb_put_zero(skb, sizeof(*ip6));

		ip6->version = 6;
		ip6->priority = 0;
		ip6->payload_len = htons(sizeof(*uh) + PAYLOAD);
		ip6->nexthdr = IPPROTO_UDP;
		ip6->hop_limit = 33;
		ipv6_addr_set(&ip6->saddr, htonl(0x20010db8), 0, 0, htonl(2));
		ipv6_addr_set(&ip6->daddr, htonl(0x20010db8), 0, 0,
			      htonl(0x100));
		skb->protocol = htons(ETH_P_IPV6);
	} else {
		struct iphdr *ip = skb_put_zero(skb, sizeof(*ip));

		ip->version = 4;
		ip->ihl = 5;
		ip->tot_len = htons(nhlen + sizeof(*uh) + PAYLOAD);
		ip->frag_off = htons(IP_DF);
		ip->ttl = 33;
		ip->tos = 0x10;
		ip->protocol = IPPROTO_UDP;
		ip->saddr = htonl(0x0a000102);
		ip->daddr = htonl(0x64646464);
		ip_send_check(ip);
		skb->protocol = htons(ETH_P_IP);
	}
	skb_set_transport_header(skb, nhlen);
	uh = skb_put_zero(skb, sizeof(*uh));
	uh->source = htons(40000);
	uh->dest = htons(7000);
	uh->len = htons(sizeof(*uh) + PAYLOAD);
	memset(skb_put(skb, PAYLOAD), 0x5a, PAYLOAD);
	if (partial) {
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = offsetof(struct udphdr, check);
	}
	return skb;
}

static void tun_addrs(struct kvs_tun *t, u16 af)
{
	t->af = af;
	if (af == AF_INET6) {
		ipv6_addr_set(&t->saddr.in6, htonl(0xfd000002), 0, 0, htonl(1));
		ipv6_addr_set(&t->daddr.in6, htonl(0xfd000002), 0, 0,
			      htonl(0x11));
	} else {
		t->saddr.ip = htonl(0x0a000201);
		t->daddr.ip = htonl(0x0a00020b);
	}
}

struct tun_case {
	const char *desc;
	u16 outer;		/* outer family */
	u16 inner;		/* inner family */
	u16 type;
	u16 flags;
	bool partial;		/* inner checksum left to offload */
	unsigned int hdr_len;	/* kvs_tun_hdr_len() */
	u8 outer_proto;		/* protocol / next header of the outer IP */
	u8 csum;		/* 1: outer UDP/GRE checksum to be completed */
};

#define IPIP	IP_VS_CONN_F_TUNNEL_TYPE_IPIP
#define GUE	IP_VS_CONN_F_TUNNEL_TYPE_GUE
#define GRE	IP_VS_CONN_F_TUNNEL_TYPE_GRE
#define F_CSUM	IP_VS_TUNNEL_ENCAP_FLAG_CSUM
#define F_REM	IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM

static const struct tun_case tun_cases[] = {
	{ "ipip v4 in v4", AF_INET, AF_INET, IPIP, 0, false, 20, IPPROTO_IPIP },
	{ "ipip v6 in v4", AF_INET, AF_INET6, IPIP, 0, false, 20, IPPROTO_IPV6 },
	{ "ipip v4 in v6", AF_INET6, AF_INET, IPIP, 0, false, 40, IPPROTO_IPIP },
	{ "ipip v6 in v6", AF_INET6, AF_INET6, IPIP, 0, false, 40, IPPROTO_IPV6 },
	{ "gue v4 in v4, no csum", AF_INET, AF_INET, GUE, 0, false, 32, IPPROTO_UDP },
	{ "gue v4 in v4, csum", AF_INET, AF_INET, GUE, F_CSUM, false, 32, IPPROTO_UDP, 1 },
	{ "gue v6 in v6, csum", AF_INET6, AF_INET6, GUE, F_CSUM, false, 52, IPPROTO_UDP, 1 },
	{ "gue v6 in v4, no csum", AF_INET, AF_INET6, GUE, 0, false, 32, IPPROTO_UDP },
	{ "gue remcsum, inner csum done", AF_INET, AF_INET, GUE, F_REM, false, 32, IPPROTO_UDP, 1 },
	{ "gue remcsum, inner csum pending", AF_INET, AF_INET, GUE, F_REM, true, 40, IPPROTO_UDP },
	{ "gre v4 in v4", AF_INET, AF_INET, GRE, 0, false, 24, IPPROTO_GRE },
	{ "gre v4 in v4, csum", AF_INET, AF_INET, GRE, F_CSUM, false, 28, IPPROTO_GRE, 1 },
	{ "gre v6 in v6", AF_INET6, AF_INET6, GRE, 0, false, 44, IPPROTO_GRE },
	{ "gre v4 in v6, csum", AF_INET6, AF_INET, GRE, F_CSUM, false, 48, IPPROTO_GRE, 1 },
	{ "gre csum, inner csum pending", AF_INET, AF_INET, GRE, F_CSUM, true, 28, IPPROTO_GRE },
};

static void tun_case_desc(const struct tun_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(tun, tun_cases, tun_case_desc);

/* The one's complement sum over the outer transport part folds to 0. */
static void expect_outer_csum_ok(struct kunit *test, struct sk_buff *skb,
				 const struct tun_case *c, unsigned int off)
{
	unsigned int len = skb->len - off;
	__wsum sum;

	if (skb->ip_summed == CHECKSUM_PARTIAL)
		KUNIT_ASSERT_EQ(test, skb_checksum_help(skb), 0);
	sum = skb_checksum(skb, off, len, 0);
	if (c->outer_proto == IPPROTO_GRE) {
		KUNIT_EXPECT_EQ(test, csum_fold(sum), 0);
	} else if (c->outer == AF_INET6) {
		KUNIT_EXPECT_EQ(test, csum_ipv6_magic(&ipv6_hdr(skb)->saddr,
						      &ipv6_hdr(skb)->daddr,
						      len, IPPROTO_UDP, sum), 0);
	} else {
		KUNIT_EXPECT_EQ(test, csum_tcpudp_magic(ip_hdr(skb)->saddr,
							ip_hdr(skb)->daddr,
							len, IPPROTO_UDP, sum), 0);
	}
}

static void tun_encap_test(struct kunit *test)
{
	const struct tun_case *c = test->param_value;
	unsigned int inner_len, off;
	struct kvs_tun t = {};
	struct sk_buff *skb;
	u8 *inner_copy;

	/* No headroom at all: the builder must make it. */
	skb = inner_packet(test, c->inner, 0, c->partial);
	inner_len = skb->len;
	inner_copy = kunit_kmalloc(test, inner_len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, inner_copy);
	memcpy(inner_copy, skb->data, inner_len);
	tun_addrs(&t, c->outer);
	t.type = c->type;
	t.flags = c->flags;
	t.port = htons(GUE_PORT);

	KUNIT_EXPECT_EQ(test, kvs_tun_hdr_len(&t, skb), c->hdr_len);
	KUNIT_ASSERT_EQ(test, kvs_tun_encap(&init_net, skb, &t, 64, true), 0);
	KUNIT_EXPECT_EQ(test, skb->len, inner_len + c->hdr_len);
	KUNIT_EXPECT_GE(test, skb_headroom(skb), 64U);
	KUNIT_EXPECT_EQ(test, skb_network_offset(skb), 0);
	/* The inner packet follows untouched (its IPv4 checksum was right). */
	KUNIT_EXPECT_EQ(test, memcmp(skb->data + c->hdr_len, inner_copy,
				     inner_len), 0);

	if (c->outer == AF_INET6) {
		struct ipv6hdr *ip6 = ipv6_hdr(skb);

		off = sizeof(*ip6);
		KUNIT_EXPECT_EQ(test, (int)ip6->version, 6);
		KUNIT_EXPECT_EQ(test, ip6->nexthdr, c->outer_proto);
		KUNIT_EXPECT_EQ(test, ntohs(ip6->payload_len), skb->len - off);
		KUNIT_EXPECT_EQ(test, ip6->hop_limit, 33);
		KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ip6->saddr, &t.saddr.in6));
		KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ip6->daddr, &t.daddr.in6));
		KUNIT_EXPECT_EQ(test, skb->protocol, htons(ETH_P_IPV6));
	} else {
		struct iphdr *ip = ip_hdr(skb);

		off = sizeof(*ip);
		KUNIT_EXPECT_EQ(test, (int)ip->version, 4);
		KUNIT_EXPECT_EQ(test, (int)ip->ihl, 5);
		KUNIT_EXPECT_EQ(test, ip->protocol, c->outer_proto);
		KUNIT_EXPECT_EQ(test, ntohs(ip->tot_len), skb->len);
		KUNIT_EXPECT_EQ(test, ip->ttl, 33);
		KUNIT_EXPECT_EQ(test, ip->saddr, t.saddr.ip);
		KUNIT_EXPECT_EQ(test, ip->daddr, t.daddr.ip);
		/* DF copied from an IPv4 inner packet, never set for IPv6. */
		KUNIT_EXPECT_EQ(test, !!(ip->frag_off & htons(IP_DF)),
				c->inner == AF_INET);
		KUNIT_EXPECT_EQ(test, ip->tos, c->inner == AF_INET ? 0x10 : 0);
		KUNIT_EXPECT_EQ(test, ip_fast_csum(ip, ip->ihl), 0);
		KUNIT_EXPECT_EQ(test, skb->protocol, htons(ETH_P_IP));
	}
	KUNIT_EXPECT_EQ(test, skb_transport_offset(skb), (int)off);

	if (c->type == GUE) {
		struct udphdr *uh = (struct udphdr *)(skb->data + off);
		struct guehdr *gh = (struct guehdr *)(uh + 1);
		u8 inner_proto = c->inner == AF_INET6 ? IPPROTO_IPV6 :
							IPPROTO_IPIP;

		KUNIT_EXPECT_EQ(test, ntohs(uh->dest), GUE_PORT);
		KUNIT_EXPECT_NE(test, uh->source, 0);
		KUNIT_EXPECT_EQ(test, ntohs(uh->len), skb->len - off);
		KUNIT_EXPECT_EQ(test, (int)gh->version, 0);
		KUNIT_EXPECT_EQ(test, (int)gh->control, 0);
		KUNIT_EXPECT_EQ(test, gh->proto_ctype, inner_proto);
		if (c->partial) {
			__be32 *pflags = (__be32 *)(gh + 1);
			__be16 *pd = (__be16 *)(pflags + 1);
			unsigned int nh = c->inner == AF_INET6 ? 40 : 20;

			KUNIT_EXPECT_EQ(test, (int)gh->hlen, 2);
			KUNIT_EXPECT_EQ(test, gh->flags, GUE_FLAG_PRIV);
			KUNIT_EXPECT_EQ(test, *pflags, GUE_PFLAG_REMCSUM);
			KUNIT_EXPECT_EQ(test, ntohs(pd[0]), nh);
			KUNIT_EXPECT_EQ(test, ntohs(pd[1]), nh + 6);
		} else {
			KUNIT_EXPECT_EQ(test, (int)gh->hlen, 0);
			KUNIT_EXPECT_EQ(test, gh->flags, 0);
		}
		if (c->csum)
			expect_outer_csum_ok(test, skb, c, off);
		else if (!c->partial)
			KUNIT_EXPECT_EQ(test, uh->check, 0);
	} else if (c->type == GRE) {
		__be16 *gh = (__be16 *)(skb->data + off);

		KUNIT_EXPECT_EQ(test, gh[0], (c->flags & F_CSUM) ? GRE_CSUM : 0);
		KUNIT_EXPECT_EQ(test, gh[1], c->inner == AF_INET6 ?
				htons(ETH_P_IPV6) : htons(ETH_P_IP));
		if (c->csum || (c->partial && (c->flags & F_CSUM))) {
			/* A pending inner checksum is done before ours is checked. */
			if (c->partial)
				KUNIT_ASSERT_EQ(test, skb_checksum_help(skb), 0);
			expect_outer_csum_ok(test, skb, c, off);
		}
	}
	kfree_skb(skb);
}

/* Inner packets that cannot be tunnelled, and the header lengths alone. */
static void tun_malformed_test(struct kunit *test)
{
	struct kvs_tun t = {};
	struct sk_buff *skb;

	tun_addrs(&t, AF_INET);
	t.type = IPIP;

	/* Shorter than an IPv4 header. */
	skb = alloc_skb(64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reset_network_header(skb);
	((u8 *)skb_put_zero(skb, 10))[0] = 0x45;
	KUNIT_EXPECT_EQ(test, kvs_tun_encap(&init_net, skb, &t, 0, true), -EINVAL);
	KUNIT_EXPECT_EQ(test, skb->len, 10);
	kfree_skb(skb);

	/* Not IP at all. */
	skb = inner_packet(test, AF_INET, 0, false);
	ip_hdr(skb)->version = 5;
	KUNIT_EXPECT_EQ(test, kvs_tun_encap(&init_net, skb, &t, 0, true), -EINVAL);
	kfree_skb(skb);

	/* An IPv4 header longer than the packet says it is. */
	skb = inner_packet(test, AF_INET, 0, false);
	ip_hdr(skb)->tot_len = htons(skb->len + 1);
	KUNIT_EXPECT_EQ(test, kvs_tun_encap(&init_net, skb, &t, 0, true), -EINVAL);
	kfree_skb(skb);

	/* ihl below 5. */
	skb = inner_packet(test, AF_INET, 0, false);
	ip_hdr(skb)->ihl = 4;
	KUNIT_EXPECT_EQ(test, kvs_tun_encap(&init_net, skb, &t, 0, true), -EINVAL);
	kfree_skb(skb);

	/* An IPv6 payload length past the end. */
	skb = inner_packet(test, AF_INET6, 0, false);
	ipv6_hdr(skb)->payload_len = htons(skb->len);
	KUNIT_EXPECT_EQ(test, kvs_tun_encap(&init_net, skb, &t, 0, true), -EINVAL);
	kfree_skb(skb);

	/* An IPv6 packet truncated inside its header. */
	skb = inner_packet(test, AF_INET6, 0, false);
	skb_trim(skb, 30);
	KUNIT_EXPECT_EQ(test, kvs_tun_encap(&init_net, skb, &t, 0, true), -EINVAL);
	kfree_skb(skb);

	/* The network header must be at skb->data. */
	skb = inner_packet(test, AF_INET, 8, false);
	skb_push(skb, 4);
	KUNIT_EXPECT_EQ(test, kvs_tun_encap(&init_net, skb, &t, 0, true), -EINVAL);
	kfree_skb(skb);
}

/* Without pmtu_disc the outer IPv4 header never forbids fragmenting. */
static void tun_no_df_test(struct kunit *test)
{
	struct kvs_tun t = {};
	struct sk_buff *skb;

	tun_addrs(&t, AF_INET);
	t.type = IPIP;
	skb = inner_packet(test, AF_INET, 0, false);
	KUNIT_ASSERT_EQ(test, kvs_tun_encap(&init_net, skb, &t, 0, false), 0);
	KUNIT_EXPECT_EQ(test, ip_hdr(skb)->frag_off, 0);
	/* The inner packet keeps its own DF. */
	KUNIT_EXPECT_EQ(test, ((struct iphdr *)(skb->data + 20))->frag_off,
			htons(IP_DF));
	kfree_skb(skb);
}

static struct kunit_case tun_test_cases[] = {
	KUNIT_CASE_PARAM(tun_encap_test, tun_gen_params),
	KUNIT_CASE(tun_malformed_test),
	KUNIT_CASE(tun_no_df_test),
	{}
};

static struct kunit_suite tun_test_suite = {
	.name = "kvs_tunnel",
	.test_cases = tun_test_cases,
};

kunit_test_suite(tun_test_suite);
