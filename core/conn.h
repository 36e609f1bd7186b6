/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The connection table (core/conn.c): one rhashtable per namespace
 * holding both directions of every connection, so that any packet finds
 * its connection with one lookup.
 *
 * Locking: lookups run under RCU (the data path, BHs off); a connection
 * is freed after a grace period once unhashed.  Its protocol state
 * changes under kvs_conn.lock; its expiry and counters are written
 * locklessly (WRITE_ONCE, atomics).  gc runs from a delayed work.
 */
#ifndef _KVS_CONN_H
#define _KVS_CONN_H

#include <linux/ip_vs.h>
#include <linux/netfilter.h>
#include <linux/rhashtable.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "kvs.h"

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
	/*
	 * The namespace's sysctl conntrack (NULL: off): a connection made
	 * while it is set keeps its packets' conntrack entry, and kills it
	 * when it ends (core/nfct.c).  @net: the namespace, for that.
	 */
	const int *conntrack;
	struct net *net;
	/*
	 * Connections waiting for their client's port (an FTP passive
	 * data connection, IP_VS_CONN_F_NO_CPORT): only while there are
	 * any does a miss look again with client port 0.
	 */
	atomic_t no_cport;
};

struct kvs_dest;
struct kvs_iph;
struct kvs_proto;
struct kvs_template;

/* One direction of a connection, as seen on the wire; hashed as bytes. */
struct kvs_tuple {
	union nf_inet_addr src;
	union nf_inet_addr dst;
	__be16 sport;
	__be16 dport;
	u16 af;
	u16 protocol;
};

/*
 * TCP sequence numbers moved by an application helper that changed a
 * payload's length (core/app.c), for one direction: packets after
 * @init_seq are off by @delta, those up to it by @previous_delta.
 * Under kvs_conn.lock.
 */
struct kvs_seq {
	u32 init_seq;
	s32 delta;
	s32 previous_delta;
};

struct kvs_app;

/*
 * What a connection holds of an application helper (core/app.c), kept
 * apart so that connections without one stay small.  A control
 * connection's (FTP's port 21) has @app, with a module reference; a data
 * connection it announced has @ctl, a reference on the control
 * connection's part, whose @n_control counts it: a connection that
 * controls others does not expire (as in-tree).  Freed after a grace
 * period once its connection and every one it controls are gone.
 */
struct kvs_conn_app {
	struct kvs_app *app;		/* NULL for a controlled connection */
	struct kvs_conn_app *ctl;	/* holds a reference, or NULL */
	refcount_t refcnt;		/* its connection's, one per controlled */
	atomic_t n_control;		/* connections it controls */
	__be16 vport;			/* its connection's virtual port */
	u32 seq_flags;			/* IP_VS_CONN_F_{IN,OUT}_SEQ, cp->lock */
	struct kvs_seq in_seq;		/* client -> real server, cp->lock */
	struct kvs_seq out_seq;		/* real server -> client, cp->lock */
	unsigned long state;		/* the helper's own, atomic bitops */
	struct rcu_head rcu;
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
	u8 sync_state;			/* the state last synced (core/sync.c) */
	/*
	 * Requests seen, counted up to KVS_DEFENSE_PKTS only, for
	 * drop_entry; a racy plain increment: an exact count is not needed.
	 */
	u8 in_pkts;
	/* jiffies; the data path refreshes it, gc reaps after it passes */
	unsigned long expires;
	unsigned long dead;		/* bit 0: unhashed, being freed */
	spinlock_t lock;		/* state transitions */
	atomic_t sync_pkts;		/* requests seen, for the sync daemon */
	/* The persistence template this connection was made from, or NULL. */
	struct kvs_template *control;	/* holds a reference */
	/* Set before the connection is published, then constant. */
	struct kvs_conn_app *app;	/* an application helper's, or NULL */
	/* The end of its life as last synced (core/sync.c), cmpxchg'd. */
	unsigned long sync_endtime;
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
struct kvs_conn *kvs_conn_new_app(struct kvs_conn_table *tbl,
				  const struct kvs_iph *iph,
				  struct kvs_dest *dest, __be16 dport,
				  const struct kvs_proto *proto,
				  unsigned long timeout,
				  struct kvs_template *ctl,
				  struct kvs_conn_app *ca, u32 flags);
void kvs_conn_init(struct kvs_conn *cp, const struct kvs_iph *iph,
		   struct kvs_dest *dest, __be16 dport,
		   const struct kvs_proto *proto);
void kvs_conn_expire_now(struct kvs_conn_table *tbl, struct kvs_conn *cp);
void kvs_conn_gc(struct kvs_conn_table *tbl, bool all);
void kvs_conn_drop_random(struct kvs_conn_table *tbl,
			  bool (*pick)(struct kvs_conn *cp, void *arg),
			  void *arg);
struct kvs_conn *kvs_conn_fill_cport(struct kvs_conn_table *tbl,
				     struct kvs_conn *wild,
				     const struct kvs_iph *iph);
void kvs_conn_app_put(struct kvs_conn_app *ca);
void kvs_conn_set_timeout(struct kvs_conn *cp, unsigned long timeout);
void kvs_conn_set_active(struct kvs_conn *cp, bool active);

#endif /* _KVS_CONN_H */
