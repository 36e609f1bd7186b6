// SPDX-License-Identifier: GPL-2.0
/*
 * Locality-based least connection with replication: like lblc, each
 * destination address is remembered in a per-service table, but with a
 * set of real servers rather than one.  A new connection goes to the
 * weighted least-connection server of its address's set; when that one
 * is busier than its weight while some dest of the service is under
 * half of its own, the service's weighted least-connection dest joins
 * the set and takes it.  A set that has not changed for the sysctl
 * lblcr_expiration (a day) loses its most loaded member, one at a time.
 * Entries age out as lblc's do.
 */
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "../core/plugin.h"

#define LBLCR_EXPIRATION	(24 * 60 * 60 * HZ)

static struct kvs_sched_knob lblcr_knob;

/* One server of an entry's set. */
struct lblcr_member {
	struct list_head list;		/* in lblcr_entry.set */
	struct kvs_dest *dest;		/* holds a reference */
	struct rcu_head rcu;
};

/* An address's set of servers, in the service's kvs_loc_table. */
struct lblcr_entry {
	struct kvs_loc_node loc;
	struct list_head set;		/* of lblcr_member, newest first */
	int size;			/* members; READ_ONCE */
	unsigned long lastmod;		/* jiffies the set last changed */
	bool dead;			/* unhashed: its set takes no more */
	struct rcu_head rcu;
};

static void lblcr_member_free_rcu(struct rcu_head *head)
{
	struct lblcr_member *m = container_of(head, struct lblcr_member, rcu);

	kvs_dest_put(m->dest);
	kfree(m);
}

static void lblcr_member_del(struct lblcr_entry *en, struct lblcr_member *m)
{
	list_del_rcu(&m->list);
	WRITE_ONCE(en->size, en->size - 1);
	en->lastmod = jiffies;
	call_rcu(&m->rcu, lblcr_member_free_rcu);
}

/* Add @dest to @en's set unless it is there.  Table lock held. */
static void lblcr_member_add(struct lblcr_entry *en, struct kvs_dest *dest)
{
	struct lblcr_member *m;

	list_for_each_entry(m, &en->set, list)
		if (m->dest == dest)
			return;
	m = kmalloc(sizeof(*m), GFP_ATOMIC);
	if (!m)
		return;
	if (!refcount_inc_not_zero(&dest->refcnt)) {
		kfree(m);
		return;
	}
	m->dest = dest;
	list_add_rcu(&m->list, &en->set);
	WRITE_ONCE(en->size, en->size + 1);
	en->lastmod = jiffies;
}

static void lblcr_release(struct kvs_loc_table *t, struct kvs_loc_node *n)
{
	struct lblcr_entry *en = container_of(n, struct lblcr_entry, loc);
	struct lblcr_member *m, *next;

	en->dead = true;
	list_for_each_entry_safe(m, next, &en->set, list)
		lblcr_member_del(en, m);
	kfree_rcu(en, rcu);
}

static const struct kvs_loc_ops lblcr_loc_ops = {
	.release	= lblcr_release,
	.expiration	= &lblcr_knob,
};

/*
 * The weighted least-connection member of @en's set: in-tree takes the
 * first usable one, then any later one still in its service (overload
 * aside) whose overhead per weight is strictly less.
 */
static struct kvs_dest *lblcr_set_min(struct lblcr_entry *en)
{
	struct kvs_dest *dest, *least = NULL;
	s64 loh = 0, doh;
	struct lblcr_member *m;

	list_for_each_entry_rcu(m, &en->set, list) {
		dest = m->dest;
		if (test_bit(KVS_DEST_OVERLOAD, &dest->flags) ||
		    !test_bit(KVS_DEST_AVAILABLE, &dest->flags))
			continue;
		if (!least) {
			if (READ_ONCE(dest->weight) > 0) {
				least = dest;
				loh = kvs_dest_conn_overhead(dest);
			}
			continue;
		}
		doh = kvs_dest_conn_overhead(dest);
		if (loh * READ_ONCE(dest->weight) >
		    doh * READ_ONCE(least->weight)) {
			least = dest;
			loh = doh;
		}
	}
	return least;
}

/* The weighted most-loaded member of positive weight.  Lock held. */
static struct lblcr_member *lblcr_set_max(struct lblcr_entry *en)
{
	struct lblcr_member *m, *most = NULL;
	s64 moh = 0, doh;
	int w;

	list_for_each_entry(m, &en->set, list) {
		w = READ_ONCE(m->dest->weight);
		if (w <= 0)
			continue;
		doh = kvs_dest_conn_overhead(m->dest);
		if (!most || moh * w < doh * READ_ONCE(most->dest->weight)) {
			most = m;
			moh = doh;
		}
	}
	return most;
}

/* A set unchanged for lblcr_expiration drops its most loaded member. */
static void lblcr_shrink(struct kvs_loc_table *t, struct lblcr_entry *en)
{
	struct lblcr_member *m;

	if (READ_ONCE(en->size) <= 1 ||
	    !time_after(jiffies, READ_ONCE(en->lastmod) +
			kvs_sched_knob_get(&lblcr_knob, t->svc->kn->net)))
		return;
	spin_lock_bh(&t->lock);
	if (!en->dead && en->size > 1) {
		m = lblcr_set_max(en);
		if (m)
			lblcr_member_del(en, m);
	}
	spin_unlock_bh(&t->lock);
}

/* @dest joins the set of @addr's entry, made if there is none. */
static void lblcr_remember(struct kvs_loc_table *t, u16 af,
			   const union nf_inet_addr *addr,
			   struct kvs_dest *dest)
{
	struct kvs_loc_node *n;
	struct lblcr_entry *en;

	spin_lock_bh(&t->lock);
	n = kvs_loc_find(t, af, addr);
	if (n) {
		en = container_of(n, struct lblcr_entry, loc);
		if (!en->dead)
			lblcr_member_add(en, dest);
		goto out;
	}
	if (!kvs_loc_room(t))
		goto out;
	en = kzalloc(sizeof(*en), GFP_ATOMIC);
	if (!en)
		goto out;
	en->loc.addr = *addr;
	INIT_LIST_HEAD(&en->set);
	lblcr_member_add(en, dest);
	if (!en->size) {
		kfree(en);
		goto out;
	}
	kvs_loc_add(t, af, &en->loc);
out:
	spin_unlock_bh(&t->lock);
}

static int lblcr_init_service(struct kvs_service *svc)
{
	return kvs_loc_table_create(svc, &lblcr_loc_ops);
}

static struct kvs_dest *lblcr_schedule(struct kvs_service *svc,
				       const struct sk_buff *skb,
				       const struct kvs_iph *iph)
{
	const struct kvs_dest_set *set = rcu_dereference(svc->dests);
	struct kvs_loc_table *t = rcu_dereference(svc->sched_data);
	u16 af = svc->key.af;
	struct kvs_loc_node *n;
	struct kvs_dest *dest;

	if (!t)
		return NULL;
	n = kvs_loc_find(t, af, &iph->daddr);
	if (n) {
		struct lblcr_entry *en = container_of(n, struct lblcr_entry,
						      loc);

		WRITE_ONCE(n->lastuse, jiffies);
		dest = lblcr_set_min(en);
		lblcr_shrink(t, en);
		if (dest && !kvs_sched_locality_overloaded(set, dest))
			return dest;
	}
	dest = kvs_sched_least(set, kvs_dest_conn_overhead, true);
	if (dest)
		lblcr_remember(t, af, &iph->daddr, dest);
	return dest;
}

static struct kvs_scheduler lblcr_sched = {
	.name		= "lblcr",
	.owner		= THIS_MODULE,
	.init_service	= lblcr_init_service,
	.done_service	= kvs_loc_table_destroy,
	.schedule	= lblcr_schedule,
};

static int __net_init lblcr_net_init(struct net *net)
{
	return kvs_sched_knob_net_init(&lblcr_knob, net);
}

static void __net_exit lblcr_net_exit(struct net *net)
{
	kvs_sched_knob_net_exit(&lblcr_knob, net);
}

static struct kvs_sched_knob lblcr_knob = {
	.sched		= &lblcr_sched,
	.name		= "lblcr_expiration",
	.initial	= LBLCR_EXPIRATION,
	.pernet		= KVS_SCHED_KNOB_PERNET(lblcr_knob, lblcr_net_init,
						lblcr_net_exit),
};

static int __init lblcr_init(void)
{
	return kvs_sched_knob_register(&lblcr_knob);
}

static void __exit lblcr_exit(void)
{
	kvs_sched_knob_unregister(&lblcr_knob);
	/* Members freed by call_rcu() run this module's callback. */
	rcu_barrier();
}

module_init(lblcr_init);
module_exit(lblcr_exit);
MODULE_DESCRIPTION("kvs locality-based least-connection with replication scheduler");
MODULE_LICENSE("GPL");
