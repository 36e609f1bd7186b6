/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ICMP and ICMPv6 (core/icmp.c): the errors kvs sends itself, and errors
 * about a balanced connection, matched through the header they quote and
 * translated for the host at the other end.  Data path, under RCU.
 */
#ifndef _KVS_ICMP_H
#define _KVS_ICMP_H

#include <linux/skbuff.h>

struct kvs_conn;
struct kvs_iph;
struct kvs_net;

/* The errors kvs itself answers with, in either family. */
enum kvs_icmp_error {
	KVS_ICMP_PORT_UNREACH,	/* no usable real server */
	KVS_ICMP_TOOBIG,	/* frag needed / packet too big; info: MTU */
	KVS_ICMP_TTL,		/* TTL / hop limit exceeded in transit */
	KVS_ICMP_MAX,
};

void kvs_icmp_send_error(struct sk_buff *skb, u16 af, enum kvs_icmp_error what,
			 u32 info);
unsigned int kvs_icmp_hook(struct kvs_net *kn, struct sk_buff *skb,
			   const struct kvs_iph *iph, unsigned int hooknum);
int kvs_icmp_nat(struct sk_buff *skb, const struct kvs_iph *iph,
		 const struct kvs_iph *ciph, const struct kvs_conn *cp,
		 bool to_client);

#endif /* _KVS_ICMP_H */
