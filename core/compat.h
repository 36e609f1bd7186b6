/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything kvs knows about differences between kernel versions.  Core
 * code uses the helpers below and never tests LINUX_VERSION_CODE itself.
 * Supported: 6.1 (Debian 12) up to 6.12.
 */
#ifndef _KVS_COMPAT_H
#define _KVS_COMPAT_H

/* 6.12's <net/checksum.h> uses ror32 without including this first. */
#include <linux/bitops.h>
#include <linux/skbuff.h>
#include <linux/sysctl.h>
#include <net/inet_sock.h>
#include <net/net_namespace.h>
#include <net/netfilter/nf_conntrack.h>
/*
 * Headers that moved, tested by Kbuild: from 6.6 the GSO helpers
 * (skb_gso_validate_network_len) have their own.
 */
#ifdef KVS_HAVE_NET_GSO_H
#include <net/gso.h>
#endif
/* From 6.12 the unaligned accessors are generic. */
#ifdef KVS_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

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

/* IP_NODEFRAG on @sk: from 6.6 a bit of inet_flags. */
static inline bool kvs_sk_nodefrag(const struct sock *sk)
{
#ifdef inet_test_bit
	return inet_test_bit(NODEFRAG, sk);
#else
	return inet_sk(sk)->nodefrag;
#endif
}

/*
 * sysctl tables built at run time: from 6.5 they are registered with
 * their size (register_net_sysctl became a macro taking ARRAY_SIZE).
 * From 6.11 handlers take a const table; Kbuild defines
 * KVS_HAVE_CONST_CTL_TABLE when <linux/sysctl.h> declares them so.
 */
#ifdef KVS_HAVE_CONST_CTL_TABLE
#define kvs_ctl_table const struct ctl_table
#else
#define kvs_ctl_table struct ctl_table
#endif

/* @tbl has @n entries and a zeroed sentinel after them. */
static inline struct ctl_table_header *
kvs_register_net_sysctl(struct net *net, const char *path,
			struct ctl_table *tbl, size_t n)
{
#ifdef register_net_sysctl
	return register_net_sysctl_sz(net, path, tbl, n);
#else
	return register_net_sysctl(net, path, tbl);
#endif
}

/*
 * From 6.2 the in-tree estimator runs in kthreads placed by the sysctls
 * est_cpulist and est_nice; kvs shows them where the kernel's own IPVS
 * has them: Kbuild defines KVS_HAVE_IPVS_EST_CPULIST when <net/ip_vs.h>
 * holds sysctl_est_cpulist.
 */
#ifdef KVS_HAVE_IPVS_EST_CPULIST
#define KVS_EST_SYSCTLS 1
#else
#define KVS_EST_SYSCTLS 0
#endif

#endif /* _KVS_COMPAT_H */
