/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvs core objects: per-namespace state, virtual services, real servers
 * (dests), connections, schedulers, protocols and counters.  Every other
 * part of kvs (netlink, schedulers, transmitters) works through this file.
 */
#ifndef _KVS_H
#define _KVS_H

#include <linux/device/driver.h>
#include <linux/hashtable.h>
#include <linux/ip_vs.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/percpu.h>
#include <linux/rhashtable.h>
#include <linux/skbuff.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/dst_cache.h>
#include <net/net_namespace.h>

#include "compat.h"

/* What GET_INFO reports; ipvsadm prints it as "1.2.1". */
#define KVS_VERSION_CODE	0x010201

/* The two directions of a balanced connection. */
enum kvs_dir {
	KVS_DIR_ORIG,		/* client -> virtual service */
	KVS_DIR_REPLY,		/* real server -> client */
	KVS_DIR_MAX,
};

/* ---- counters ---- */

struct kvs_counters {
	u64 conns;
	u64 inpkts;
	u64 outpkts;
	u64 inbytes;
	u64 outbytes;
};

struct kvs_pcpu_counters {
	u64_stats_t conns;
	u64_stats_t inpkts;
	u64_stats_t outpkts;
	u64_stats_t inbytes;
	u64_stats_t outbytes;
	struct u64_stats_sync syncp;
};

/* ---- rate estimation (core/estimator.c) ---- */

/* The rates of a kvs_stats, one per counter, in struct kvs_counters order. */
enum kvs_rate {
	KVS_RATE_CPS,
	KVS_RATE_INPPS,
	KVS_RATE_OUTPPS,
	KVS_RATE_INBPS,
	KVS_RATE_OUTBPS,
	KVS_RATE_MAX,
};

/*
 * The smoothed rates of one kvs_stats, sampled every 2 s by its
 * namespace's kvs_est_table.  @last and @avg are written by the sampler
 * and by ZERO, both under kvs_est_table.lock; readers use READ_ONCE.
 */
struct kvs_est {
	struct list_head list;		/* in a bucket, when started */
	u64 last[KVS_RATE_MAX];		/* counter sums at the last sample */
	u64 avg[KVS_RATE_MAX];		/* rates, scaled (see estimator.c) */
	u8 bucket;
};

/*
 * Per-CPU packet/byte/connection counters.  Writers are the data path,
 * each on its own CPU with BHs off; readers sum all CPUs and subtract
 * @base, which ZERO moves forward (under kvs_net.lock) instead of
 * writing into other CPUs' counters.
 */
struct kvs_stats {
	struct kvs_pcpu_counters __percpu *pcpu;
	struct kvs_counters base;
	struct kvs_est est;
};

int kvs_stats_init(struct kvs_stats *s);
void kvs_stats_destroy(struct kvs_stats *s);
void kvs_stats_read(const struct kvs_stats *s, struct kvs_counters *out);
void kvs_stats_sum(const struct kvs_stats *s, struct kvs_counters *sum);
void kvs_stats_read_cpu(const struct kvs_stats *s, int cpu,
			struct kvs_counters *v);
void kvs_counters_array(const struct kvs_counters *c, u64 v[KVS_RATE_MAX]);
struct kvs_net;
void kvs_stats_zero(struct kvs_net *kn, struct kvs_stats *s);

/*
 * The estimators of a namespace, spread over buckets: a delayed work
 * samples one bucket per tick, each bucket every 2 s, so no tick walks
 * every service.  @lock (a mutex: the sampler may reschedule) guards
 * the buckets and every kvs_est's @last/@avg writes; taken inside
 * kvs_net.lock, never around it.
 */
#define KVS_EST_BUCKETS		16

struct kvs_est_table {
	struct mutex lock;		/* see above */
	struct list_head bucket[KVS_EST_BUCKETS];
	unsigned int count[KVS_EST_BUCKETS];
	unsigned int tick;		/* the bucket sampled next */
	unsigned long round;		/* jiffies the current round began */
	struct delayed_work work;
};

int kvs_est_init(struct kvs_net *kn);
void kvs_est_exit(struct kvs_net *kn);
void kvs_est_start(struct kvs_net *kn, struct kvs_stats *s);
void kvs_est_stop(struct kvs_net *kn, struct kvs_stats *s);
void kvs_est_read(const struct kvs_stats *s, u64 rate[KVS_RATE_MAX]);
/* The arithmetic, exposed for KUnit. */
u64 kvs_est_smooth(u64 avg, u64 delta, enum kvs_rate r);
u64 kvs_est_decode(u64 avg, enum kvs_rate r);
struct kvs_conn;
struct kvs_dest;
struct kvs_template;

/* Reasons a packet was dropped, counted per namespace. */
enum kvs_drop_reason {
	KVS_DROP_MALFORMED,	/* truncated or inconsistent headers */
	KVS_DROP_NO_DEST,	/* service had no usable real server */
	KVS_DROP_NO_MEM,	/* connection could not be allocated */
	KVS_DROP_CLASH,		/* tuple already owned by another connection */
	KVS_DROP_XMIT,		/* no route or mangling failed on transmit */
	KVS_DROP_DEFENSE,	/* sysctl drop_packet, memory running short */
	KVS_DROP_MAX,
};

/* this_cpu_inc() on a long needs no sync and reads untorn everywhere. */
struct kvs_pcpu_drops {
	unsigned long count[KVS_DROP_MAX];
};

/* ---- per network namespace state ---- */

struct kvs_conn_table {
	struct rhashtable ht;		/* kvs_tuple_hash, both directions */
	atomic_t count;			/* connections, not tuples */
	struct delayed_work gc;		/* reaps expired connections */
	unsigned int gc_interval;	/* jiffies between gc passes */
	bool dying;			/* set once at teardown: no new inserts */
	/*
	 * The namespace's sysctl expire_nodest_conn (NULL: off): when set,
	 * gc also ends the connections of removed dests, as in-tree.
	 */
	const int *expire_nodest_conn;
};

/* Persistence templates, by client network and service (core/persist.c). */
struct kvs_tpl_table {
	struct rhashtable ht;		/* kvs_template by kvs_tpl_key */
	atomic_t count;
	struct delayed_work gc;		/* reaps expired templates */
	unsigned int gc_interval;	/* jiffies between gc passes */
	bool dying;			/* set once at teardown: no new inserts */
};

/*
 * The connection and template tables' gc works lapse while their table
 * is empty.  An insert counts itself here, and the one that takes
 * @count from 0 to 1 queues @gc again: whichever order it and the
 * work's last look at @count come in, one of them queues it (queueing a
 * work that runs but is no longer pending succeeds).
 */
static inline void kvs_gc_count_insert(atomic_t *count,
				       struct delayed_work *gc,
				       unsigned long interval)
{
	if (atomic_inc_return(count) == 1)
		queue_delayed_work(system_power_efficient_wq, gc, interval);
}

/* TCP connection states, in /proc/net/ip_vs_conn order. */
enum kvs_tcp_state {
	KVS_TCP_S_NONE,
	KVS_TCP_S_ESTABLISHED,
	KVS_TCP_S_SYN_SENT,
	KVS_TCP_S_SYN_RECV,
	KVS_TCP_S_FIN_WAIT,
	KVS_TCP_S_TIME_WAIT,
	KVS_TCP_S_CLOSE,
	KVS_TCP_S_CLOSE_WAIT,
	KVS_TCP_S_LAST_ACK,
	KVS_TCP_S_LISTEN,
	KVS_TCP_S_SYNACK,
	KVS_TCP_S_LAST,
};

enum kvs_udp_state {
	KVS_UDP_S_NORMAL,
	KVS_UDP_S_LAST,
};

/* SCTP association states, in the in-tree order (core/proto_sctp.c). */
enum kvs_sctp_state {
	KVS_SCTP_S_NONE,
	KVS_SCTP_S_INIT1,
	KVS_SCTP_S_INIT,
	KVS_SCTP_S_COOKIE_SENT,
	KVS_SCTP_S_COOKIE_REPLIED,
	KVS_SCTP_S_COOKIE_WAIT,
	KVS_SCTP_S_COOKIE,
	KVS_SCTP_S_COOKIE_ECHOED,
	KVS_SCTP_S_ESTABLISHED,
	KVS_SCTP_S_SHUTDOWN_SENT,
	KVS_SCTP_S_SHUTDOWN_RECEIVED,
	KVS_SCTP_S_SHUTDOWN_ACK_SENT,
	KVS_SCTP_S_REJECTED,
	KVS_SCTP_S_CLOSED,
	KVS_SCTP_S_LAST,
};

/*
 * The in-tree sysctls of /proc/sys/net/ipv4/vs/, same names, defaults and
 * meaning.  Plain ints written by proc_dointvec*() and read locklessly
 * with READ_ONCE(); a change applies to the packets that follow it.
 */
struct kvs_sysctl {
	int conn_reuse_mode;
	int expire_nodest_conn;
	int expire_quiescent_template;
	int sloppy_tcp;
	int sloppy_sctp;
	int schedule_icmp;
	int ignore_tunneled;
	int nat_icmp_send;
	int pmtu_disc;
	int snat_reroute;
	int conntrack;
	int run_estimation;
	int drop_entry;
	int drop_packet;
	int secure_tcp;
	int amemthresh;
	int am_droprate;
	int cache_bypass;
	int backup_only;
	/* Connection sync settings: kept and shown, no sync daemon uses them. */
	int sync_version;
	int sync_ports;
	int sync_persist_mode;
	unsigned long sync_qlen_max;
	int sync_sock_size;
	int sync_threshold[2];
	int sync_refresh_period;	/* jiffies */
	int sync_retries;
};

/*
 * Memory defense (core/defense.c): what the sysctls amemthresh,
 * drop_entry, drop_packet, am_droprate and secure_tcp currently ask for.
 * Recomputed once a second by @work and on a write of a defense mode,
 * both under kvs_net.lock; the data path reads @drop_rate and
 * @secure_tcp with READ_ONCE.
 */
#define KVS_DEFENSE_PKTS	9	/* drop_entry looks at 0..8 packets */

struct kvs_defense {
	struct delayed_work work;
	/* drop_packet: drop 1 new connection in @drop_rate; 0 is off. */
	int drop_rate;
	atomic_t drop_counter;		/* new connections left to the next drop */
	bool drop_entry;		/* drop_entry is on: @work thins the table */
	bool secure_tcp;		/* TCP follows the secure state table */
	/* drop_entry's countdowns by packets seen; only @work uses them. */
	int entry_counter[KVS_DEFENSE_PKTS];
};

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
	 */
	DECLARE_HASHTABLE(real_servers, KVS_RS_TAB_BITS);
	struct list_head trash_list;	/* the same dests, for aging */
	struct delayed_work trash_work;

	struct kvs_conn_table conns;

	/* Persistence (core/persist.c): connection templates. */
	struct kvs_tpl_table tpls;
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
	struct kvs_est_table est;	/* rates of all the kvs_stats here */
};

extern unsigned int kvs_net_id;

static inline struct kvs_net *kvs_net(const struct net *net)
{
	return net_generic(net, kvs_net_id);
}

void kvs_drop_count(struct kvs_net *kn, enum kvs_drop_reason why);

void kvs_stats_packet(struct kvs_conn *cp, enum kvs_dir dir, unsigned int len);
void kvs_stats_new_conn(struct kvs_dest *dest);
void kvs_drops_read(const struct kvs_net *kn, u64 out[KVS_DROP_MAX]);

/* ---- memory defense (core/defense.c) ---- */

void kvs_defense_start(struct kvs_net *kn);
void kvs_defense_stop(struct kvs_net *kn);
void kvs_defense_update(struct kvs_net *kn);
/* The pure parts, exposed for KUnit. */
int kvs_defense_mode(int mode, bool nomem, bool *active);
int kvs_defense_drop_rate(int mode, long avail, int amemthresh,
			  int am_droprate);

/*
 * drop_packet: should this packet, about to open a connection, be
 * dropped instead?  One in every drop_rate is, while defense is on.
 */
static inline bool kvs_defense_drop_packet(struct kvs_net *kn)
{
	struct kvs_defense *d = &kn->defense;
	int rate = READ_ONCE(d->drop_rate);

	if (likely(!rate) || atomic_dec_return(&d->drop_counter) > 0)
		return false;
	atomic_set(&d->drop_counter, rate);
	return true;
}

/* ---- services and real servers ---- */

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
 * An immutable snapshot of a service's real servers, newest first (the
 * order the in-tree module keeps, which its rr follows).  Replaced as a
 * whole under kvs_net.lock and freed after a grace period, so schedulers
 * walk it under RCU without locks.
 */
struct kvs_dest_set {
	struct rcu_head rcu;
	unsigned int n;
	struct kvs_dest *dest[];
};

struct kvs_scheduler;

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
	char pe_name[IP_VS_PENAME_MAXLEN];

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

/* ---- schedulers ---- */

struct kvs_iph;

/*
 * A scheduler: one ops struct registered by its module.  init/done and
 * update run under kvs_net.lock; schedule runs in the data path under
 * RCU with BHs off, and must neither sleep nor take a global lock.
 */
struct kvs_scheduler {
	struct list_head list;
	const char *name;
	struct module *owner;
	int (*init_service)(struct kvs_service *svc);
	void (*done_service)(struct kvs_service *svc);
	/*
	 * The dest set or a dest's weight changed; @old is the set that
	 * was replaced (still readable, freed after a grace period), or
	 * the current one when only weights changed.
	 */
	void (*update_service)(struct kvs_service *svc,
			       const struct kvs_dest_set *old);
	struct kvs_dest *(*schedule)(struct kvs_service *svc,
				     const struct sk_buff *skb,
				     const struct kvs_iph *iph);
};

int kvs_register_scheduler(struct kvs_scheduler *sched);
void kvs_unregister_scheduler(struct kvs_scheduler *sched);
struct kvs_scheduler *kvs_sched_get(const char *name);
void kvs_sched_put(struct kvs_scheduler *sched);
int kvs_sched_bind(struct kvs_service *svc, struct kvs_scheduler *sched);
void kvs_sched_unbind(struct kvs_service *svc);
int kvs_sched_rebind(struct kvs_service *svc, struct kvs_scheduler *sched);
void kvs_sched_update(struct kvs_service *svc, const struct kvs_dest_set *old);

/* Shared by the scheduler modules; each matches its in-tree counterpart. */
#define KVS_SCHED_TAB_BITS	8	/* dh/sh tables: 256 buckets */
#define KVS_SCHED_TAB_SIZE	BIT(KVS_SCHED_TAB_BITS)

int kvs_sched_gcd_weight(const struct kvs_dest_set *set);
int kvs_sched_max_weight(const struct kvs_dest_set *set);
unsigned int kvs_sched_hash(u16 af, const union nf_inet_addr *addr,
			    __be16 port);

/* A dh/sh bucket table, kept in the service's sched_data. */
struct kvs_sched_table {
	struct rcu_head rcu;
	struct kvs_dest *bucket[KVS_SCHED_TAB_SIZE];	/* READ_ONCE */
};

int kvs_sched_table_build(struct kvs_service *svc, bool weighted);
void kvs_sched_table_free(struct kvs_service *svc);

/*
 * The load lc and wlc compare: an active connection costs 256 times an
 * inactive one, on top of counting once in the total, as the in-tree
 * (activeconns << 8) + totalconns does in this kernel.
 */
static inline int kvs_dest_conn_overhead(const struct kvs_dest *dest)
{
	int active = atomic_read(&dest->activeconns);

	return (active << 8) + active + atomic_read(&dest->inactconns);
}

/* Expected delay as sed and nq see it: (active + 1) / weight. */
static inline int kvs_dest_sed_cost(const struct kvs_dest *dest)
{
	return atomic_read(&dest->activeconns) + 1;
}

/*
 * The usable dest of @set with the least @cost, or the least @cost per
 * unit of weight when @per_weight, the first in set order on a tie.
 * Ratios are compared by cross-multiplication, so nothing divides; the
 * compiler inlines @cost into each scheduler.  RCU held.
 */
static inline struct kvs_dest *
kvs_sched_least(const struct kvs_dest_set *set,
		int (*cost)(const struct kvs_dest *dest), bool per_weight)
{
	struct kvs_dest *dest, *least = NULL;
	s64 least_cost = 0, least_w = 1;
	unsigned int i;

	for (i = 0; i < set->n; i++) {
		s64 c, w;

		dest = set->dest[i];
		if (!kvs_dest_usable(dest))
			continue;
		c = cost(dest);
		w = per_weight ? READ_ONCE(dest->weight) : 1;
		if (!least || least_cost * w > c * least_w) {
			least = dest;
			least_cost = c;
			least_w = w;
		}
	}
	return least;
}

/* Module boilerplate: register at load, unregister at unload. */
#define module_kvs_scheduler(__sched) \
	module_driver(__sched, kvs_register_scheduler, kvs_unregister_scheduler)

/* ---- packets ---- */

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

int kvs_parse_ipv4(const struct sk_buff *skb, struct kvs_iph *iph);
/* IPv6, ICMP and fwmark (v6 helper): the IPv6 parser. */
int kvs_parse_ipv6(const struct sk_buff *skb, struct kvs_iph *iph);
int kvs_parse_quote(const struct sk_buff *skb, unsigned int off, u16 af,
		    struct kvs_iph *iph);
struct kvs_tuple;
void kvs_tuple_from_iph(struct kvs_tuple *t, const struct kvs_iph *iph);

/* ---- connections ---- */

/* One direction of a connection, as seen on the wire; hashed as bytes. */
struct kvs_tuple {
	union nf_inet_addr src;
	union nf_inet_addr dst;
	__be16 sport;
	__be16 dport;
	u16 af;
	u16 protocol;
};

struct kvs_tuple_hash {
	struct rhash_head node;
	struct kvs_tuple t;
	u8 dir;				/* enum kvs_dir; not part of the key */
};

struct kvs_conn {
	/*
	 * tuple[ORIG] is client -> vaddr:vport; tuple[REPLY] is the
	 * reverse of what the real server sees, daddr:dport -> client.
	 */
	struct kvs_tuple_hash tuple[KVS_DIR_MAX];
	struct kvs_dest *dest;		/* holds a reference */
	const struct kvs_proto *proto;
	u32 flags;			/* IP_VS_CONN_F_* */
	u8 state;			/* protocol state, under @lock */
	/* jiffies; the data path refreshes it, gc reaps after it passes */
	unsigned long expires;
	unsigned long dead;		/* bit 0: unhashed, being freed */
	spinlock_t lock;		/* state transitions */
	/* The persistence template this connection was made from, or NULL. */
	struct kvs_template *control;	/* holds a reference */
	/*
	 * Requests seen, counted up to KVS_DEFENSE_PKTS only, for
	 * drop_entry; a racy plain increment: an exact count is not needed.
	 */
	u8 in_pkts;
	struct rcu_head rcu;
};

#define kvs_conn_caddr(cp)	(&(cp)->tuple[KVS_DIR_ORIG].t.src)
#define kvs_conn_vaddr(cp)	(&(cp)->tuple[KVS_DIR_ORIG].t.dst)
#define kvs_conn_daddr(cp)	(&(cp)->tuple[KVS_DIR_REPLY].t.src)
#define kvs_conn_cport(cp)	((cp)->tuple[KVS_DIR_ORIG].t.sport)
#define kvs_conn_vport(cp)	((cp)->tuple[KVS_DIR_ORIG].t.dport)
#define kvs_conn_dport(cp)	((cp)->tuple[KVS_DIR_REPLY].t.sport)

int kvs_conn_cache_init(void);
void kvs_conn_cache_exit(void);
/* What GET_INFO reports as the table size (module parameter conn_tab_bits). */
unsigned int kvs_conn_tab_size(void);
int kvs_conn_table_init(struct kvs_conn_table *tbl);
void kvs_conn_table_destroy(struct kvs_conn_table *tbl);
struct kvs_conn *kvs_conn_lookup(struct kvs_conn_table *tbl,
				 const struct kvs_tuple *t, enum kvs_dir *dir);
struct kvs_conn *kvs_conn_new(struct kvs_conn_table *tbl,
			      const struct kvs_iph *iph,
			      struct kvs_dest *dest,
			      const struct kvs_proto *proto,
			      unsigned long timeout);
struct kvs_conn *kvs_conn_new_ctl(struct kvs_conn_table *tbl,
				  const struct kvs_iph *iph,
				  struct kvs_dest *dest, __be16 dport,
				  const struct kvs_proto *proto,
				  unsigned long timeout,
				  struct kvs_template *ctl);
void kvs_conn_init(struct kvs_conn *cp, const struct kvs_iph *iph,
		   struct kvs_dest *dest, __be16 dport,
		   const struct kvs_proto *proto);
void kvs_conn_expire_now(struct kvs_conn_table *tbl, struct kvs_conn *cp);
void kvs_conn_gc(struct kvs_conn_table *tbl, bool all);
void kvs_rht_sample(struct rhashtable *ht,
		    void (*fn)(struct rhash_head *node, void *arg), void *arg);
void kvs_conn_drop_random(struct kvs_conn_table *tbl,
			  bool (*pick)(struct kvs_conn *cp, void *arg),
			  void *arg);
void kvs_conn_set_timeout(struct kvs_conn *cp, unsigned long timeout);
void kvs_conn_set_active(struct kvs_conn *cp, bool active);

/* ---- persistence and one-packet scheduling (core/persist.c) ---- */

/*
 * What a template is found by: the client's network (its address masked
 * by the service's netmask or prefix), the virtual address and port (port
 * 0 for a port-0 service; for a fwmark service protocol IPPROTO_IP, the
 * mark in place of the address and port 0).  Zeroed before filling: it
 * is hashed as bytes.
 */
struct kvs_tpl_key {
	union nf_inet_addr caddr;
	union nf_inet_addr vaddr;
	__be16 vport;
	u16 af;
	u16 protocol;
	u16 pad;
};

/* kvs_template.flags bits */
enum {
	KVS_TPL_DEAD,		/* unhashed, waiting for its last reference */
	KVS_TPL_ASSURED,	/* a connection it made got an answer */
};

struct kvs_template {
	struct rhash_head node;		/* in kvs_tpl_table.ht */
	struct kvs_tpl_key key;
	struct kvs_dest *dest;		/* holds a reference until unlinked */
	__be16 dport;			/* as listed: 0 unless the vport is */
	unsigned long flags;		/* KVS_TPL_* bits */
	unsigned long expires;		/* jiffies, READ_ONCE/WRITE_ONCE */
	unsigned int timeout;		/* jiffies added on each use */
	/* One for the table while hashed, one per connection it controls. */
	refcount_t refcnt;
	struct rcu_head rcu;
};

int kvs_persist_init(struct kvs_tpl_table *tbl);
void kvs_persist_destroy(struct kvs_tpl_table *tbl);
void kvs_persist_gc(struct kvs_tpl_table *tbl, bool all);
void kvs_persist_drop_random(struct kvs_tpl_table *tbl);
void kvs_persist_key(const struct kvs_service *svc, const struct kvs_iph *iph,
		     struct kvs_tpl_key *key);
int kvs_persist_schedule(struct kvs_service *svc, const struct sk_buff *skb,
			 const struct kvs_iph *iph, struct kvs_dest **dest,
			 __be16 *dport, struct kvs_template **tpl);
int kvs_schedule(struct kvs_service *svc, const struct sk_buff *skb,
		 const struct kvs_iph *iph, struct kvs_dest **dest,
		 __be16 *dport, struct kvs_template **tpl);
void kvs_persist_put(struct kvs_template *tpl);
void kvs_persist_seen(struct kvs_conn *cp, enum kvs_dir dir);
struct seq_file;
void kvs_persist_seq_show(struct seq_file *seq,
			  const struct kvs_template *tpl, bool origin);
bool kvs_svc_onepacket(const struct kvs_service *svc, u8 protocol);

/* ---- protocols ---- */

struct kvs_proto {
	u8 protocol;
	const char *name;
	unsigned int num_states;
	/* Offset of the checksum field in the transport header. */
	unsigned int csum_offset;
	/* Smallest transport header that carries both ports. */
	unsigned int min_hdr;
	/* May this packet create a connection? */
	bool (*can_schedule)(const struct sk_buff *skb,
			     const struct kvs_iph *iph);
	/*
	 * Advance cp->state for a packet seen in @dir (cp->lock held);
	 * NULL for a protocol with a single state, which then costs no
	 * lock per packet.
	 */
	void (*transition)(struct kvs_conn *cp, enum kvs_dir dir,
			   const struct sk_buff *skb, const struct kvs_iph *iph);
	unsigned int (*timeout)(const struct kvs_net *kn, unsigned int state);
	const char *(*state_name)(unsigned int state);
	/* Is @state counted as ActiveConn? */
	bool (*state_active)(unsigned int state);
	/*
	 * An opening packet met @cp: is it a client reusing the tuple of a
	 * finished connection, to be scheduled afresh?  (in-tree's
	 * conn_reuse_mode 1, its default)
	 */
	bool (*reusable)(const struct kvs_conn *cp);
	/*
	 * NAT changed an address or port of a protocol whose checksum is
	 * not the internet one (SCTP's CRC32c): recompute it.  NULL for
	 * TCP and UDP, whose checksums are updated incrementally.
	 */
	void (*nat_csum)(struct sk_buff *skb, unsigned int thoff);
	/*
	 * Is this packet anything but a reset of the peer's state (a TCP
	 * RST, an SCTP ABORT)?  As in-tree, such a packet may open a
	 * connection under the protocol's sloppy sysctl (sloppy_tcp,
	 * sloppy_sctp), and from a real server with no connection earns
	 * an ICMP error under nat_icmp_send.  NULL: every packet is (UDP).
	 */
	bool (*not_reset)(const struct sk_buff *skb,
			  const struct kvs_iph *iph);
};

const struct kvs_proto *kvs_proto_find(u8 protocol);
extern const struct kvs_proto kvs_proto_tcp;
extern const struct kvs_proto kvs_proto_udp;
extern const struct kvs_proto kvs_proto_sctp;
void kvs_proto_timeouts_init(struct kvs_net *kn);
void kvs_tcp_timeouts_init(struct kvs_net *kn);
void kvs_udp_timeouts_init(struct kvs_net *kn);

/* ---- forwarding ---- */

/*
 * A forwarding method (IP_VS_CONN_F_MASQ, ...).  @in handles a packet in
 * KVS_DIR_ORIG and returns a netfilter verdict (NF_STOLEN once sent);
 * @out handles KVS_DIR_REPLY for methods whose replies cross the director.
 */
struct kvs_xmit {
	unsigned int (*in)(struct kvs_net *kn, struct sk_buff *skb,
			   struct kvs_conn *cp, const struct kvs_iph *iph,
			   unsigned int hooknum);
	unsigned int (*out)(struct kvs_net *kn, struct sk_buff *skb,
			    struct kvs_conn *cp, const struct kvs_iph *iph,
			    unsigned int hooknum);
};

extern const struct kvs_xmit kvs_xmit_nat;
const struct kvs_xmit *kvs_xmit_find(u32 conn_flags);
bool kvs_xmit_ttl_ok(struct sk_buff *skb);
unsigned int kvs_xmit_reroute_local(struct kvs_net *kn, struct sk_buff *skb);
int kvs_nat_rewrite_ipv4(struct sk_buff *skb, const struct kvs_iph *iph,
			 const struct kvs_proto *pp, bool src,
			 __be32 addr, __be16 port);

/* IPv6 NAT, and the ICMP errors kvs sends and translates. */
int kvs_nat_rewrite_ipv6(struct sk_buff *skb, const struct kvs_iph *iph,
			 const struct kvs_proto *pp, bool src,
			 const struct in6_addr *addr, __be16 port);

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

/*
 * Scheduling from outside the hooks (core/hooks.c), for sysctl
 * schedule_icmp: an ICMP error's quote turned around is scheduled as
 * the request it answers.
 */
struct kvs_service *kvs_service_for(struct kvs_net *kn,
				    const struct sk_buff *skb,
				    const struct kvs_iph *iph);
int kvs_conn_schedule(struct kvs_net *kn, struct kvs_service *svc,
		      struct sk_buff *skb, const struct kvs_iph *iph,
		      const struct kvs_proto *pp, struct kvs_conn *onep,
		      struct kvs_conn **cpp);

/*
 * Direct routing, tunnels and local delivery (xmit/dr.c, tunnel.c,
 * route.c).  These methods see requests only: replies go from the real
 * server straight to the client.
 */
extern const struct kvs_xmit kvs_xmit_dr;
extern const struct kvs_xmit kvs_xmit_tunnel;
extern const struct kvs_xmit kvs_xmit_localnode;
unsigned int kvs_xmit_local(struct kvs_net *kn, struct sk_buff *skb,
			    struct kvs_conn *cp, const struct kvs_iph *iph,
			    unsigned int hooknum);

/* A resolved way out toward a real server (xmit/route.c). */
struct kvs_out {
	struct dst_entry *dst;		/* held until kvs_out_send */
	union nf_inet_addr saddr;	/* source for an outer header */
	unsigned int mtu;		/* of the route */
};

/* kvs_out_route() flags. */
#define KVS_OUT_KNOWN_NH	BIT(0)	/* the next hop is @daddr (DR) */
#define KVS_OUT_SADDR		BIT(1)	/* an outer header needs o->saddr */
#define KVS_OUT_LOCAL_OK	BIT(2)	/* @daddr may be this host's */

struct dst_cache *kvs_dest_routes(const struct kvs_conn *cp);
int kvs_out_route(struct kvs_net *kn, const struct sk_buff *skb, u16 af,
		  const union nf_inet_addr *daddr, struct dst_cache *routes,
		  unsigned int flags, struct kvs_out *o);
bool kvs_out_too_big(struct sk_buff *skb, u16 af, unsigned int mtu);
bool kvs_out_dec_ttl(struct sk_buff *skb, u16 af);
unsigned int kvs_out_send(struct kvs_net *kn, struct sk_buff *skb, u16 af,
			  struct kvs_out *o);
unsigned int kvs_xmit_send(struct kvs_net *kn, struct sk_buff *skb, u16 af,
			   const union nf_inet_addr *daddr,
			   struct dst_cache *routes, bool forwarded);
unsigned int kvs_xmit_forward(struct kvs_net *kn, struct sk_buff *skb, u16 af,
			      const union nf_inet_addr *daddr,
			      struct dst_cache *routes, unsigned int flags,
			      unsigned int hooknum);

/* One tunnel, as a real server's dest describes it (xmit/tunnel.c). */
struct kvs_tun {
	u16 af;				/* outer family */
	u16 type;			/* IP_VS_CONN_F_TUNNEL_TYPE_* */
	u16 flags;			/* IP_VS_TUNNEL_ENCAP_FLAG_* */
	__be16 port;			/* GUE: UDP destination port */
	union nf_inet_addr saddr;
	union nf_inet_addr daddr;
};

unsigned int kvs_tun_hdr_len(const struct kvs_tun *t,
			     const struct sk_buff *skb);
int kvs_tun_encap(struct net *net, struct sk_buff *skb,
		  const struct kvs_tun *t, unsigned int headroom, bool keep_df);

/* ---- subsystems, in init order ---- */

void kvs_sysctl_defaults(struct kvs_net *kn);
int kvs_sysctl_init(struct kvs_net *kn);
void kvs_sysctl_exit(struct kvs_net *kn);
int kvs_proc_init(struct kvs_net *kn);
void kvs_proc_exit(struct kvs_net *kn);
/* The /proc/net/ip_vs* line formatters (core/proc.c), for KUnit. */
const char *kvs_proc_fwd_name(u32 conn_flags);
int kvs_proc_fmt_service(char *buf, size_t size,
			 const struct kvs_service_key *key, const char *sched,
			 u32 flags, unsigned int timeout, __be32 netmask);
int kvs_proc_fmt_dest(char *buf, size_t size, u16 af,
		      const union nf_inet_addr *addr, __be16 port,
		      u32 conn_flags, int weight, int active, int inactive);
int kvs_proc_fmt_counts(char *buf, size_t size, const u64 v[KVS_RATE_MAX]);
int kvs_hooks_register(struct kvs_net *kn);
void kvs_hooks_unregister(struct kvs_net *kn);
int kvs_netns_init(void);
void kvs_netns_exit(void);
int kvs_genl_init(void);
void kvs_genl_exit(void);
int kvs_sockopt_init(void);
void kvs_sockopt_exit(void);

#endif /* _KVS_H */
