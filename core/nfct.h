/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What conntrack sees of a balanced connection (core/nfct.c), as in-tree
 * sysctl conntrack has it.  A connection made while the sysctl is 1
 * carries IP_VS_CONN_F_NFCT: its packets keep their conntrack entry,
 * whose reply tuple a masquerading connection sets to what the real
 * server really answers from, so that netfilter NAT (MASQUERADE, SNAT in
 * POSTROUTING), ct state and ct mark rules see the connection as it is;
 * the entry goes when the connection does.  A connection made while it
 * is 0 leaves nothing in conntrack: its requests and its NAT replies
 * are marked untracked.
 *
 * Locking: the data path calls these under RCU with BHs off (or from
 * LOCAL_OUT, preemptible under RCU); kvs_nfct_forget() also from the
 * connection gc (process context).  Nothing here sleeps or takes a lock
 * of kvs's; conntrack takes its own.  An unconfirmed entry (not yet in
 * conntrack's hash) belongs to the one packet carrying it, which is why
 * its reply tuple may be changed without a lock.
 */
#ifndef _KVS_NFCT_H
#define _KVS_NFCT_H

#include <linux/skbuff.h>

struct kvs_conn;
struct net;

void kvs_nfct_request(struct sk_buff *skb, const struct kvs_conn *cp);
void kvs_nfct_reply(struct sk_buff *skb, const struct kvs_conn *cp);
int kvs_nfct_tunnel(struct sk_buff *skb, const struct kvs_conn *cp);
bool kvs_nfct_old(const struct sk_buff *skb);
void kvs_nfct_expect(struct sk_buff *skb, const struct kvs_conn *cp);
bool kvs_nfct_seq_adjusts(const struct sk_buff *skb, const struct kvs_conn *cp);
void kvs_nfct_resized(struct sk_buff *skb, const struct kvs_conn *cp,
		      __be32 seq, s32 diff);
void kvs_nfct_forget(struct net *net, const struct kvs_conn *cp);

#endif /* _KVS_NFCT_H */
