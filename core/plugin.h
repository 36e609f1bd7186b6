/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The plug-in contract: what a module outside kvs.ko builds on: a
 * scheduler (sched/kvs_*.c), a persistence engine (pe/kvs_pe_*.c), the
 * xtables match (xt/kvs_xt_ipvs.c) or an application helper
 * (app/kvs_*.c), which include this header only: one ops struct
 * registered with the core, and the helpers the in-tree schedulers'
 * counterparts share.  A plug-in reads the service and dest objects of
 * core/service.h and nothing else of the core (the match: a copy of a
 * connection's, struct kvs_xt_conn; an application helper: the
 * connection its packet belongs to).
 *
 * Rules: init_service, done_service and update_service run under
 * kvs_net.lock (kvs_dests_locked() reads the dest set there); schedule
 * runs in the data path under RCU with BHs off, and must neither sleep
 * nor take a global lock.  A service holds a reference on its
 * scheduler's module; unregistering waits for an RCU grace period, so no
 * CPU is still inside ->schedule().
 */
#ifndef _KVS_PLUGIN_H
#define _KVS_PLUGIN_H

#include <linux/device/driver.h>
#include <linux/module.h>
#include <net/netns/generic.h>

#include "packet.h"
#include "service.h"

/* A scheduler: one ops struct registered by its module (rules above). */
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

/*
 * The usable dest of @set with the highest weight among those @fits
 * (any, if NULL), the first in set order on a tie (fo, ovf).  RCU held.
 */
static inline struct kvs_dest *
kvs_sched_heaviest(const struct kvs_dest_set *set,
		   bool (*fits)(const struct kvs_dest *dest))
{
	struct kvs_dest *dest, *best = NULL;
	int w, best_w = 0;
	unsigned int i;

	for (i = 0; i < set->n; i++) {
		dest = set->dest[i];
		w = READ_ONCE(dest->weight);
		if (w <= best_w || !kvs_dest_usable(dest) ||
		    (fits && !fits(dest)))
			continue;
		best = dest;
		best_w = w;
	}
	return best;
}

/* Module boilerplate: register at load, unregister at unload. */
#define module_kvs_scheduler(__sched) \
	module_driver(__sched, kvs_register_scheduler, kvs_unregister_scheduler)

/* A random draw in [0, @ceil) (twos); KUnit may replace the stream. */
u32 kvs_sched_random(u32 ceil);
#if IS_ENABLED(CONFIG_KVS_KUNIT_TEST)
extern u32 (*kvs_sched_random_hook)(u32 ceil);
#endif
/*
 * A scheduler with a sysctl of its own under net/ipv4/vs in each
 * namespace (lblc_expiration, lblcr_expiration): a time kept in jiffies
 * and shown in seconds, present while the module is loaded.  The module
 * defines one of these statically, its .pernet from KVS_SCHED_KNOB_PERNET
 * with .init and .exit that call kvs_sched_knob_net_init() and
 * kvs_sched_knob_net_exit(), and registers it instead of the bare
 * scheduler.
 */
struct kvs_sched_knob_net {
	int value;			/* jiffies; READ_ONCE */
	struct ctl_table_header *hdr;
};

struct kvs_sched_knob {
	struct kvs_scheduler *sched;
	const char *name;
	int initial;			/* jiffies, in each new namespace */
	unsigned int net_id;
	struct pernet_operations pernet;
};

/* Newer kernels make a pernet_operations' id and size const. */
#define KVS_SCHED_KNOB_PERNET(__knob, __init, __exit) {			\
	.init	= __init,						\
	.exit	= __exit,						\
	.id	= &(__knob).net_id,					\
	.size	= sizeof(struct kvs_sched_knob_net),			\
}

int kvs_sched_knob_register(struct kvs_sched_knob *k);
void kvs_sched_knob_unregister(struct kvs_sched_knob *k);
int kvs_sched_knob_net_init(struct kvs_sched_knob *k, struct net *net);
void kvs_sched_knob_net_exit(struct kvs_sched_knob *k, struct net *net);
/* The knob's value in @net, jiffies; any context. */
static inline int kvs_sched_knob_get(const struct kvs_sched_knob *k,
				     struct net *net)
{
	const struct kvs_sched_knob_net *kn = net_generic(net, k->net_id);

	return READ_ONCE(kn->value);
}

/* In-tree lblc/lblcr's test for leaving a remembered dest. */
bool kvs_sched_locality_overloaded(const struct kvs_dest_set *set,
				   const struct kvs_dest *dest);

/*
 * lblc's and lblcr's per-service table of destination addresses, kept in
 * the service's sched_data: one entry per address, each embedding a
 * struct kvs_loc_node.  Readers find entries under RCU; @lock (BH)
 * serialises every writer: the data path adding or replacing an entry,
 * the gc timer and teardown.  As in-tree, a gc pass each minute drops
 * entries unused for six minutes while the table holds more than 16 per
 * bucket, and every 30th pass drops those unused for the knob's time.
 */
#define KVS_LOC_BITS		10
#define KVS_LOC_SIZE		BIT(KVS_LOC_BITS)
#define KVS_LOC_MAX		((int)KVS_LOC_SIZE * 16)

struct kvs_loc_node {
	struct hlist_node node;		/* in a bucket, under the lock */
	union nf_inet_addr addr;	/* destination address */
	unsigned long lastuse;		/* jiffies, READ_ONCE/WRITE_ONCE */
};

struct kvs_loc_table;

struct kvs_loc_ops {
	/*
	 * @n is unhashed (lock held): free its entry after a grace period,
	 * readers may still hold it.
	 */
	void (*release)(struct kvs_loc_table *t, struct kvs_loc_node *n);
	const struct kvs_sched_knob *expiration;
};

struct kvs_loc_table {
	struct rcu_head rcu;		/* first: kfree_rcu() needs a small offset */
	spinlock_t lock;
	int entries;			/* under @lock */
	unsigned int rover;		/* bucket the last sweep ended at */
	unsigned int passes;		/* gc passes since the last full sweep */
	bool dead;			/* under @lock: no more inserts */
	struct timer_list gc;
	struct kvs_service *svc;
	const struct kvs_loc_ops *ops;
	struct hlist_head bucket[KVS_LOC_SIZE];
};

int kvs_loc_table_create(struct kvs_service *svc,
			 const struct kvs_loc_ops *ops);
void kvs_loc_table_destroy(struct kvs_service *svc);
struct kvs_loc_node *kvs_loc_find(struct kvs_loc_table *t, u16 af,
				  const union nf_inet_addr *addr);
/* Lock held: whether the table takes another entry. */
static inline bool kvs_loc_room(const struct kvs_loc_table *t)
{
	return !t->dead && t->entries < KVS_LOC_MAX * 3 / 2;
}

void kvs_loc_add(struct kvs_loc_table *t, u16 af, struct kvs_loc_node *n);
void kvs_loc_del(struct kvs_loc_table *t, struct kvs_loc_node *n);

/*
 * A persistence engine (ipvsadm --pe NAME): lets a persistent service
 * key its templates by something in the packet besides the client's
 * network, such as a SIP Call-ID.  Registered and loaded on demand like
 * a scheduler (core/pe.c); a service bound to one, and every template
 * it keyed, holds a reference on its module.  @fill runs in the data
 * path under RCU, for a new connection of a persistent service using
 * the engine: it copies what the template is to be keyed by from @skb
 * into @data (KVS_PE_DATA_MAX bytes) and returns its length, or 0 when
 * the packet has none, for which the connection falls back to plain
 * persistence.  It must cope with any bytes at all.  Templates are
 * listed with the engine's name and their data as @fill returned it.
 */
#define KVS_PE_DATA_MAX		IP_VS_PEDATA_MAXLEN

struct kvs_pe {
	struct list_head list;
	const char *name;
	struct module *owner;
	unsigned int (*fill)(const struct sk_buff *skb,
			     const struct kvs_iph *iph, u8 *data);
};

int kvs_register_pe(struct kvs_pe *pe);
void kvs_unregister_pe(struct kvs_pe *pe);

#define module_kvs_pe(__pe) \
	module_driver(__pe, kvs_register_pe, kvs_unregister_pe)

/*
 * The xtables match "ipvs" (xt/kvs_xt_ipvs.c, in-tree's xt_ipvs for
 * kvs): what it reads of the connection a packet belongs to, found by
 * kvs_xt_conn() (core/hooks.c) for a packet kvs forwarded toward a real
 * server, from a netfilter hook under RCU.  A copy: nothing is held.
 */
struct kvs_xt_conn {
	union nf_inet_addr vaddr;	/* the virtual service's address */
	__be16 vport;			/* and port, as the client sent them */
	__be16 ctl_vport;		/* the template's port, if @ctl */
	bool ctl;			/* made from a persistence template */
	u8 protocol;			/* the packet's transport protocol */
	u32 fwd;			/* IP_VS_CONN_F_FWD_MASK bits */
};

int kvs_xt_conn(struct net *net, const struct sk_buff *skb, u8 family,
		struct kvs_xt_conn *xc);

/*
 * An application helper (ip_vs_app in-tree; app/kvs_ftp.c): a module
 * registering for a protocol (TCP) and up to KVS_APP_MAX_PORTS virtual
 * ports.  Every new masquerading connection to one of those ports is
 * bound to it (core/app.c) and holds a reference on its module; each of
 * its packets, both ways, is handed to @packet before NAT rewrites the
 * headers, writable, with the TCP sequence numbers already moved by
 * what earlier rewrites added or took away.  @packet runs in the data
 * path under RCU with BHs off, must cope with any bytes at all, and may
 * change the payload only through kvs_app_mangle(); it never fails the
 * packet.  Nothing serialises @packet per connection: what it keeps in
 * the connection (kvs_conn_app.state) it changes with atomic bit
 * operations.  Unregistering waits for a grace period.
 */
#define KVS_APP_MAX_PORTS	8

/* One packet of a connection bound to a helper, as @packet sees it. */
struct kvs_app_pkt {
	struct kvs_net *kn;
	struct sk_buff *skb;		/* linear and writable */
	struct kvs_conn *cp;
	const struct kvs_iph *iph;	/* as parsed: before any rewrite */
	enum kvs_dir dir;
	unsigned int payload;		/* offset of the TCP payload */
	int diff;			/* bytes kvs_app_mangle() added */
	bool mangled;			/* the payload changed */
};

struct kvs_app {
	struct list_head list;		/* in the registry, RCU */
	const char *name;
	struct module *owner;
	u8 protocol;
	unsigned int num_ports;
	u16 ports[KVS_APP_MAX_PORTS];	/* host order; 0: unused */
	atomic_t usecnt;		/* connections bound (/proc/net/ip_vs_app) */
	void (*packet)(struct kvs_app_pkt *p);
};

int kvs_register_app(struct kvs_app *app);
void kvs_unregister_app(struct kvs_app *app);
int kvs_app_mangle(struct kvs_app_pkt *p, unsigned int off, unsigned int len,
		   const char *buf, unsigned int buf_len);
int kvs_app_expect(struct kvs_app_pkt *p, const union nf_inet_addr *caddr,
		   __be16 cport, __be16 vport, __be16 dport);
void kvs_app_malformed(struct kvs_app_pkt *p);

#endif /* _KVS_PLUGIN_H */
