// SPDX-License-Identifier: GPL-2.0
/*
 * The connection table: one rhashtable per namespace holding both
 * directions of every connection, so a packet from either side is found
 * with a single lookup.  The table grows and shrinks with its load.
 *
 * Lifetime: a connection is hashed with its dead bit set, so lookups,
 * gc and clashes pass it by until both tuples and its counts are in
 * place; clearing the bit publishes it.  The data path only ever writes
 * cp->expires (and the state, under cp->lock); it never frees.  Connections leave the table in
 * conn_unlink(), either from the periodic gc pass once they have expired
 * or from the data path when it meets an expired one, whoever wins the
 * dead bit.  The memory is returned after an RCU grace period, so any
 * reader that found the connection under RCU may keep using it.
 */
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include "app.h"
#include "conn.h"
#include "nfct.h"
#include "packet.h"
#include "service.h"
#include "table.h"
#include "kunit_seams.h"

#if IS_ENABLED(CONFIG_KVS_KUNIT_TEST)
void (*kvs_seam_conn_hashed)(struct kvs_conn_table *tbl, struct kvs_conn *cp);
#endif

static unsigned int conn_tab_bits = 12;
module_param(conn_tab_bits, uint, 0444);
MODULE_PARM_DESC(conn_tab_bits,
		 "log2 of the initial connection table size (8..20), reported by GET_INFO");

static struct kmem_cache *conn_cache __read_mostly;

static const struct rhashtable_params conn_params = {
	.head_offset = offsetof(struct kvs_tuple_hash, node),
	.key_offset = offsetof(struct kvs_tuple_hash, t),
	.key_len = sizeof(struct kvs_tuple),
	.automatic_shrinking = true,
};

/* How far expires may lag before the data path bothers to write it. */
#define CONN_EXPIRES_SLACK	(HZ / 8)

#define CONN_DEAD		0

int kvs_conn_cache_init(void)
{
	conn_tab_bits = clamp(conn_tab_bits, 8U, 20U);
	/*
	 * Packed, not cache-line aligned: at 200 bytes an aligned slot is
	 * 256, a third more memory a connection for a line touched less.
	 */
	conn_cache = KMEM_CACHE(kvs_conn, 0);
	return conn_cache ? 0 : -ENOMEM;
}

/* After kvs_rcu_drain(): no connection is waiting for its grace period. */
void kvs_conn_cache_exit(void)
{
	kmem_cache_destroy(conn_cache);
}

unsigned int kvs_conn_tab_size(void)
{
	return 1U << conn_tab_bits;
}

static bool conn_has_reply(const struct kvs_conn *cp)
{
	return (cp->flags & IP_VS_CONN_F_FWD_MASK) == IP_VS_CONN_F_MASQ;
}

static struct kvs_conn *tuple_to_conn(struct kvs_tuple_hash *th)
{
	return container_of(th - th->dir, struct kvs_conn, tuple[0]);
}

static unsigned int dest_total_conns(const struct kvs_dest *dest)
{
	return atomic_read(&dest->activeconns) +
	       atomic_read(&dest->inactconns);
}

/* A dest reaching its upper threshold stops taking new connections... */
static void dest_conn_added(struct kvs_dest *dest)
{
	u32 upper = READ_ONCE(dest->u_threshold);

	if (upper && dest_total_conns(dest) >= upper)
		set_bit(KVS_DEST_OVERLOAD, &dest->flags);
}

/* ...until it falls under the lower one (3/4 of the upper when unset). */
static void dest_conn_removed(struct kvs_dest *dest)
{
	u32 upper = READ_ONCE(dest->u_threshold);
	u32 lower = READ_ONCE(dest->l_threshold);
	unsigned int total;

	if (!test_bit(KVS_DEST_OVERLOAD, &dest->flags))
		return;
	total = dest_total_conns(dest);
	if (!upper || (lower ? total < lower : total * 4 < upper * 3))
		clear_bit(KVS_DEST_OVERLOAD, &dest->flags);
}

static void conn_app_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct kvs_conn_app, rcu));
}

/*
 * Put a connection's helper part (core/conn.h): the last reference
 * gives back the helper's module and the control connection's part.
 * The helper's code may still run on a CPU that found the connection
 * before: unregistering a helper waits for a grace period.
 */
void kvs_conn_app_put(struct kvs_conn_app *ca)
{
	struct kvs_conn_app *ctl;

	while (ca && refcount_dec_and_test(&ca->refcnt)) {
		ctl = ca->ctl;
		if (ca->app) {
			atomic_dec(&ca->app->usecnt);
			module_put(ca->app->owner);
		}
		call_rcu(&ca->rcu, conn_app_free_rcu);
		ca = ctl;
	}
}

/* @cp leaves the table: what it holds of a helper, and its control's count. */
static void conn_app_unlink(struct kvs_conn *cp)
{
	struct kvs_conn_app *ca = cp->app;

	if (!ca)
		return;
	if (ca->ctl)
		atomic_dec(&ca->ctl->n_control);
	kvs_conn_app_put(ca);
}

static void conn_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(conn_cache, container_of(head, struct kvs_conn, rcu));
}

static void conn_unlink(struct kvs_conn_table *tbl, struct kvs_conn *cp)
{
	struct kvs_dest *dest = cp->dest;

	if (test_and_set_bit(CONN_DEAD, &cp->dead))
		return;
	rhashtable_remove_fast(&tbl->ht, &cp->tuple[KVS_DIR_ORIG].node,
			       conn_params);
	if (conn_has_reply(cp))
		rhashtable_remove_fast(&tbl->ht, &cp->tuple[KVS_DIR_REPLY].node,
				       conn_params);
	atomic_dec(&tbl->count);
	if (cp->flags & IP_VS_CONN_F_NO_CPORT)
		atomic_dec(&tbl->no_cport);

	spin_lock_bh(&cp->lock);
	if (cp->flags & IP_VS_CONN_F_INACTIVE)
		atomic_dec(&dest->inactconns);
	else
		atomic_dec(&dest->activeconns);
	spin_unlock_bh(&cp->lock);
	dest_conn_removed(dest);

	/*
	 * Its conntrack entry goes too; not while the namespace is being
	 * dismantled, when conntrack's entries go with it.
	 */
	if (tbl->net && check_net(tbl->net))
		kvs_nfct_forget(tbl->net, cp);
	/* The dest is itself freed after a grace period: readers still fine. */
	kvs_dest_put(dest);
	if (cp->control)
		kvs_persist_put(cp->control);
	conn_app_unlink(cp);
	call_rcu(&cp->rcu, conn_free_rcu);
}

/* How long a connection controlling others lives on past its time. */
#define CONN_EXPIRE_LATER	(60 * HZ)

/*
 * Has @cp run out of time?  Not while connections it announced (FTP
 * data connections) live: then, as in-tree, it is given more time.
 */
static bool conn_expired(struct kvs_conn *cp)
{
	if (!time_after_eq(jiffies, READ_ONCE(cp->expires)))
		return false;
	if (cp->app && atomic_read(&cp->app->n_control)) {
		WRITE_ONCE(cp->expires, jiffies + CONN_EXPIRE_LATER);
		return false;
	}
	return true;
}

/*
 * Find the connection a packet with tuple @t belongs to, and which
 * direction it travels.  Caller holds rcu_read_lock().  An expired
 * connection is reaped on the spot so the packet can start a new one.
 */
struct kvs_conn *kvs_conn_lookup(struct kvs_conn_table *tbl,
				 const struct kvs_tuple *t, enum kvs_dir *dir)
{
	struct kvs_tuple_hash *th;
	struct kvs_conn *cp;

	th = rhashtable_lookup(&tbl->ht, t, conn_params);
	if (!th)
		return NULL;
	cp = tuple_to_conn(th);
	if (test_bit(CONN_DEAD, &cp->dead))
		return NULL;
	if (unlikely(conn_expired(cp))) {
		conn_unlink(tbl, cp);
		return NULL;
	}
	*dir = th->dir;
	return cp;
}

/*
 * Hash the reply tuple of @cp.  The real server sees only that tuple, so
 * one already taken means the client reused a port toward the same real
 * server: through another virtual service, or before a finished
 * connection left the table.  A finished holder gives way; a live one
 * keeps it, and the new connection fails with -EADDRINUSE.
 */
static int insert_reply(struct kvs_conn_table *tbl, struct kvs_conn *cp)
{
	struct kvs_tuple_hash *th = &cp->tuple[KVS_DIR_REPLY];
	struct kvs_tuple_hash *old;
	struct kvs_conn *holder;
	int err;

	err = rhashtable_lookup_insert_fast(&tbl->ht, &th->node, conn_params);
	if (err != -EEXIST)
		return err;
	old = rhashtable_lookup(&tbl->ht, &th->t, conn_params);
	if (!old)
		return -EADDRINUSE;
	holder = tuple_to_conn(old);
	if (!conn_expired(holder) && !holder->proto->reusable(holder, 1))
		return -EADDRINUSE;
	conn_unlink(tbl, holder);
	err = rhashtable_lookup_insert_fast(&tbl->ht, &th->node, conn_params);
	return err == -EEXIST ? -EADDRINUSE : err;
}

/*
 * Fill in @cp for packet @iph going to @dest, at @dport or, when 0, the
 * dest's port or else the packet's (a port-0 or fwmark service's dest
 * without a port keeps the port the client asked for).  Nothing is
 * hashed or counted: a one-packet datagram uses this on the stack.
 */
void kvs_conn_init(struct kvs_conn *cp, const struct kvs_iph *iph,
		   struct kvs_dest *dest, __be16 dport,
		   const struct kvs_proto *proto)
{
	struct kvs_tuple *reply;

	kvs_tuple_from_iph(&cp->tuple[KVS_DIR_ORIG].t, iph);
	reply = &cp->tuple[KVS_DIR_REPLY].t;
	memset(reply, 0, sizeof(*reply));
	reply->af = dest->af;
	reply->protocol = iph->protocol;
	reply->src = dest->addr;
	/* A dest of port 0 (fwmark services) keeps the packet's port. */
	reply->sport = dport ?: dest->port ?: iph->dport;
	reply->dst = iph->saddr;
	reply->dport = iph->sport;

	cp->tuple[KVS_DIR_ORIG].dir = KVS_DIR_ORIG;
	cp->tuple[KVS_DIR_REPLY].dir = KVS_DIR_REPLY;
	cp->dest = dest;
	cp->proto = proto;
	/* Never synced: as if it had been with no time left. */
	cp->sync_endtime = jiffies & ~3UL;
	cp->flags = (READ_ONCE(dest->conn_flags) & IP_VS_CONN_F_FWD_MASK) |
		    IP_VS_CONN_F_INACTIVE;
	/* Until a reply shows up, the client's packets are all we see. */
	if (!conn_has_reply(cp))
		cp->flags |= IP_VS_CONN_F_NOOUTPUT;
	spin_lock_init(&cp->lock);
}

/*
 * Create the connection of packet @iph, going to @dest (at @dport, see
 * kvs_conn_init), and hash it.  @ctl is the persistence template it was
 * made from, whose reference the connection takes over on success.
 * Caller holds rcu_read_lock().  Returns ERR_PTR(-EEXIST) if another CPU
 * hashed the same tuple first (look it up again), -EADDRINUSE if a live
 * connection holds its reply tuple, or another error.
 */
struct kvs_conn *kvs_conn_new_ctl(struct kvs_conn_table *tbl,
				  const struct kvs_iph *iph,
				  struct kvs_dest *dest, __be16 dport,
				  const struct kvs_proto *proto,
				  unsigned long timeout,
				  struct kvs_template *ctl)
{
	return kvs_conn_new_app(tbl, iph, dest, dport, proto, timeout, ctl,
				NULL, 0);
}

/*
 * kvs_conn_new_ctl() with an application helper's part @ca, whose
 * reference the connection takes over on success (on failure the
 * caller still owns it), and @flags added to the connection's
 * (IP_VS_CONN_F_NO_CPORT: @iph's source port is 0, to be filled by the
 * client's first packet, see kvs_conn_fill_cport()).
 */
struct kvs_conn *kvs_conn_new_app(struct kvs_conn_table *tbl,
				  const struct kvs_iph *iph,
				  struct kvs_dest *dest, __be16 dport,
				  const struct kvs_proto *proto,
				  unsigned long timeout,
				  struct kvs_template *ctl,
				  struct kvs_conn_app *ca, u32 flags)
{
	struct kvs_conn *cp;
	int err;

	if (unlikely(READ_ONCE(tbl->dying)))
		return ERR_PTR(-ESHUTDOWN);
	if (!refcount_inc_not_zero(&dest->refcnt))
		return ERR_PTR(-ENOENT);
	cp = kmem_cache_zalloc(conn_cache, GFP_ATOMIC);
	if (!cp) {
		err = -ENOMEM;
		goto err_dest;
	}
	kvs_conn_init(cp, iph, dest, dport, proto);
	if (tbl->conntrack && READ_ONCE(*tbl->conntrack))
		cp->flags |= IP_VS_CONN_F_NFCT;
	cp->flags |= flags;
	cp->expires = jiffies + timeout;
	cp->app = ca;
	/* Put by conn_unlink() only: on failure the caller still owns it. */
	cp->control = ctl;
	/*
	 * Not published yet: another CPU meeting the first tuple before
	 * the second is in (a lookup, gc, a clash in insert_reply()) must
	 * neither use nor unlink a connection half in the table.
	 */
	__set_bit(CONN_DEAD, &cp->dead);

	err = rhashtable_lookup_insert_fast(&tbl->ht,
					    &cp->tuple[KVS_DIR_ORIG].node,
					    conn_params);
	if (err)
		goto err_free;
	kvs_seam_conn_hash(tbl, cp);
	if (conn_has_reply(cp)) {
		err = insert_reply(tbl, cp);
		if (err)
			goto err_unhash;
	}

	kvs_gc_count_insert(&tbl->count, &tbl->gc, tbl->gc_interval);
	if (cp->flags & IP_VS_CONN_F_NO_CPORT)
		atomic_inc(&tbl->no_cport);
	if (ca && ca->ctl)
		atomic_inc(&ca->ctl->n_control);
	atomic_inc(&dest->inactconns);
	dest_conn_added(dest);
	/* Complete: what came before is seen by whoever sees the bit clear. */
	clear_bit_unlock(CONN_DEAD, &cp->dead);
	return cp;

err_unhash:
	/* Readers may have seen the first tuple: free after a grace period. */
	rhashtable_remove_fast(&tbl->ht, &cp->tuple[KVS_DIR_ORIG].node,
			       conn_params);
	call_rcu(&cp->rcu, conn_free_rcu);
	kvs_dest_put(dest);
	return ERR_PTR(err);
err_free:
	kmem_cache_free(conn_cache, cp);
err_dest:
	kvs_dest_put(dest);
	return ERR_PTR(err);
}

/* A connection of no persistence template, at the dest's port. */
struct kvs_conn *kvs_conn_new(struct kvs_conn_table *tbl,
			      const struct kvs_iph *iph,
			      struct kvs_dest *dest,
			      const struct kvs_proto *proto,
			      unsigned long timeout)
{
	return kvs_conn_new_ctl(tbl, iph, dest, 0, proto, timeout, NULL);
}

/*
 * The first packet @iph of a connection that waited for its client's
 * port (@wild, IP_VS_CONN_F_NO_CPORT, found by port 0): the connection
 * proper, to the same real server and port, controlled by the same
 * connection, takes its place.  RCU held.  Returns the connection, or
 * an ERR_PTR (-EEXIST: another CPU made it first, look it up again).
 */
struct kvs_conn *kvs_conn_fill_cport(struct kvs_conn_table *tbl,
				     struct kvs_conn *wild,
				     const struct kvs_iph *iph)
{
	struct kvs_conn_app *ca = NULL;
	struct kvs_template *tpl = wild->control;
	struct kvs_conn *cp;

	if (tpl && !refcount_inc_not_zero(&tpl->refcnt))
		tpl = NULL;
	if (wild->app && wild->app->ctl) {
		ca = kzalloc(sizeof(*ca), GFP_ATOMIC);
		if (!ca) {
			cp = ERR_PTR(-ENOMEM);
			goto out;
		}
		refcount_set(&ca->refcnt, 1);
		ca->vport = wild->app->vport;
		ca->ctl = wild->app->ctl;
		refcount_inc(&ca->ctl->refcnt);
	}
	cp = kvs_conn_new_app(tbl, iph, wild->dest, kvs_conn_dport(wild),
			      wild->proto, READ_ONCE(wild->expires) - jiffies,
			      tpl, ca, wild->flags & IP_VS_CONN_F_NFCT);
	if (!IS_ERR(cp)) {
		/* It goes on from the state it waited in (TCP LISTEN). */
		spin_lock_bh(&cp->lock);
		WRITE_ONCE(cp->state, READ_ONCE(wild->state));
		spin_unlock_bh(&cp->lock);
		conn_unlink(tbl, wild);
		return cp;
	}
	kvs_conn_app_put(ca);
out:
	if (tpl)
		kvs_persist_put(tpl);
	return cp;
}

/*
 * Refresh the expiry time.  A small step forward is not worth the store
 * (and the cache line it dirties on every packet); a step back, as when
 * a TCP connection closes, always is.
 */
void kvs_conn_set_timeout(struct kvs_conn *cp, unsigned long timeout)
{
	unsigned long expires = jiffies + timeout;
	unsigned long old = READ_ONCE(cp->expires);

	if (time_before(expires, old) ||
	    time_after(expires, old + CONN_EXPIRES_SLACK))
		WRITE_ONCE(cp->expires, expires);
}

/* Move @cp between the dest's ActiveConn and InActConn; cp->lock held. */
void kvs_conn_set_active(struct kvs_conn *cp, bool active)
{
	struct kvs_dest *dest = cp->dest;
	bool inactive = cp->flags & IP_VS_CONN_F_INACTIVE;

	lockdep_assert_held(&cp->lock);
	/* Once unlinked, the dest's counters no longer include @cp. */
	if (active == !inactive || test_bit(CONN_DEAD, &cp->dead))
		return;
	if (active) {
		cp->flags &= ~IP_VS_CONN_F_INACTIVE;
		atomic_inc(&dest->activeconns);
		atomic_dec(&dest->inactconns);
	} else {
		cp->flags |= IP_VS_CONN_F_INACTIVE;
		atomic_inc(&dest->inactconns);
		atomic_dec(&dest->activeconns);
	}
}

void kvs_conn_expire_now(struct kvs_conn_table *tbl, struct kvs_conn *cp)
{
	conn_unlink(tbl, cp);
}

/* A gc pass yields every GC_YIELD entries, at the latest GC_YIELD_MAX. */
#define GC_YIELD	1024
#define GC_YIELD_MAX	(16 * GC_YIELD)

/*
 * One pass over the table: unlink what has expired (or, with sysctl
 * expire_nodest_conn, lost its dest), or everything when @all.  Runs in
 * process context and yields every 1024 entries or so, at an entry it
 * keeps: rhashtable_walk_start() finds its place in a bucket again by
 * the last entry returned, and would skip the one after it had that one
 * been unlinked.  So a pass reaps every entry expired when it began;
 * only entries added or moved by a resize meanwhile wait for the next
 * one, and so does the entry after a yield forced by a run of 16384
 * unlinks.
 */
static void conn_gc_pass(struct kvs_conn_table *tbl, bool all)
{
	bool nodest = tbl->expire_nodest_conn &&
		      READ_ONCE(*tbl->expire_nodest_conn);
	struct rhashtable_iter iter;
	struct kvs_tuple_hash *th;
	unsigned int seen = 0;
	bool unlinked;

	rhashtable_walk_enter(&tbl->ht, &iter);
	rhashtable_walk_start(&iter);
	while ((th = rhashtable_walk_next(&iter))) {
		struct kvs_conn *cp;

		if (IS_ERR(th)) {
			if (PTR_ERR(th) == -EAGAIN)
				continue;
			break;
		}
		/* Each connection once, by its original tuple. */
		if (th->dir != KVS_DIR_ORIG)
			continue;
		cp = tuple_to_conn(th);
		unlinked = all || conn_expired(cp) ||
			   (nodest &&
			    !test_bit(KVS_DEST_AVAILABLE, &cp->dest->flags));
		if (unlinked)
			conn_unlink(tbl, cp);
		if (++seen >= GC_YIELD &&
		    (!unlinked || seen >= GC_YIELD_MAX)) {
			seen = 0;
			rhashtable_walk_stop(&iter);
			cond_resched();
			rhashtable_walk_start(&iter);
		}
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
}

/* With @all, pass again until the table is empty or a pass gains nothing. */
void kvs_conn_gc(struct kvs_conn_table *tbl, bool all)
{
	int left;

	do {
		left = atomic_read(&tbl->count);
		conn_gc_pass(tbl, all);
	} while (all && atomic_read(&tbl->count) &&
		 atomic_read(&tbl->count) < left);
}

struct conn_drop {
	struct kvs_conn_table *tbl;
	bool (*pick)(struct kvs_conn *cp, void *arg);
	void *arg;
};

static void conn_drop_one(struct rhash_head *node, void *arg)
{
	struct kvs_tuple_hash *th = container_of(node, struct kvs_tuple_hash,
						 node);
	struct conn_drop *d = arg;
	struct kvs_conn *cp;

	/* Each connection once, by its original tuple. */
	if (th->dir != KVS_DIR_ORIG)
		return;
	cp = tuple_to_conn(th);
	if (!test_bit(CONN_DEAD, &cp->dead) && d->pick(cp, d->arg))
		conn_unlink(d->tbl, cp);
}

/* drop_entry: unlink the connections @pick chooses from a random sample. */
void kvs_conn_drop_random(struct kvs_conn_table *tbl,
			  bool (*pick)(struct kvs_conn *cp, void *arg),
			  void *arg)
{
	struct conn_drop d = { .tbl = tbl, .pick = pick, .arg = arg };

	kvs_rht_sample(&tbl->ht, conn_drop_one, &d);
}

/*
 * A pass costs time linear in the table; the next one waits at least
 * this many times as long, so that gc takes at most a tenth of a CPU
 * however big the table.  What expires meanwhile is also reaped by the
 * first packet that meets it.
 *
 * An empty table is not walked nor the work requeued: see
 * kvs_gc_count_insert().
 */
#define CONN_GC_IDLE_RATIO	9

static void conn_gc_work(struct work_struct *work)
{
	struct kvs_conn_table *tbl = container_of(to_delayed_work(work),
						  struct kvs_conn_table, gc);
	unsigned long start = jiffies;

	if (atomic_read(&tbl->count))
		kvs_conn_gc(tbl, false);
	if (!READ_ONCE(tbl->dying) && atomic_read(&tbl->count))
		queue_delayed_work(system_power_efficient_wq, &tbl->gc,
				   max(tbl->gc_interval,
				       (jiffies - start) * CONN_GC_IDLE_RATIO));
}

int kvs_conn_table_init(struct kvs_conn_table *tbl)
{
	struct rhashtable_params params = conn_params;
	int err;

	params.nelem_hint = kvs_conn_tab_size();
	err = rhashtable_init(&tbl->ht, &params);
	if (err)
		return err;
	atomic_set(&tbl->count, 0);
	atomic_set(&tbl->no_cport, 0);
	tbl->dying = false;
	/* Set by the namespace once it has them (core/netns.c). */
	tbl->conntrack = NULL;
	tbl->net = NULL;
	tbl->gc_interval = HZ;
	/* Queued by the first connection. */
	INIT_DELAYED_WORK(&tbl->gc, conn_gc_work);
	return 0;
}

/* The namespace is going away and its hooks are gone: empty the table. */
void kvs_conn_table_destroy(struct kvs_conn_table *tbl)
{
	WRITE_ONCE(tbl->dying, true);
	cancel_delayed_work_sync(&tbl->gc);
	kvs_conn_gc(tbl, true);
	WARN_ON(atomic_read(&tbl->count));
	rhashtable_destroy(&tbl->ht);
}
