// SPDX-License-Identifier: GPL-2.0
/*
 * Persistence (ipvsadm -p, -M) and one-packet scheduling (-o).
 *
 * A persistent service sends every connection of a client, or of the
 * client's network (its address under the service's netmask, or IPv6
 * prefix), to the real server it sent the first one to.  That choice is a
 * connection template, as in-tree calls it: keyed by client network,
 * protocol, virtual address and port (port 0 for a port-0 service, where
 * the client stays on one server across all ports; for a fwmark service
 * the mark stands for the address, the protocol is IPPROTO_IP and the
 * port 0).  The scheduler is asked only when no usable template exists.
 *
 * Templates live in a table of their own rather than as flagged entries
 * of the connection table: their keys (masked networks, port 0, marks)
 * are not wire tuples and could collide with real ones (UDP allows
 * source port 0), their lifetime rules differ (held while connections
 * they made live), and the per-packet connection lookup, gc and
 * ActiveConn/InActConn accounting stay free of template cases.  Only
 * new connections of persistent services ever look here.
 *
 * Lifetime: a template expires its service's persistence timeout after
 * the last connection it made (each new one restarts the clock).  Gc
 * reaps it then, unless connections it made still live: then, as
 * in-tree, it is given another minute, again and again.  A template
 * whose real server left its service, or has weight 0 while the sysctl
 * expire_quiescent_template is set, is dropped at the next connection
 * of its client, who is scheduled afresh.  (The in-tree module instead
 * renames it, ports 0xffff, and lets it run out; kvs unhashes it at once,
 * so it leaves /proc/net/ip_vs_conn and PersistConn sooner.)
 *
 * Locking: the data path finds templates under RCU and takes a reference
 * for each connection; unlinking is claimed by the KVS_TPL_DEAD bit and
 * memory is freed after a grace period once the last reference is gone.
 */
#include <linux/jhash.h>
#include <linux/once.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "persist.h"
#include "sched.h"
#include "table.h"
#include "pe.h"

static const struct rhashtable_params tpl_params = {
	.head_offset = offsetof(struct kvs_template, node),
	.key_offset = offsetof(struct kvs_template, key),
	.key_len = sizeof(struct kvs_tpl_key),
	.automatic_shrinking = true,
};

/* Keys the hash of engine data, so that clients cannot aim at a slot. */
static u32 pe_hash_seed __read_mostly;

/* How long an expired template still controlling connections lives on. */
#define TPL_EXPIRE_LATER	(60 * HZ)
#define TPL_GC_INTERVAL		HZ

static struct kvs_tpl_table *tpl_table(const struct kvs_service *svc)
{
	return &svc->kn->tpls;
}

bool kvs_svc_onepacket(const struct kvs_service *svc, u8 protocol)
{
	return protocol == IPPROTO_UDP &&
	       (READ_ONCE(svc->flags) & IP_VS_SVC_F_ONEPACKET);
}

/* Does a packet to @dport reach @svc by its own port (not as port 0)? */
static bool tpl_own_port(const struct kvs_service *svc, __be16 dport)
{
	return dport == svc->key.port;
}

/* The FTP control port, whatever ports the FTP helper listens to. */
#define TPL_FTP_PORT	21

/*
 * Persistent FTP, as in-tree: the template of a service on port 21 is
 * keyed, and listed, as the virtual address's port 0, so that the data
 * connections of the same client, to a persistent port-0 service of the
 * same address, find it and go to the same real server.
 */
static bool tpl_ftp(const struct kvs_service *svc)
{
	return svc->key.port == htons(TPL_FTP_PORT);
}

void kvs_persist_key(const struct kvs_service *svc, const struct kvs_iph *iph,
		     struct kvs_tpl_key *key)
{
	__be32 mask = READ_ONCE(svc->netmask);

	memset(key, 0, sizeof(*key));
	key->af = svc->key.af;
	key->protocol = iph->protocol;
	if (svc->key.af == AF_INET6)
		ipv6_addr_prefix(&key->caddr.in6, &iph->saddr.in6,
				 (__force u32)mask);
	else
		key->caddr.ip = iph->saddr.ip & mask;

	if (tpl_own_port(svc, iph->dport)) {
		key->vaddr = iph->daddr;
		key->vport = tpl_ftp(svc) ? 0 : iph->dport;
	} else if (svc->key.fwmark) {
		key->protocol = IPPROTO_IP;
		key->vaddr.ip = htonl(svc->key.fwmark);
	} else {
		key->vaddr = iph->daddr;
	}
}

static void tpl_free_rcu(struct rcu_head *head)
{
	struct kvs_template *tpl = container_of(head, struct kvs_template, rcu);

	kvs_pe_put(tpl->pe);
	kfree(tpl);
}

void kvs_persist_put(struct kvs_template *tpl)
{
	if (refcount_dec_and_test(&tpl->refcnt))
		call_rcu(&tpl->rcu, tpl_free_rcu);
}

/* Out of the table, off its dest; connections it made keep it alive. */
static void tpl_unlink(struct kvs_tpl_table *tbl, struct kvs_template *tpl)
{
	if (test_and_set_bit(KVS_TPL_DEAD, &tpl->flags))
		return;
	rhashtable_remove_fast(&tbl->ht, &tpl->node, tpl_params);
	atomic_dec(&tbl->count);
	atomic_dec(&tpl->dest->persistconns);
	/* Readers that found the template see a dest valid until RCU ends. */
	kvs_dest_put(tpl->dest);
	kvs_persist_put(tpl);
}

static bool tpl_expired(const struct kvs_template *tpl)
{
	return time_after_eq(jiffies, READ_ONCE(tpl->expires));
}

/* May @tpl's dest still take its client's new connections? */
static bool tpl_usable(struct kvs_net *kn, const struct kvs_template *tpl)
{
	const struct kvs_dest *dest = tpl->dest;

	if (!test_bit(KVS_DEST_AVAILABLE, &dest->flags))
		return false;
	if (READ_ONCE(kn->sysctl.expire_quiescent_template) &&
	    READ_ONCE(dest->weight) <= 0)
		return false;
	/* Past its time with nothing to keep it: gc has just not come. */
	return !tpl_expired(tpl) || refcount_read(&tpl->refcnt) > 1;
}

/* A new template for @key on @dest, hashed, with a reference for the caller. */
static struct kvs_template *tpl_new(struct kvs_tpl_table *tbl,
				    const struct kvs_tpl_key *key,
				    struct kvs_dest *dest, __be16 dport,
				    unsigned int timeout, struct kvs_pe *pe,
				    const u8 *pe_data)
{
	struct kvs_template *tpl;
	int err;

	if (unlikely(READ_ONCE(tbl->dying)))
		return ERR_PTR(-ESHUTDOWN);
	if (!refcount_inc_not_zero(&dest->refcnt))
		return ERR_PTR(-ENOENT);
	tpl = kzalloc(struct_size(tpl, pe_data, key->pe_len), GFP_ATOMIC);
	if (!tpl) {
		err = -ENOMEM;
		goto err_dest;
	}
	if (key->pe_len) {
		/* The service may be leaving its engine right now. */
		if (!try_module_get(pe->owner)) {
			err = -ENOENT;
			goto err_free;
		}
		tpl->pe = pe;
		memcpy(tpl->pe_data, pe_data, key->pe_len);
	}
	tpl->key = *key;
	tpl->dest = dest;
	tpl->dport = dport;
	tpl->timeout = timeout;
	tpl->expires = jiffies + timeout;
	/* Never synced: as if it had been with no time left. */
	tpl->sync_endtime = jiffies & ~3UL;
	refcount_set(&tpl->refcnt, 2);
	err = rhashtable_lookup_insert_fast(&tbl->ht, &tpl->node, tpl_params);
	if (err)
		goto err_free;
	kvs_gc_count_insert(&tbl->count, &tbl->gc, tbl->gc_interval);
	atomic_inc(&dest->persistconns);
	return tpl;

err_free:
	kfree(tpl);
err_dest:
	kvs_dest_put(dest);
	return ERR_PTR(err);
}

/*
 * The template for @key (and @pe_data, key->pe_len bytes) with a
 * reference, if one is there and usable.
 */
static struct kvs_template *tpl_get(struct kvs_net *kn,
				    const struct kvs_tpl_key *key,
				    const u8 *pe_data)
{
	struct kvs_template *tpl;

	tpl = rhashtable_lookup(&kn->tpls.ht, key, tpl_params);
	if (!tpl || test_bit(KVS_TPL_DEAD, &tpl->flags))
		return NULL;
	/* Another engine datum of the same hash: not this one's. */
	if (key->pe_len && memcmp(tpl->pe_data, pe_data, key->pe_len))
		return NULL;
	if (!tpl_usable(kn, tpl)) {
		tpl_unlink(&kn->tpls, tpl);
		return NULL;
	}
	if (!refcount_inc_not_zero(&tpl->refcnt))
		return NULL;
	/* A new connection restarts the template's clock. */
	WRITE_ONCE(tpl->expires, jiffies + READ_ONCE(tpl->timeout));
	return tpl;
}

/*
 * Choose the real server of a new connection of persistent @svc: its
 * client's template's, or the scheduler's, recorded in a new template.
 * On success *@tpl holds a reference for the connection (or for the
 * caller to put) and *@dport is the port to forward to.  -ENOENT when
 * the scheduler finds no dest; another errno when a template could not
 * be made.  Caller holds rcu_read_lock().
 */
int kvs_persist_schedule(struct kvs_service *svc, const struct sk_buff *skb,
			 const struct kvs_iph *iph, struct kvs_dest **dest,
			 __be16 *dport, struct kvs_template **tpl)
{
	struct kvs_pe *pe = rcu_dereference(svc->pe);
	struct kvs_tpl_table *tbl = tpl_table(svc);
	bool own_port = tpl_own_port(svc, iph->dport);
	u8 pe_data[KVS_PE_DATA_MAX];
	struct kvs_tpl_key key;
	struct kvs_template *t;
	struct kvs_dest *d;

	kvs_persist_key(svc, iph, &key);
	key.pe_len = pe ? min(pe->fill(skb, iph, pe_data), KVS_PE_DATA_MAX) : 0;
	if (key.pe_len) {
		get_random_once(&pe_hash_seed, sizeof(pe_hash_seed));
		key.pe_hash = jhash(pe_data, key.pe_len, pe_hash_seed);
	}
	t = tpl_get(svc->kn, &key, pe_data);
	if (!t) {
		d = kvs_sched_dest(svc, skb, iph);
		if (!d)
			return -ENOENT;
		t = tpl_new(tbl, &key, d,
			    own_port && !tpl_ftp(svc) ? d->port : 0,
			    READ_ONCE(svc->timeout), pe, pe_data);
		/* Another CPU made it first: take that one. */
		if (IS_ERR(t) && PTR_ERR(t) == -EEXIST)
			t = tpl_get(svc->kn, &key, pe_data) ?: ERR_PTR(-EEXIST);
		/*
		 * The slot belongs to engine data of the same hash (the
		 * seed is random: by chance only): no template this time.
		 */
		if (IS_ERR(t) && PTR_ERR(t) == -EEXIST && key.pe_len)
			t = NULL;
		if (IS_ERR(t))
			return PTR_ERR(t);
		if (!t) {
			*dport = own_port && d->port ? d->port : iph->dport;
			*dest = d;
			*tpl = NULL;
			return 0;
		}
	}
	d = t->dest;
	/* Only a service's own port maps to the dest's: port 0 keeps it. */
	*dport = own_port && d->port ? d->port : iph->dport;
	*dest = d;
	*tpl = t;
	return 0;
}

/*
 * A template a master director synced (core/sync.c): made, or moved to
 * @dest, with @timeout (jiffies) from now.  RCU held.
 */
int kvs_persist_sync(struct kvs_net *kn, const struct kvs_tpl_key *key,
		     struct kvs_dest *dest, __be16 dport, unsigned int timeout,
		     bool assured)
{
	struct kvs_template *tpl;

	tpl = rhashtable_lookup(&kn->tpls.ht, key, tpl_params);
	if (tpl && !test_bit(KVS_TPL_DEAD, &tpl->flags) && tpl->dest != dest)
		tpl_unlink(&kn->tpls, tpl);
	if (!tpl || test_bit(KVS_TPL_DEAD, &tpl->flags)) {
		tpl = tpl_new(&kn->tpls, key, dest, dport, timeout, NULL, NULL);
		if (IS_ERR(tpl))
			return PTR_ERR(tpl) == -EEXIST ? 0 : PTR_ERR(tpl);
		/* The table's reference is enough. */
		kvs_persist_put(tpl);
	}
	WRITE_ONCE(tpl->timeout, timeout);
	WRITE_ONCE(tpl->expires, jiffies + timeout);
	if (assured)
		set_bit(KVS_TPL_ASSURED, &tpl->flags);
	return 0;
}

/*
 * A connection made from a template met traffic in @dir: an established
 * TCP connection, or a UDP answer, assures the template (as listed).
 */
void kvs_persist_seen(struct kvs_conn *cp, enum kvs_dir dir)
{
	struct kvs_template *tpl = cp->control;
	bool assured;

	if (test_bit(KVS_TPL_ASSURED, &tpl->flags))
		return;
	if (cp->proto->protocol == IPPROTO_TCP)
		assured = READ_ONCE(cp->state) == KVS_TCP_S_ESTABLISHED;
	else
		assured = dir == KVS_DIR_REPLY;
	if (assured)
		set_bit(KVS_TPL_ASSURED, &tpl->flags);
}

static void tpl_drop_one(struct rhash_head *node, void *arg)
{
	struct kvs_template *tpl = container_of(node, struct kvs_template,
						node);

	if (refcount_read(&tpl->refcnt) == 1 &&
	    !test_bit(KVS_TPL_ASSURED, &tpl->flags))
		tpl_unlink(arg, tpl);
}

/*
 * Memory defense's drop_entry, for templates as in-tree: from a random
 * sample, those that control no connection and never saw an answer.
 */
void kvs_persist_drop_random(struct kvs_tpl_table *tbl)
{
	kvs_rht_sample(&tbl->ht, tpl_drop_one, tbl);
}

/* A gc pass yields every GC_YIELD entries, at the latest GC_YIELD_MAX. */
#define GC_YIELD	1024
#define GC_YIELD_MAX	(16 * GC_YIELD)

/*
 * One pass: unlink the expired templates that control nothing, give
 * those that still do another TPL_EXPIRE_LATER; with @all, unlink all.
 * It yields at a template it keeps, as conn_gc_pass() does and for the
 * same reason.
 */
void kvs_persist_gc(struct kvs_tpl_table *tbl, bool all)
{
	struct rhashtable_iter iter;
	struct kvs_template *tpl;
	unsigned int seen = 0;
	bool unlinked;

	rhashtable_walk_enter(&tbl->ht, &iter);
	rhashtable_walk_start(&iter);
	while ((tpl = rhashtable_walk_next(&iter))) {
		if (IS_ERR(tpl)) {
			if (PTR_ERR(tpl) == -EAGAIN)
				continue;
			break;
		}
		unlinked = false;
		if (all) {
			unlinked = true;
		} else if (tpl_expired(tpl)) {
			if (refcount_read(&tpl->refcnt) > 1) {
				WRITE_ONCE(tpl->timeout, TPL_EXPIRE_LATER);
				WRITE_ONCE(tpl->expires,
					   jiffies + TPL_EXPIRE_LATER);
			} else {
				unlinked = true;
			}
		}
		if (unlinked)
			tpl_unlink(tbl, tpl);
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

/*
 * A template as in-tree lists it in /proc/net/ip_vs_conn and, with
 * @origin (all are LOCAL here), in ip_vs_conn_sync: protocol IP for a
 * fwmark service (the mark as ToIP), client port 0, state NONE until a
 * connection made from it is answered.
 */
void kvs_persist_seq_show(struct seq_file *seq,
			  const struct kvs_template *tpl, bool origin)
{
	const struct kvs_tpl_key *k = &tpl->key;
	const struct kvs_proto *pp = kvs_proto_find(k->protocol);
	const char *state = test_bit(KVS_TPL_ASSURED, &tpl->flags) ?
			    "ASSURED" : "NONE";
	const char *proto = pp ? pp->name : "IP";
	const struct kvs_dest *dest = tpl->dest;
	long left = (long)(READ_ONCE(tpl->expires) - jiffies);
	unsigned int secs = left > 0 ? jiffies_to_msecs(left) / 1000 : 0;
	char daddr[sizeof("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255")];

	/* A tunnel's real server may be of the other family. */
	if (dest->af == AF_INET6)
		snprintf(daddr, sizeof(daddr), "%pI6", &dest->addr.in6);
	else
		snprintf(daddr, sizeof(daddr), "%08X", ntohl(dest->addr.ip));
	if (k->af == AF_INET6)
		seq_printf(seq, "%-3s %pI6 %04X %pI6 %04X %s %04X %-11s ",
			   proto, &k->caddr.in6, 0, &k->vaddr.in6,
			   ntohs(k->vport), daddr, ntohs(tpl->dport), state);
	else
		seq_printf(seq, "%-3s %08X %04X %08X %04X %s %04X %-11s ",
			   proto, ntohl(k->caddr.ip), 0, ntohl(k->vaddr.ip),
			   ntohs(k->vport), daddr, ntohs(tpl->dport), state);
	if (origin) {
		seq_printf(seq, "%-6s %7u\n", "LOCAL", secs);
		return;
	}
	/* As in-tree: the engine's name and data after the expiry. */
	if (tpl->pe)
		seq_printf(seq, "%7u %s %.*s\n", secs, tpl->pe->name,
			   (int)k->pe_len, tpl->pe_data);
	else
		seq_printf(seq, "%7u\n", secs);
}

static void tpl_gc_work(struct work_struct *work)
{
	struct kvs_tpl_table *tbl = container_of(to_delayed_work(work),
						 struct kvs_tpl_table, gc);

	if (atomic_read(&tbl->count))
		kvs_persist_gc(tbl, false);
	/* Empty: the next tpl_new() queues it (kvs_gc_count_insert()). */
	if (!READ_ONCE(tbl->dying) && atomic_read(&tbl->count))
		queue_delayed_work(system_power_efficient_wq, &tbl->gc,
				   tbl->gc_interval);
}

int kvs_persist_init(struct kvs_tpl_table *tbl)
{
	int err;

	err = rhashtable_init(&tbl->ht, &tpl_params);
	if (err)
		return err;
	atomic_set(&tbl->count, 0);
	tbl->dying = false;
	tbl->gc_interval = TPL_GC_INTERVAL;
	/* Queued by the first template. */
	INIT_DELAYED_WORK(&tbl->gc, tpl_gc_work);
	return 0;
}

/*
 * After the connections are gone (they hold templates): empty the table.
 * A pass that yields may lose its place in a bucket it unlinks from and
 * skip the rest of it (see kvs_conn_gc()), so pass until none is left;
 * each pass unlinks all it meets, and nothing is inserted any more.
 */
void kvs_persist_destroy(struct kvs_tpl_table *tbl)
{
	int left;

	WRITE_ONCE(tbl->dying, true);
	cancel_delayed_work_sync(&tbl->gc);
	do {
		left = atomic_read(&tbl->count);
		kvs_persist_gc(tbl, true);
	} while (atomic_read(&tbl->count) && atomic_read(&tbl->count) < left);
	WARN_ON(atomic_read(&tbl->count));
	rhashtable_destroy(&tbl->ht);
}
