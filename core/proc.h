/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/net/ip_vs* and /proc/net/kvs_stats (core/proc.c), per namespace.
 * Readers take kvs_net.lock for the service listings and walk the
 * connection and template tables under RCU.
 */
#ifndef _KVS_PROC_H
#define _KVS_PROC_H

#include <linux/netfilter.h>
#include <linux/types.h>

#include "estimator.h"

struct kvs_net;
struct kvs_service_key;

int kvs_proc_init(struct kvs_net *kn);
void kvs_proc_exit(struct kvs_net *kn);
/* The /proc/net/ip_vs* line formatters (core/proc.c), for KUnit. */
const char *kvs_proc_fwd_name(u32 conn_flags);
/* A protocol as in-tree's /proc files name it ("ERR!" if none). */
const char *kvs_proc_proto_name(u16 protocol);
int kvs_proc_fmt_service(char *buf, size_t size,
			 const struct kvs_service_key *key, const char *sched,
			 u32 flags, unsigned int timeout, __be32 netmask);
int kvs_proc_fmt_dest(char *buf, size_t size, u16 af,
		      const union nf_inet_addr *addr, __be16 port,
		      u32 conn_flags, int weight, int active, int inactive);
int kvs_proc_fmt_counts(char *buf, size_t size, const u64 v[KVS_RATE_MAX]);

#endif /* _KVS_PROC_H */
