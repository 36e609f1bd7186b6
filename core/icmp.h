/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ICMP and ICMPv6 errors about a balanced connection (core/icmp.c),
 * matched through the header they quote and translated for the host at
 * the other end.  Data path, under RCU.  The errors kvs sends itself are
 * kvs_icmp_send_error(), xmit/xmit.h.
 */
#ifndef _KVS_ICMP_H
#define _KVS_ICMP_H

#include <linux/skbuff.h>

struct kvs_conn;
struct kvs_iph;
struct kvs_net;

unsigned int kvs_icmp_hook(struct kvs_net *kn, struct sk_buff *skb,
			   const struct kvs_iph *iph, unsigned int hooknum);
int kvs_icmp_nat(struct sk_buff *skb, const struct kvs_iph *iph,
		 const struct kvs_iph *ciph, const struct kvs_conn *cp,
		 bool to_client);

#endif /* _KVS_ICMP_H */
