// SPDX-License-Identifier: GPL-2.0
/*
 * Locality-based least connection, for cache clusters: each destination
 * address is served by one real server, remembered in a per-service
 * table, so that one cache holds each site.  An address seen for the
 * first time, or whose server is gone, quiesced, or busier than its
 * weight while another server is under half of its own, goes to the
 * weighted least-connection dest, which the table then remembers.
 *
 * As in-tree, the remembered server is taken even when it is marked
 * overloaded by its connection thresholds; entries unused for the
 * sysctl lblc_expiration (a day) are dropped by a full sweep every half
 * hour, and when the table grows past 16 per bucket, a sweep each minute
 * drops those unused for six minutes.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include "../core/plugin.h"

#define LBLC_EXPIRATION		(24 * 60 * 60 * HZ)

static struct kvs_sched_knob lblc_knob;

/* An address's server, in the service's kvs_loc_table (its rules). */
struct lblc_entry {
	struct kvs_loc_node loc;
	struct kvs_dest *dest;		/* holds a reference */
	struct rcu_head rcu;
};

static void lblc_entry_free_rcu(struct rcu_head *head)
{
	struct lblc_entry *en = container_of(head, struct lblc_entry, rcu);

	kvs_dest_put(en->dest);
	kfree(en);
}

static void lblc_release(struct kvs_loc_table *t, struct kvs_loc_node *n)
{
	struct lblc_entry *en = container_of(n, struct lblc_entry, loc);

	call_rcu(&en->rcu, lblc_entry_free_rcu);
}

static const struct kvs_loc_ops lblc_loc_ops = {
	.release	= lblc_release,
	.expiration	= &lblc_knob,
};

/* Remember @dest for @addr; without memory or room, just do not. */
static void lblc_remember(struct kvs_loc_table *t, u16 af,
			  const union nf_inet_addr *addr, struct kvs_dest *dest)
{
	struct kvs_loc_node *n;
	struct lblc_entry *en;

	spin_lock_bh(&t->lock);
	n = kvs_loc_find(t, af, addr);
	if (n) {
		if (container_of(n, struct lblc_entry, loc)->dest == dest)
			goto out;
		kvs_loc_del(t, n);
	}
	if (!kvs_loc_room(t))
		goto out;
	en = kmalloc(sizeof(*en), GFP_ATOMIC);
	if (!en)
		goto out;
	if (!refcount_inc_not_zero(&dest->refcnt)) {
		kfree(en);
		goto out;
	}
	en->loc.addr = *addr;
	en->dest = dest;
	kvs_loc_add(t, af, &en->loc);
out:
	spin_unlock_bh(&t->lock);
}

static int lblc_init_service(struct kvs_service *svc)
{
	return kvs_loc_table_create(svc, &lblc_loc_ops);
}

static struct kvs_dest *lblc_schedule(struct kvs_service *svc,
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
		WRITE_ONCE(n->lastuse, jiffies);
		dest = container_of(n, struct lblc_entry, loc)->dest;
		if (test_bit(KVS_DEST_AVAILABLE, &dest->flags) &&
		    READ_ONCE(dest->weight) > 0 &&
		    !kvs_sched_locality_overloaded(set, dest))
			return dest;
	}
	dest = kvs_sched_least(set, kvs_dest_conn_overhead, true);
	if (dest)
		lblc_remember(t, af, &iph->daddr, dest);
	return dest;
}

static struct kvs_scheduler lblc_sched = {
	.name		= "lblc",
	.owner		= THIS_MODULE,
	.init_service	= lblc_init_service,
	.done_service	= kvs_loc_table_destroy,
	.schedule	= lblc_schedule,
};

static int __net_init lblc_net_init(struct net *net)
{
	return kvs_sched_knob_net_init(&lblc_knob, net);
}

static void __net_exit lblc_net_exit(struct net *net)
{
	kvs_sched_knob_net_exit(&lblc_knob, net);
}

static struct kvs_sched_knob lblc_knob = {
	.sched		= &lblc_sched,
	.name		= "lblc_expiration",
	.initial	= LBLC_EXPIRATION,
	.pernet		= KVS_SCHED_KNOB_PERNET(lblc_knob, lblc_net_init,
						lblc_net_exit),
};

static int __init lblc_init(void)
{
	return kvs_sched_knob_register(&lblc_knob);
}

static void __exit lblc_exit(void)
{
	kvs_sched_knob_unregister(&lblc_knob);
	/* Entries freed by call_rcu() run this module's callback. */
	rcu_barrier();
}

module_init(lblc_init);
module_exit(lblc_exit);
MODULE_DESCRIPTION("kvs locality-based least-connection scheduler");
MODULE_LICENSE("GPL");
