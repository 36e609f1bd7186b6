/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per network namespace state (core/netns.c): every namespace has its own
 * services, connections, templates, timeouts, sysctls and counters, and
 * sees no other namespace's.  struct kvs_net embeds each subsystem's
 * per-namespace part; the subsystems own what their part holds.
 *
 * Locking: kvs_net.lock serialises every control-plane change in the
 * namespace (see below); the data path never takes it and reads the same
 * objects under RCU.
 */
#ifndef _KVS_NETNS_H
#define _KVS_NETNS_H

#include <linux/mutex.h>
#include <linux/rhashtable.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "conn.h"
#include "defense.h"
#include "estimator.h"
#include "persist.h"
#include "proto.h"
#include "stats.h"
#include "sysctl.h"

/* Buckets of kvs_net.real_servers, as a power of two. */
#define KVS_RS_TAB_BITS		8

struct kvs_net {
	struct net *net;
	struct kvs_sysctl sysctl;
	struct kvs_defense defense;
	struct ctl_table *sysctl_table;		/* this namespace's copy */
	struct ctl_table_header *sysctl_hdr;

	/*
	 * Serialises every control-plane change in this namespace: the
	 * service table and id map, each service's dest set, scheduler
	 * binding, timeouts and hook registration.  The data path never
	 * takes it; it reads the same objects under RCU.
	 */
	struct mutex lock;
	struct rhashtable services;	/* kvs_service by kvs_service_key */
	struct xarray svc_ids;		/* kvs_service by id: dump order */
	u32 next_svc_id;		/* for xa_alloc_cyclic */
	unsigned int num_services;
	bool hooks_registered;
	unsigned long state;		/* KVS_NET_* bits */
	bool defrag6;			/* nf_defrag_ipv6 on for us, under @lock */
	/*
	 * A dest with direct routing or a tunnel was ever configured here:
	 * only then can a real server's reply pass with no tuple of its
	 * own, so only then does a miss look the reverse tuple up.  Set
	 * under @lock, never cleared; read locklessly (READ_ONCE).
	 */
	bool direct_replies;
	/*
	 * Removed dests, kept a while (as in-tree) so that adding the same
	 * server back to a service with the same key revives its counters
	 * and the connections still using it.  Under @lock.
	 */
	struct rhashtable dest_trash;	/* by service key + dest address */
	/*
	 * The dests in a dest set, by family, address and port, for
	 * sysctl nat_icmp_send (in-tree's real-server table).  Written
	 * under @lock, read under RCU.  Plain hlist buckets: many dests
	 * share one key (one server behind many services), and a dest
	 * leaves its bucket in O(1), where an rhltable walks the key's list.
	 * 1 << KVS_RS_TAB_BITS buckets, allocated with the namespace's
	 * first service (NULL before: no dest can be in it), freed at exit.
	 */
	struct hlist_head *real_servers;
	struct list_head trash_list;	/* the same dests, for aging */
	struct delayed_work trash_work;

	/*
	 * The connections and the persistence templates (core/persist.c).
	 * Both come with the namespace's first service or sync daemon
	 * (kvs_net_tables()), so that its many pod namespaces that never
	 * configure kvs allocate neither.  @tables: they are there; set
	 * once under @lock with release, before the hooks and the sync
	 * daemon that use them start, never cleared; read with acquire by
	 * what may run before (ip_vs_conn).
	 */
	struct kvs_conn_table conns;
	struct kvs_tpl_table tpls;
	bool tables;
	/*
	 * Services with port 0 (not fwmark): only while there are any does
	 * a packet missing its exact service look for VIP:0.  Written under
	 * @lock, read with READ_ONCE.
	 */
	unsigned int port0_services;

	/* Timeouts in jiffies, written under @lock, read with READ_ONCE. */
	unsigned int tcp_timeout[KVS_TCP_S_LAST];
	unsigned int udp_timeout[KVS_UDP_S_LAST];

	struct kvs_stats stats;		/* totals over all services */
	struct kvs_pcpu_drops __percpu *drops;
	/*
	 * Commands an application helper found malformed (or too long)
	 * and let through unchanged; only bad input pays for the atomic.
	 */
	atomic_long_t app_malformed;
	struct kvs_est_table est;	/* rates of all the kvs_stats here */
};

extern unsigned int kvs_net_id;

static inline struct kvs_net *kvs_net(const struct net *net)
{
	return net_generic(net, kvs_net_id);
}

/* kvs_net.state bits */
enum {
	KVS_NET_ACTIVE,		/* periodic work started: kvs_net_activate() */
};

int kvs_netns_init(void);
void kvs_netns_exit(void);
int kvs_net_tables(struct kvs_net *kn);
int kvs_net_activate(struct kvs_net *kn);

/* The tables are there (see kvs_net.tables): lockless. */
static inline bool kvs_net_has_tables(const struct kvs_net *kn)
{
	/* Pairs with kvs_net_tables()'s release: the tables are whole. */
	return smp_load_acquire(&kn->tables);
}

#endif /* _KVS_NETNS_H */
