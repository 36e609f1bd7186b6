/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything kvs knows about differences between kernel versions.  Core
 * code uses the helpers below and never tests LINUX_VERSION_CODE itself.
 * Supported: 6.1 (Debian 12) up to 6.12.
 */
#ifndef _KVS_COMPAT_H
#define _KVS_COMPAT_H

#include <linux/skbuff.h>
#include <net/netfilter/nf_conntrack.h>

/*
 * skb->ipvs_property marks a packet IPVS already handled, so it is not
 * balanced twice when re-injected; it is the same bit the in-tree module
 * uses, which keeps xt_ipvs and conntrack helpers seeing what they expect.
 */
static inline void kvs_skb_set_owned(struct sk_buff *skb)
{
	skb->ipvs_property = 1;
}

static inline bool kvs_skb_owned(const struct sk_buff *skb)
{
	return skb->ipvs_property;
}

/* Balanced packets are not tracked by conntrack (in-tree's default). */
static inline void kvs_skb_untrack(struct sk_buff *skb)
{
	nf_reset_ct(skb);
	nf_ct_set(skb, NULL, IP_CT_UNTRACKED);
}

#endif /* _KVS_COMPAT_H */
