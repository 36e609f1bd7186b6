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
#include <linux/hash.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/netns/generic.h>

#include "../core/plugin.h"

#define LBLC_TAB_BITS		10
#define LBLC_TAB_SIZE		BIT(LBLC_TAB_BITS)
#define LBLC_MAX_SIZE		((int)LBLC_TAB_SIZE * 16)
#define LBLC_GC_INTERVAL	(60 * HZ)
#define LBLC_ENTRY_IDLE		(6 * 60 * HZ)
#define LBLC_FULL_EVERY		30	/* gc passes between full sweeps */
#define LBLC_EXPIRATION		(24 * 60 * 60 * HZ)

/* The sysctl lblc_expiration of a namespace, in jiffies. */
struct lblc_net {
	int expiration;
	struct ctl_table_header *hdr;
};

static unsigned int lblc_net_id;

struct lblc_entry {
	struct hlist_node node;		/* in a bucket, under the table's lock */
	union nf_inet_addr addr;	/* destination address */
	struct kvs_dest *dest;		/* holds a reference */
	unsigned long lastuse;		/* jiffies, READ_ONCE/WRITE_ONCE */
	struct rcu_head rcu;
};

/*
 * Readers walk the buckets under RCU; @lock (BH) serialises writers:
 * the data path adding or replacing an entry, gc and teardown.
 */
struct lblc_table {
	struct rcu_head rcu;		/* first: kfree_rcu() needs a small offset */
	spinlock_t lock;
	struct hlist_head bucket[LBLC_TAB_SIZE];
	int entries;			/* under @lock */
	unsigned int rover;		/* next bucket a sweep starts after */
	unsigned int passes;		/* counts gc passes to a full sweep */
	bool dead;			/* under @lock: no more inserts */
	struct timer_list gc;
	struct kvs_service *svc;
};

static unsigned int lblc_bucket(u16 af, const union nf_inet_addr *addr)
{
	__be32 fold = addr->ip;

	if (af == AF_INET6)
		fold = addr->ip6[0] ^ addr->ip6[1] ^ addr->ip6[2] ^
		       addr->ip6[3];
	return hash_32(ntohl(fold), LBLC_TAB_BITS);
}

static bool lblc_addr_eq(u16 af, const union nf_inet_addr *a,
			 const union nf_inet_addr *b)
{
	if (af == AF_INET6)
		return ipv6_addr_equal(&a->in6, &b->in6);
	return a->ip == b->ip;
}

static struct lblc_entry *lblc_find(struct lblc_table *t, u16 af,
				    const union nf_inet_addr *addr)
{
	struct lblc_entry *en;

	hlist_for_each_entry_rcu(en, &t->bucket[lblc_bucket(af, addr)], node,
				 lockdep_is_held(&t->lock))
		if (lblc_addr_eq(af, &en->addr, addr))
			return en;
	return NULL;
}

static void lblc_entry_free_rcu(struct rcu_head *head)
{
	struct lblc_entry *en = container_of(head, struct lblc_entry, rcu);

	kvs_dest_put(en->dest);
	kfree(en);
}

/* Readers may hold @en and its dest until a grace period passes. */
static void lblc_del(struct lblc_table *t, struct lblc_entry *en)
{
	lockdep_assert_held(&t->lock);
	hlist_del_rcu(&en->node);
	t->entries--;
	call_rcu(&en->rcu, lblc_entry_free_rcu);
}

/* Remember @dest for @addr; without memory or room, just do not. */
static void lblc_remember(struct lblc_table *t, u16 af,
			  const union nf_inet_addr *addr, struct kvs_dest *dest)
{
	struct lblc_entry *en;

	spin_lock_bh(&t->lock);
	if (t->dead)
		goto out;
	en = lblc_find(t, af, addr);
	if (en) {
		if (en->dest == dest)
			goto out;
		lblc_del(t, en);
	}
	if (t->entries >= LBLC_MAX_SIZE * 3 / 2)
		goto out;
	en = kmalloc(sizeof(*en), GFP_ATOMIC);
	if (!en)
		goto out;
	if (!refcount_inc_not_zero(&dest->refcnt)) {
		kfree(en);
		goto out;
	}
	en->addr = *addr;
	en->dest = dest;
	en->lastuse = jiffies;
	hlist_add_head_rcu(&en->node, &t->bucket[lblc_bucket(af, addr)]);
	t->entries++;
out:
	spin_unlock_bh(&t->lock);
}

/*
 * Drop the entries unused for @idle jiffies, sweeping buckets from the
 * rover on until @goal are gone (a full sweep: @goal INT_MAX).
 */
static void lblc_sweep(struct lblc_table *t, unsigned long idle, int goal)
{
	unsigned long now = jiffies;
	struct lblc_entry *en;
	struct hlist_node *next;
	unsigned int i, b = t->rover;

	for (i = 0; i < LBLC_TAB_SIZE && goal > 0; i++) {
		b = (b + 1) % LBLC_TAB_SIZE;
		spin_lock(&t->lock);
		hlist_for_each_entry_safe(en, next, &t->bucket[b], node) {
			if (time_before(now, READ_ONCE(en->lastuse) + idle))
				continue;
			lblc_del(t, en);
			goal--;
		}
		spin_unlock(&t->lock);
	}
	t->rover = b;
}

static void lblc_gc(struct timer_list *timer)
{
	struct lblc_table *t = from_timer(t, timer, gc);
	struct lblc_net *ln = net_generic(t->svc->kn->net, lblc_net_id);
	int over;

	/* As in-tree, passes that had to thin the table do not count. */
	over = READ_ONCE(t->entries) - LBLC_MAX_SIZE;
	if (t->passes % LBLC_FULL_EVERY == 0) {
		lblc_sweep(t, READ_ONCE(ln->expiration), INT_MAX);
		t->passes = 1;
	} else if (over <= 0) {
		t->passes++;
	} else {
		lblc_sweep(t, LBLC_ENTRY_IDLE,
			   min(over * 4 / 3, LBLC_MAX_SIZE / 2));
	}
	if (!READ_ONCE(t->dead))
		mod_timer(&t->gc, jiffies + LBLC_GC_INTERVAL);
}

static int lblc_init_service(struct kvs_service *svc)
{
	struct lblc_table *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	spin_lock_init(&t->lock);
	t->svc = svc;
	t->passes = 1;
	timer_setup(&t->gc, lblc_gc, 0);
	mod_timer(&t->gc, jiffies + LBLC_GC_INTERVAL);
	rcu_assign_pointer(svc->sched_data, t);
	return 0;
}

static void lblc_done_service(struct kvs_service *svc)
{
	struct lblc_table *t = rcu_dereference_protected(svc->sched_data, 1);
	struct lblc_entry *en;
	struct hlist_node *next;
	unsigned int b;

	spin_lock_bh(&t->lock);
	WRITE_ONCE(t->dead, true);
	spin_unlock_bh(&t->lock);
	del_timer_sync(&t->gc);
	spin_lock_bh(&t->lock);
	for (b = 0; b < LBLC_TAB_SIZE; b++)
		hlist_for_each_entry_safe(en, next, &t->bucket[b], node)
			lblc_del(t, en);
	spin_unlock_bh(&t->lock);
	RCU_INIT_POINTER(svc->sched_data, NULL);
	kfree_rcu(t, rcu);
}

static struct kvs_dest *lblc_schedule(struct kvs_service *svc,
				      const struct sk_buff *skb,
				      const struct kvs_iph *iph)
{
	const struct kvs_dest_set *set = rcu_dereference(svc->dests);
	struct lblc_table *t = rcu_dereference(svc->sched_data);
	u16 af = svc->key.af;
	struct lblc_entry *en;
	struct kvs_dest *dest;

	if (!t)
		return NULL;
	en = lblc_find(t, af, &iph->daddr);
	if (en) {
		WRITE_ONCE(en->lastuse, jiffies);
		dest = en->dest;
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
	.done_service	= lblc_done_service,
	.schedule	= lblc_schedule,
};

static int __net_init lblc_net_init(struct net *net)
{
	struct lblc_net *ln = net_generic(net, lblc_net_id);

	ln->expiration = LBLC_EXPIRATION;
	ln->hdr = kvs_sched_sysctl_register(net, "lblc_expiration",
					    &ln->expiration);
	return ln->hdr ? 0 : -ENOMEM;
}

static void __net_exit lblc_net_exit(struct net *net)
{
	struct lblc_net *ln = net_generic(net, lblc_net_id);

	kvs_sched_sysctl_unregister(ln->hdr);
}

static struct pernet_operations lblc_net_ops = {
	.init	= lblc_net_init,
	.exit	= lblc_net_exit,
	.id	= &lblc_net_id,
	.size	= sizeof(struct lblc_net),
};

static int __init lblc_init(void)
{
	int err;

	err = register_pernet_subsys(&lblc_net_ops);
	if (err)
		return err;
	err = kvs_register_scheduler(&lblc_sched);
	if (err)
		goto err_sched;
	return 0;

err_sched:
	unregister_pernet_subsys(&lblc_net_ops);
	return err;
}

static void __exit lblc_exit(void)
{
	kvs_unregister_scheduler(&lblc_sched);
	unregister_pernet_subsys(&lblc_net_ops);
	/* Entries freed by call_rcu() run this module's callback. */
	rcu_barrier();
}

module_init(lblc_init);
module_exit(lblc_exit);
MODULE_DESCRIPTION("kvs locality-based least-connection scheduler");
MODULE_LICENSE("GPL");
