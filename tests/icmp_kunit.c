// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the ICMP side of kvs (core/icmp.c, core/packet.c):
 * reading the header an ICMP error quotes (kvs_parse_quote), cut short or
 * not, and translating an error about a NAT connection (kvs_icmp_nat)
 * for IPv4 and IPv6, with every checksum checked from scratch; and the
 * real-server table behind sysctl nat_icmp_send (core/service.c).
 */
#include <kunit/test.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>

#include "../core/icmp.h"
#include "../core/packet.h"
#include "../core/service.h"

#define CPORT	40000
#define VPORT	53
#define RPORT	9000
#define CSUM(sum)	((__force u16)(sum))

/* The three parties, in both families; [0] IPv4, [1] IPv6. */
static const union nf_inet_addr caddr[2] = {
	{ .ip = cpu_to_be32(0xc6336407) },	/* 198.51.100.7 */
	{ .in6 = { { { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 7 } } } },
};

static const union nf_inet_addr vaddr[2] = {
	{ .ip = cpu_to_be32(0xc0000201) },	/* 192.0.2.1 */
	{ .in6 = { { { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } } } },
};

static const union nf_inet_addr raddr[2] = {
	{ .ip = cpu_to_be32(0x0a000211) },	/* 10.0.2.17 */
	{ .in6 = { { { 0xfd, 0x00, 0, 2, [15] = 0x11 } } } },
};

/* A router on the way, the sender of some errors. */
static const union nf_inet_addr gaddr[2] = {
	{ .ip = cpu_to_be32(0x0a000201) },
	{ .in6 = { { { 0xfd, 0x00, 0, 2, [15] = 1 } } } },
};

struct icmp_case {
	const char *desc;
	bool v6;
	u8 protocol;		/* quoted transport */
	bool to_client;		/* quotes a request, goes to the client */
	unsigned int l4_quoted;	/* transport bytes quoted */
	unsigned int l4_len;	/* transport bytes the quoted packet had */
	bool from_router;	/* sent by a router, not the other end */
	bool udp_no_csum;
};

static const struct icmp_case icmp_cases[] = {
	{ "v4 port unreachable from the real server", false, IPPROTO_UDP,
	  true, 20, 20 },
	{ "v4 frag needed from a router, tcp quoted whole header", false,
	  IPPROTO_TCP, true, 20, 1400, true },
	{ "v4 frag needed, only 8 bytes of tcp quoted", false, IPPROTO_TCP,
	  true, 8, 1400, true },
	{ "v4 port unreachable from the client about a reply", false,
	  IPPROTO_UDP, false, 20, 20 },
	{ "v4 time exceeded about a tcp reply", false, IPPROTO_TCP, false,
	  20, 20, true },
	{ "v4 udp without checksum stays without", false, IPPROTO_UDP, true,
	  20, 20, false, true },
	{ "v6 port unreachable from the real server", true, IPPROTO_UDP,
	  true, 20, 20 },
	{ "v6 packet too big from a router, tcp", true, IPPROTO_TCP, true,
	  20, 1400, true },
	{ "v6 packet too big, 8 bytes of tcp quoted", true, IPPROTO_TCP,
	  true, 8, 1400, true },
	{ "v6 port unreachable from the client about a reply", true,
	  IPPROTO_UDP, false, 20, 20 },
	{ "v6 hop limit exceeded about a tcp reply", true, IPPROTO_TCP,
	  false, 20, 20, true },
};

static void icmp_case_desc(const struct icmp_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(icmp, icmp_cases, icmp_case_desc);

/*
 * The ends of the quoted packet, as the error's sender saw it (@after:
 * as the error's receiver must see it).
 */
struct quote_ends {
	const union nf_inet_addr *src, *dst;
	__be16 sport, dport;
};

static void quote_ends(const struct icmp_case *c, bool after,
		       struct quote_ends *q)
{
	int f = c->v6;

	if (c->to_client) {	/* a request: client -> real server */
		q->src = &caddr[f];
		q->sport = htons(CPORT);
		q->dst = after ? &vaddr[f] : &raddr[f];
		q->dport = htons(after ? VPORT : RPORT);
	} else {		/* a reply: virtual service -> client */
		q->src = after ? &raddr[f] : &vaddr[f];
		q->sport = htons(after ? RPORT : VPORT);
		q->dst = &caddr[f];
		q->dport = htons(CPORT);
	}
}

/* The outer ends: the error goes back to the quoted packet's source. */
static void outer_ends(const struct icmp_case *c, bool after,
		       const union nf_inet_addr **src,
		       const union nf_inet_addr **dst)
{
	struct quote_ends q;

	quote_ends(c, after, &q);
	*dst = q.src;
	*src = c->from_router ? &gaddr[c->v6] : q.dst;
	/* Translated, it comes from the virtual service to the client. */
	if (after && c->to_client)
		*src = &vaddr[c->v6];
}

static __sum16 l4_sum(const struct icmp_case *c, const struct quote_ends *q,
		      const u8 *l4)
{
	__wsum sum = csum_partial(l4, c->l4_len, 0);

	if (c->v6)
		return csum_ipv6_magic(&q->src->in6, &q->dst->in6, c->l4_len,
				       c->protocol, sum);
	return csum_tcpudp_magic(q->src->ip, q->dst->ip, c->l4_len,
				 c->protocol, sum);
}

static unsigned int csum_off(u8 protocol)
{
	return protocol == IPPROTO_TCP ? offsetof(struct tcphdr, check) :
					 offsetof(struct udphdr, check);
}

/* The quoted packet (whole, @c->l4_len of transport) at @buf. */
static unsigned int quoted_packet(const struct icmp_case *c, bool after,
				  u8 *buf)
{
	unsigned int nhlen = c->v6 ? sizeof(struct ipv6hdr) :
				     sizeof(struct iphdr);
	u8 *l4 = buf + nhlen;
	struct quote_ends q;
	__sum16 *check;
	unsigned int i;

	quote_ends(c, after, &q);
	memset(buf, 0, nhlen + c->l4_len);
	if (c->v6) {
		struct ipv6hdr *ip6 = (struct ipv6hdr *)buf;

		ip6->version = 6;
		ip6->payload_len = htons(c->l4_len);
		ip6->nexthdr = c->protocol;
		ip6->hop_limit = 1;
		ip6->saddr = q.src->in6;
		ip6->daddr = q.dst->in6;
	} else {
		struct iphdr *ip = (struct iphdr *)buf;

		ip->version = 4;
		ip->ihl = 5;
		ip->tot_len = htons(nhlen + c->l4_len);
		ip->frag_off = htons(IP_DF);
		ip->ttl = 1;
		ip->protocol = c->protocol;
		ip->saddr = q.src->ip;
		ip->daddr = q.dst->ip;
		ip_send_check(ip);
	}
	for (i = 0; i < c->l4_len; i++)
		l4[i] = i * 3 + 1;
	((__be16 *)l4)[0] = q.sport;
	((__be16 *)l4)[1] = q.dport;
	if (c->protocol == IPPROTO_TCP) {
		struct tcphdr *th = (struct tcphdr *)l4;

		th->doff = 5;
	} else {
		((struct udphdr *)l4)->len = htons(c->l4_len);
	}
	check = (__sum16 *)(l4 + csum_off(c->protocol));
	*check = 0;
	if (!c->udp_no_csum)
		*check = l4_sum(c, &q, l4);
	return nhlen + c->l4_len;
}

/* The whole error message: outer header, ICMP header, the quote. */
static unsigned int icmp_error(const struct icmp_case *c, bool after,
			       u8 *buf)
{
	unsigned int nhlen = c->v6 ? sizeof(struct ipv6hdr) :
				     sizeof(struct iphdr);
	unsigned int qlen = (c->v6 ? sizeof(struct ipv6hdr) :
				     sizeof(struct iphdr)) + c->l4_quoted;
	const union nf_inet_addr *src, *dst;
	unsigned int len = nhlen + 8 + qlen;
	u8 *icmp = buf + nhlen;
	u8 *quote;
	__wsum sum;

	quote = kmalloc(2048, GFP_KERNEL);
	if (!quote)
		return 0;
	quoted_packet(c, after, quote);
	outer_ends(c, after, &src, &dst);
	memset(buf, 0, len);
	memcpy(icmp + 8, quote, qlen);
	kfree(quote);
	if (c->v6) {
		struct ipv6hdr *ip6 = (struct ipv6hdr *)buf;
		struct icmp6hdr *ic = (struct icmp6hdr *)icmp;

		ip6->version = 6;
		ip6->payload_len = htons(8 + qlen);
		ip6->nexthdr = IPPROTO_ICMPV6;
		ip6->hop_limit = 64;
		ip6->saddr = src->in6;
		ip6->daddr = dst->in6;
		ic->icmp6_type = c->to_client ? ICMPV6_PKT_TOOBIG :
						ICMPV6_DEST_UNREACH;
		ic->icmp6_mtu = htonl(1280);
		sum = csum_partial(icmp, 8 + qlen, 0);
		ic->icmp6_cksum = csum_ipv6_magic(&src->in6, &dst->in6,
						  8 + qlen, IPPROTO_ICMPV6, sum);
	} else {
		struct iphdr *ip = (struct iphdr *)buf;
		struct icmphdr *ic = (struct icmphdr *)icmp;

		ip->version = 4;
		ip->ihl = 5;
		ip->tot_len = htons(len);
		ip->ttl = 64;
		ip->protocol = IPPROTO_ICMP;
		ip->saddr = src->ip;
		ip->daddr = dst->ip;
		ip_send_check(ip);
		ic->type = ICMP_DEST_UNREACH;
		ic->code = ICMP_FRAG_NEEDED;
		ic->un.frag.mtu = htons(1300);
		ic->checksum = csum_fold(csum_partial(icmp, 8 + qlen, 0));
	}
	return len;
}

static struct sk_buff *bytes_skb(struct kunit *test, const u8 *buf,
				 unsigned int len, bool v6)
{
	struct sk_buff *skb = alloc_skb(len + 64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 32);
	skb_put_data(skb, buf, len);
	skb_reset_network_header(skb);
	skb->protocol = htons(v6 ? ETH_P_IPV6 : ETH_P_IP);
	return skb;
}

static void icmp_nat_test(struct kunit *test)
{
	const struct icmp_case *c = test->param_value;
	u16 af = c->v6 ? AF_INET6 : AF_INET;
	unsigned int len, want_len, nhlen, i;
	struct kvs_iph iph, ciph;
	struct kvs_conn *cp;
	struct sk_buff *skb;
	u8 *buf, *want;
	int f = c->v6;

	buf = kunit_kzalloc(test, 2048, GFP_KERNEL);
	want = kunit_kzalloc(test, 2048, GFP_KERNEL);
	cp = kunit_kzalloc(test, sizeof(*cp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, want);
	KUNIT_ASSERT_NOT_NULL(test, cp);

	/* client:cport -> vaddr:vport, served by raddr:rport */
	for (i = 0; i < KVS_DIR_MAX; i++) {
		cp->tuple[i].t.af = af;
		cp->tuple[i].t.protocol = c->protocol;
		cp->tuple[i].dir = i;
	}
	cp->tuple[KVS_DIR_ORIG].t.src = caddr[f];
	cp->tuple[KVS_DIR_ORIG].t.sport = htons(CPORT);
	cp->tuple[KVS_DIR_ORIG].t.dst = vaddr[f];
	cp->tuple[KVS_DIR_ORIG].t.dport = htons(VPORT);
	cp->tuple[KVS_DIR_REPLY].t.src = raddr[f];
	cp->tuple[KVS_DIR_REPLY].t.sport = htons(RPORT);
	cp->tuple[KVS_DIR_REPLY].t.dst = caddr[f];
	cp->tuple[KVS_DIR_REPLY].t.dport = htons(CPORT);
	cp->proto = kvs_proto_find(c->protocol);
	cp->flags = IP_VS_CONN_F_MASQ;
	KUNIT_ASSERT_NOT_NULL(test, cp->proto);

	len = icmp_error(c, false, buf);
	want_len = icmp_error(c, true, want);
	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_ASSERT_EQ(test, len, want_len);
	skb = bytes_skb(test, buf, len, c->v6);

	KUNIT_ASSERT_EQ(test, c->v6 ? kvs_parse_ipv6(skb, &iph) :
				      kvs_parse_ipv4(skb, &iph), 0);
	KUNIT_ASSERT_EQ(test, kvs_parse_quote(skb, iph.thoff + 8, af, &ciph), 0);
	KUNIT_EXPECT_EQ(test, ciph.protocol, c->protocol);
	KUNIT_EXPECT_EQ(test, ntohs(ciph.sport), c->to_client ? CPORT : VPORT);
	KUNIT_EXPECT_EQ(test, ntohs(ciph.dport), c->to_client ? RPORT : CPORT);

	KUNIT_EXPECT_EQ(test, kvs_icmp_nat(skb, &iph, &ciph, cp, c->to_client),
			0);
	KUNIT_ASSERT_EQ(test, skb->len, len);

	/*
	 * Byte for byte what the receiver must get: the error as if the
	 * quoted packet had been what it sent (or got), every checksum
	 * included; only a router's outer source differs for a request.
	 */
	nhlen = c->v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);
	KUNIT_EXPECT_EQ(test, memcmp(skb->data + nhlen + 8, want + nhlen + 8,
				     len - nhlen - 8), 0);
	KUNIT_EXPECT_EQ(test, memcmp(skb->data, want, nhlen), 0);
	if (c->v6) {
		KUNIT_EXPECT_EQ(test, CSUM(csum_ipv6_magic(&ipv6_hdr(skb)->saddr,
							   &ipv6_hdr(skb)->daddr,
							   len - nhlen,
							   IPPROTO_ICMPV6,
							   skb_checksum(skb, nhlen,
									len - nhlen,
									0))),
				0);
	} else {
		KUNIT_EXPECT_EQ(test, CSUM(ip_fast_csum(skb->data, 5)), 0);
		KUNIT_EXPECT_EQ(test, CSUM(csum_fold(skb_checksum(skb, nhlen,
								  len - nhlen,
								  0))), 0);
	}
	kfree_skb(skb);
}

/* ---- quotes cut short or broken ---- */

struct quote_case {
	const char *desc;
	bool v6;
	unsigned int quoted;	/* bytes of the quote kept */
	u8 version;		/* 0: the right one */
	u8 protocol;
	int err;
};

static const struct quote_case quote_cases[] = {
	{ "v4 header and 8 bytes of udp", false, 28, 0, IPPROTO_UDP, 0 },
	{ "v4 header and 7 bytes of udp", false, 27, 0, IPPROTO_UDP, -EINVAL },
	{ "v4 header and 4 bytes of tcp", false, 24, 0, IPPROTO_TCP, -EINVAL },
	{ "v4 header cut at 19 bytes", false, 19, 0, IPPROTO_UDP, -EINVAL },
	{ "v4 nothing quoted", false, 0, 0, IPPROTO_UDP, -EINVAL },
	{ "v4 quote of version 6", false, 28, 6, IPPROTO_UDP, -EINVAL },
	{ "v4 icmp quoted, no ports needed", false, 20, 0, IPPROTO_ICMP, 0 },
	{ "v6 header and 8 bytes of tcp", true, 48, 0, IPPROTO_TCP, 0 },
	{ "v6 header and 7 bytes of udp", true, 47, 0, IPPROTO_UDP, -EINVAL },
	{ "v6 header cut at 39 bytes", true, 39, 0, IPPROTO_UDP, -EINVAL },
	{ "v6 quote of version 4", true, 48, 4, IPPROTO_UDP, -EINVAL },
};

static void quote_case_desc(const struct quote_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(quote, quote_cases, quote_case_desc);

static void icmp_quote_test(struct kunit *test)
{
	const struct quote_case *qc = test->param_value;
	struct icmp_case c = {
		.v6 = qc->v6, .protocol = qc->protocol, .to_client = true,
		.l4_quoted = 20, .l4_len = 20,
	};
	unsigned int nhlen = qc->v6 ? sizeof(struct ipv6hdr) :
				      sizeof(struct iphdr);
	struct kvs_iph ciph;
	struct sk_buff *skb;
	unsigned int len;
	u8 *buf;

	if (qc->protocol == IPPROTO_ICMP)
		c.protocol = IPPROTO_UDP;
	buf = kunit_kzalloc(test, 2048, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	len = icmp_error(&c, false, buf);
	KUNIT_ASSERT_GT(test, len, 0);
	if (qc->version)
		buf[nhlen + 8] = (buf[nhlen + 8] & 0x0f) | qc->version << 4;
	if (qc->protocol == IPPROTO_ICMP)
		buf[nhlen + 8 + offsetof(struct iphdr, protocol)] = IPPROTO_ICMP;
	/* Cut the message after @quoted bytes of quote. */
	skb = bytes_skb(test, buf, nhlen + 8 + qc->quoted, qc->v6);
	memset(&ciph, 0xa5, sizeof(ciph));
	KUNIT_EXPECT_EQ(test, kvs_parse_quote(skb, nhlen + 8,
					      qc->v6 ? AF_INET6 : AF_INET,
					      &ciph), qc->err);
	kfree_skb(skb);
}

/*
 * sysctl nat_icmp_send's question, in init_net's own tables: is this
 * address and port a masquerading dest of a service of the protocol (or
 * of a fwmark service)?  Asked as dests come, change method and go.
 */
static void nat_real_server_test(struct kunit *test)
{
	const union nf_inet_addr dr = { .ip = cpu_to_be32(0x0a000212) };
	struct kvs_net *kn = kvs_net(&init_net);
	struct kvs_service *svc, *fwm = NULL;
	struct kvs_service_conf sc = {};
	struct kvs_dest_conf dc = {};
	int err;

	strscpy(sc.sched_name, "none", sizeof(sc.sched_name));
	kvs_service_key_init(&sc.key);
	sc.key.af = AF_INET;
	sc.key.protocol = IPPROTO_TCP;
	sc.key.addr = vaddr[0];
	sc.key.port = htons(VPORT);
	dc.af = AF_INET;
	dc.addr = raddr[0];
	dc.port = htons(RPORT);
	dc.weight = 1;

	mutex_lock(&kn->lock);
	err = kvs_service_add(kn, &sc);
	svc = kvs_service_lookup(kn, &sc.key);
	if (svc) {
		err = err ?: kvs_dest_add(svc, &dc);
		dc.addr = dr;
		dc.conn_flags = IP_VS_CONN_F_DROUTE;
		err = err ?: kvs_dest_add(svc, &dc);
	}
	mutex_unlock(&kn->lock);
	KUNIT_ASSERT_EQ(test, err, 0);

	rcu_read_lock();
	KUNIT_EXPECT_TRUE(test, kvs_nat_real_server(kn, AF_INET, IPPROTO_TCP,
						    &raddr[0], htons(RPORT)));
	KUNIT_EXPECT_FALSE(test, kvs_nat_real_server(kn, AF_INET, IPPROTO_UDP,
						     &raddr[0], htons(RPORT)));
	KUNIT_EXPECT_FALSE(test, kvs_nat_real_server(kn, AF_INET, IPPROTO_TCP,
						     &raddr[0], htons(RPORT + 1)));
	KUNIT_EXPECT_FALSE(test, kvs_nat_real_server(kn, AF_INET, IPPROTO_TCP,
						     &dr, htons(RPORT)));
	KUNIT_EXPECT_FALSE(test, kvs_nat_real_server(kn, AF_INET6, IPPROTO_TCP,
						     &raddr[1], htons(RPORT)));
	rcu_read_unlock();

	/* A fwmark service's dest answers for every protocol. */
	kvs_service_key_init(&sc.key);
	sc.key.af = AF_INET;
	sc.key.fwmark = 7;
	dc.addr = dr;
	dc.conn_flags = IP_VS_CONN_F_MASQ;
	mutex_lock(&kn->lock);
	err = kvs_service_add(kn, &sc);
	fwm = kvs_service_lookup(kn, &sc.key);
	if (fwm)
		err = err ?: kvs_dest_add(fwm, &dc);
	mutex_unlock(&kn->lock);
	KUNIT_EXPECT_EQ(test, err, 0);
	rcu_read_lock();
	KUNIT_EXPECT_TRUE(test, kvs_nat_real_server(kn, AF_INET, IPPROTO_SCTP,
						    &dr, htons(RPORT)));
	rcu_read_unlock();

	/* Edited to direct routing, then removed: no longer. */
	dc.addr = raddr[0];
	dc.conn_flags = IP_VS_CONN_F_DROUTE;
	mutex_lock(&kn->lock);
	KUNIT_EXPECT_EQ(test, kvs_dest_edit(svc, &dc), 0);
	mutex_unlock(&kn->lock);
	rcu_read_lock();
	KUNIT_EXPECT_FALSE(test, kvs_nat_real_server(kn, AF_INET, IPPROTO_TCP,
						     &raddr[0], htons(RPORT)));
	rcu_read_unlock();
	mutex_lock(&kn->lock);
	if (fwm)
		kvs_service_del(fwm);
	kvs_service_del(svc);
	mutex_unlock(&kn->lock);
	rcu_read_lock();
	KUNIT_EXPECT_FALSE(test, kvs_nat_real_server(kn, AF_INET, IPPROTO_SCTP,
						     &dr, htons(RPORT)));
	rcu_read_unlock();
}

static struct kunit_case icmp_test_cases[] = {
	KUNIT_CASE_PARAM(icmp_nat_test, icmp_gen_params),
	KUNIT_CASE_PARAM(icmp_quote_test, quote_gen_params),
	KUNIT_CASE(nat_real_server_test),
	{}
};

static struct kunit_suite icmp_test_suite = {
	.name = "kvs_icmp",
	.test_cases = icmp_test_cases,
};

kunit_test_suite(icmp_test_suite);
