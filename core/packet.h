/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet parsing (core/packet.c): what the data path learns from a
 * packet's network and transport headers, IPv4 and IPv6 (extension
 * headers walked), and from the header an ICMP error quotes.  No state,
 * no locks.
 */
#ifndef _KVS_PACKET_H
#define _KVS_PACKET_H

#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <net/ipv6.h>

/* What the data path learns from a packet's network and transport headers. */
struct kvs_iph {
	u16 af;
	u8 protocol;
	bool fragment;			/* not the first fragment: no ports */
	unsigned int thoff;		/* transport header offset */
	unsigned int len;		/* skb->len when parsed */
	union nf_inet_addr saddr;
	union nf_inet_addr daddr;
	__be16 sport;
	__be16 dport;
};

/* Addresses of family @af: for IPv4 only the first word is set. */
static inline bool kvs_addr_equal(u16 af, const union nf_inet_addr *a,
				  const union nf_inet_addr *b)
{
	if (af == AF_INET6)
		return ipv6_addr_equal(&a->in6, &b->in6);
	return a->ip == b->ip;
}

int kvs_parse_ipv4(const struct sk_buff *skb, struct kvs_iph *iph);
/* IPv6, ICMP and fwmark (v6 helper): the IPv6 parser. */
int kvs_parse_ipv6(const struct sk_buff *skb, struct kvs_iph *iph);
int kvs_parse_quote(const struct sk_buff *skb, unsigned int off, u16 af,
		    struct kvs_iph *iph);
struct kvs_tuple;
void kvs_tuple_from_iph(struct kvs_tuple *t, const struct kvs_iph *iph);

#endif /* _KVS_PACKET_H */
