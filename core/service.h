/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Virtual services and their real servers (dests) (core/service.c): the
 * service table of a namespace, the dest sets, removed dests kept in a
 * trash to be revived, and the real-server table sysctl nat_icmp_send
 * asks.
 *
 * Locking: every change is made under kvs_net.lock.  The data path finds
 * services and walks dest sets under RCU: a dest set is immutable and
 * replaced as a whole, services and dests are freed after a grace
 * period once their last reference is put.
 */
#ifndef _KVS_SERVICE_H
#define _KVS_SERVICE_H

#include <linux/ip_vs.h>
#include <linux/netfilter.h>
#include <linux/rhashtable.h>
#include <net/dst_cache.h>

#include "netns.h"
#include "stats.h"

/*
 * The identity of a virtual service, hashed as raw bytes: builders must
 * zero it first (kvs_service_key_init) so padding and the unused part of
 * @addr compare equal.  Fwmark services have protocol, addr and port 0.
 */
struct kvs_service_key {
	union nf_inet_addr addr;
	__be16 port;
	u16 af;
	u16 protocol;
	u16 pad;
	u32 fwmark;
};

struct kvs_dest;

/*
 * The array dest sets point into (core/service.c).  A set of n dests is
 * n consecutive slots of it, and it grows towards the front: adding a
 * dest writes the slot just before the current set's, which no reader's
 * set contains, and publishes a set one longer on the same array.  So
 * consecutive sets share it, and n adds copy O(n) pointers in all (the
 * array doubles when full), not one array of n per add.  Owned by the
 * service's current set; a full array, or any removal, moves the set to
 * a new one, and the old goes after a grace period.
 */
struct kvs_dest_room {
	struct rcu_head rcu;
	unsigned int size;
	struct kvs_dest *slot[];
};

/*
 * An immutable snapshot of a service's real servers, newest first (the
 * order the in-tree module keeps, which its rr follows): @dest[0] to
 * @dest[n - 1].  Replaced as a whole under kvs_net.lock and freed after
 * a grace period, so schedulers walk it under RCU without locks.
 * @room: what @dest points into (NULL for a set made elsewhere, as in
 * the KUnit tests).
 */
struct kvs_dest_set {
	struct rcu_head rcu;
	unsigned int n;
	struct kvs_dest **dest;
	struct kvs_dest_room *room;
};

struct kvs_scheduler;
struct kvs_pe;

struct kvs_service {
	struct rhash_head node;		/* in kvs_net.services */
	struct kvs_service_key key;
	u32 id;				/* in kvs_net.svc_ids */
	struct kvs_net *kn;

	/* Written under kvs_net.lock, read under RCU. */
	u32 flags;			/* IP_VS_SVC_F_* */
	unsigned int timeout;		/* persistence, jiffies */
	__be32 netmask;			/* IPv4 mask, or IPv6 prefix length */
	struct kvs_dest_set __rcu *dests;
	struct kvs_scheduler __rcu *sched;
	void __rcu *sched_data;		/* owned by @sched */
	struct kvs_pe __rcu *pe;	/* holds a module reference */
	char pe_name[IP_VS_PENAME_MAXLEN];	/* @pe's, "" without one */

	struct kvs_stats stats;
	/*
	 * One reference for the service table and one per dest still
	 * pointing here (a removed dest lives on while connections use it).
	 */
	refcount_t refcnt;
	struct rcu_head rcu;
};

/* kvs_dest.flags bits */
enum {
	KVS_DEST_AVAILABLE,	/* in its service's dest set */
	KVS_DEST_OVERLOAD,	/* over u_threshold, not under l_threshold yet */
};

struct kvs_dest {
	/*
	 * Holds a reference.  A dest revived from the trash into a new
	 * service with the same key moves to it: RCU readers see either.
	 */
	struct kvs_service *svc;
	union nf_inet_addr addr;
	__be16 port;
	u16 af;

	/* Written under kvs_net.lock, read locklessly (READ_ONCE). */
	u32 conn_flags;			/* IP_VS_CONN_F_FWD_MASK method */
	int weight;
	int last_weight;		/* the latest nonzero weight (mh) */
	u32 u_threshold;
	u32 l_threshold;
	u16 tun_type;
	__be16 tun_port;
	u16 tun_flags;

	unsigned long flags;		/* KVS_DEST_* bits */
	atomic_t activeconns;
	atomic_t inactconns;
	atomic_t persistconns;

	struct kvs_stats stats;
	/*
	 * The route toward addr for the current method, per CPU (the
	 * kernel's dst_cache: a route the FIB changed since is looked up
	 * again).  Reset when the method changes.  See kvs_dest_routes().
	 * Its per-CPU storage is allocated with the first route to cache
	 * (set once, under BHs off, by cmpxchg) and freed with the dest.
	 */
	struct dst_cache routes;
	/* One reference for the dest set (or trash), one per connection. */
	refcount_t refcnt;
	/* In kvs_net.dest_trash once removed from its service. */
	struct rhash_head trash_node;
	/* In kvs_net.real_servers while in its service's dest set. */
	struct hlist_node rs_node;
	struct list_head trash;
	unsigned long idle_since;	/* jiffies only the trash held it, or 0 */
	struct rcu_head rcu;
};

/* Parsed forms of the netlink (or sockopt) service and dest requests. */
struct kvs_service_conf {
	struct kvs_service_key key;
	char sched_name[IP_VS_SCHEDNAME_MAXLEN];
	char pe_name[IP_VS_PENAME_MAXLEN];
	u32 flags;
	u32 timeout;			/* seconds */
	__be32 netmask;
};

struct kvs_dest_conf {
	union nf_inet_addr addr;
	__be16 port;
	u16 af;
	u32 conn_flags;
	int weight;
	u32 u_threshold;
	u32 l_threshold;
	u16 tun_type;
	__be16 tun_port;
	u16 tun_flags;
};

static inline void kvs_service_key_init(struct kvs_service_key *k)
{
	memset(k, 0, sizeof(*k));
}

int kvs_services_init(struct kvs_net *kn);
void kvs_services_exit(struct kvs_net *kn);

/* RCU (data path) or kvs_net.lock (control). */
struct kvs_service *kvs_service_lookup(struct kvs_net *kn,
				       const struct kvs_service_key *key);

/* Control plane: all called with kvs_net.lock held. */
int kvs_service_add(struct kvs_net *kn, const struct kvs_service_conf *c);
int kvs_service_edit(struct kvs_service *svc, const struct kvs_service_conf *c);
int kvs_service_del(struct kvs_service *svc);
void kvs_service_flush(struct kvs_net *kn);
void kvs_service_zero(struct kvs_service *svc);
void kvs_zero_all(struct kvs_net *kn);
int kvs_dest_add(struct kvs_service *svc, const struct kvs_dest_conf *c);
int kvs_dest_edit(struct kvs_service *svc, const struct kvs_dest_conf *c);
int kvs_dest_del(struct kvs_service *svc, const union nf_inet_addr *addr,
		 __be16 port, u16 af);
struct kvs_dest *kvs_dest_find(struct kvs_service *svc,
			       const union nf_inet_addr *addr, __be16 port,
			       u16 af);

static inline struct kvs_dest_set *kvs_dests_locked(struct kvs_service *svc)
{
	return rcu_dereference_protected(svc->dests,
					 lockdep_is_held(&svc->kn->lock));
}

void kvs_dest_put(struct kvs_dest *dest);
/* Data path, under RCU: is this a masquerading dest of some service? */
bool kvs_nat_real_server(struct kvs_net *kn, u16 af, u8 protocol,
			 const union nf_inet_addr *addr, __be16 port);

/* A dest may take new connections: weight > 0 and not overloaded. */
static inline bool kvs_dest_usable(const struct kvs_dest *dest)
{
	return READ_ONCE(dest->weight) > 0 &&
	       !test_bit(KVS_DEST_OVERLOAD, &dest->flags);
}

#endif /* _KVS_SERVICE_H */
