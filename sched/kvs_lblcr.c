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
#include <linux/hash.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/netns/generic.h>

#include "../core/plugin.h"

#define LBLCR_TAB_BITS		10
#define LBLCR_TAB_SIZE		BIT(LBLCR_TAB_BITS)
#define LBLCR_MAX_SIZE		((int)LBLCR_TAB_SIZE * 16)
#define LBLCR_GC_INTERVAL	(60 * HZ)
#define LBLCR_ENTRY_IDLE	(6 * 60 * HZ)
#define LBLCR_FULL_EVERY	30	/* gc passes between full sweeps */
#define LBLCR_EXPIRATION	(24 * 60 * 60 * HZ)

/* The sysctl lblcr_expiration of a namespace, in jiffies. */
struct lblcr_net {
	int expiration;
	struct ctl_table_header *hdr;
};

static unsigned int lblcr_net_id;

/* One server of an entry's set. */
struct lblcr_member {
	struct list_head list;		/* in lblcr_entry.set */
	struct kvs_dest *dest;		/* holds a reference */
	struct rcu_head rcu;
};

struct lblcr_entry {
	struct hlist_node node;		/* in a bucket */
	union nf_inet_addr addr;	/* destination address */
	struct list_head set;		/* of lblcr_member, newest first */
	int size;			/* members; READ_ONCE */
	unsigned long lastmod;		/* jiffies the set last changed */
	unsigned long lastuse;		/* jiffies, READ_ONCE/WRITE_ONCE */
	bool dead;			/* unhashed: its set takes no more */
	struct rcu_head rcu;
};

/*
 * Readers walk buckets and sets under RCU; @lock (BH) serialises all
 * writers of both: the data path, gc and teardown.
 */
struct lblcr_table {
	struct rcu_head rcu;		/* first: kfree_rcu() needs a small offset */
	spinlock_t lock;
	struct hlist_head bucket[LBLCR_TAB_SIZE];
	int entries;			/* under @lock */
	unsigned int rover;		/* next bucket a sweep starts after */
	unsigned int passes;		/* counts gc passes to a full sweep */
	bool dead;			/* under @lock: no more inserts */
	struct timer_list gc;
	struct kvs_service *svc;
};

static int lblcr_expiration(const struct kvs_service *svc)
{
	const struct lblcr_net *ln = net_generic(svc->kn->net, lblcr_net_id);

	return READ_ONCE(ln->expiration);
}

static unsigned int lblcr_bucket(u16 af, const union nf_inet_addr *addr)
{
	__be32 fold = addr->ip;

	if (af == AF_INET6)
		fold = addr->ip6[0] ^ addr->ip6[1] ^ addr->ip6[2] ^
		       addr->ip6[3];
	return hash_32(ntohl(fold), LBLCR_TAB_BITS);
}

static bool lblcr_addr_eq(u16 af, const union nf_inet_addr *a,
			  const union nf_inet_addr *b)
{
	if (af == AF_INET6)
		return ipv6_addr_equal(&a->in6, &b->in6);
	return a->ip == b->ip;
}

static struct lblcr_entry *lblcr_find(struct lblcr_table *t, u16 af,
				      const union nf_inet_addr *addr)
{
	struct lblcr_entry *en;

	hlist_for_each_entry_rcu(en, &t->bucket[lblcr_bucket(af, addr)], node,
				 lockdep_is_held(&t->lock))
		if (lblcr_addr_eq(af, &en->addr, addr))
			return en;
	return NULL;
}

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

static void lblcr_del(struct lblcr_table *t, struct lblcr_entry *en)
{
	struct lblcr_member *m, *next;

	lockdep_assert_held(&t->lock);
	hlist_del_rcu(&en->node);
	en->dead = true;
	t->entries--;
	list_for_each_entry_safe(m, next, &en->set, list)
		lblcr_member_del(en, m);
	kfree_rcu(en, rcu);
}

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
static void lblcr_shrink(struct lblcr_table *t, struct lblcr_entry *en)
{
	struct lblcr_member *m;

	if (READ_ONCE(en->size) <= 1 ||
	    !time_after(jiffies, READ_ONCE(en->lastmod) +
				 lblcr_expiration(t->svc)))
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
static void lblcr_remember(struct lblcr_table *t, u16 af,
			   const union nf_inet_addr *addr,
			   struct kvs_dest *dest)
{
	struct lblcr_entry *en;

	spin_lock_bh(&t->lock);
	if (t->dead)
		goto out;
	en = lblcr_find(t, af, addr);
	if (!en) {
		if (t->entries >= LBLCR_MAX_SIZE * 3 / 2)
			goto out;
		en = kzalloc(sizeof(*en), GFP_ATOMIC);
		if (!en)
			goto out;
		en->addr = *addr;
		INIT_LIST_HEAD(&en->set);
		en->lastuse = jiffies;
		lblcr_member_add(en, dest);
		if (!en->size) {
			kfree(en);
			goto out;
		}
		hlist_add_head_rcu(&en->node, &t->bucket[lblcr_bucket(af, addr)]);
		t->entries++;
	} else if (!en->dead) {
		lblcr_member_add(en, dest);
	}
out:
	spin_unlock_bh(&t->lock);
}

static void lblcr_sweep(struct lblcr_table *t, unsigned long idle, int goal)
{
	unsigned long now = jiffies;
	struct lblcr_entry *en;
	struct hlist_node *next;
	unsigned int i, b = t->rover;

	for (i = 0; i < LBLCR_TAB_SIZE && goal > 0; i++) {
		b = (b + 1) % LBLCR_TAB_SIZE;
		spin_lock(&t->lock);
		hlist_for_each_entry_safe(en, next, &t->bucket[b], node) {
			if (time_before(now, READ_ONCE(en->lastuse) + idle))
				continue;
			lblcr_del(t, en);
			goal--;
		}
		spin_unlock(&t->lock);
	}
	t->rover = b;
}

static void lblcr_gc(struct timer_list *timer)
{
	struct lblcr_table *t = from_timer(t, timer, gc);
	int over = READ_ONCE(t->entries) - LBLCR_MAX_SIZE;

	/* As in-tree, passes that had to thin the table do not count. */
	if (t->passes % LBLCR_FULL_EVERY == 0) {
		lblcr_sweep(t, lblcr_expiration(t->svc), INT_MAX);
		t->passes = 1;
	} else if (over <= 0) {
		t->passes++;
	} else {
		lblcr_sweep(t, LBLCR_ENTRY_IDLE,
			    min(over * 4 / 3, LBLCR_MAX_SIZE / 2));
	}
	if (!READ_ONCE(t->dead))
		mod_timer(&t->gc, jiffies + LBLCR_GC_INTERVAL);
}

static int lblcr_init_service(struct kvs_service *svc)
{
	struct lblcr_table *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	spin_lock_init(&t->lock);
	t->svc = svc;
	t->passes = 1;
	timer_setup(&t->gc, lblcr_gc, 0);
	mod_timer(&t->gc, jiffies + LBLCR_GC_INTERVAL);
	rcu_assign_pointer(svc->sched_data, t);
	return 0;
}

static void lblcr_done_service(struct kvs_service *svc)
{
	struct lblcr_table *t = rcu_dereference_protected(svc->sched_data, 1);
	struct lblcr_entry *en;
	struct hlist_node *next;
	unsigned int b;

	spin_lock_bh(&t->lock);
	WRITE_ONCE(t->dead, true);
	spin_unlock_bh(&t->lock);
	del_timer_sync(&t->gc);
	spin_lock_bh(&t->lock);
	for (b = 0; b < LBLCR_TAB_SIZE; b++)
		hlist_for_each_entry_safe(en, next, &t->bucket[b], node)
			lblcr_del(t, en);
	spin_unlock_bh(&t->lock);
	RCU_INIT_POINTER(svc->sched_data, NULL);
	kfree_rcu(t, rcu);
}

static struct kvs_dest *lblcr_schedule(struct kvs_service *svc,
				       const struct sk_buff *skb,
				       const struct kvs_iph *iph)
{
	const struct kvs_dest_set *set = rcu_dereference(svc->dests);
	struct lblcr_table *t = rcu_dereference(svc->sched_data);
	u16 af = svc->key.af;
	struct lblcr_entry *en;
	struct kvs_dest *dest;

	if (!t)
		return NULL;
	en = lblcr_find(t, af, &iph->daddr);
	if (en) {
		WRITE_ONCE(en->lastuse, jiffies);
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
	.done_service	= lblcr_done_service,
	.schedule	= lblcr_schedule,
};

static int __net_init lblcr_net_init(struct net *net)
{
	struct lblcr_net *ln = net_generic(net, lblcr_net_id);

	ln->expiration = LBLCR_EXPIRATION;
	ln->hdr = kvs_sched_sysctl_register(net, "lblcr_expiration",
					    &ln->expiration);
	return ln->hdr ? 0 : -ENOMEM;
}

static void __net_exit lblcr_net_exit(struct net *net)
{
	struct lblcr_net *ln = net_generic(net, lblcr_net_id);

	kvs_sched_sysctl_unregister(ln->hdr);
}

static struct pernet_operations lblcr_net_ops = {
	.init	= lblcr_net_init,
	.exit	= lblcr_net_exit,
	.id	= &lblcr_net_id,
	.size	= sizeof(struct lblcr_net),
};

static int __init lblcr_init(void)
{
	int err;

	err = register_pernet_subsys(&lblcr_net_ops);
	if (err)
		return err;
	err = kvs_register_scheduler(&lblcr_sched);
	if (err)
		goto err_sched;
	return 0;

err_sched:
	unregister_pernet_subsys(&lblcr_net_ops);
	return err;
}

static void __exit lblcr_exit(void)
{
	kvs_unregister_scheduler(&lblcr_sched);
	unregister_pernet_subsys(&lblcr_net_ops);
	/* Members freed by call_rcu() run this module's callback. */
	rcu_barrier();
}

module_init(lblcr_init);
module_exit(lblcr_exit);
MODULE_DESCRIPTION("kvs locality-based least-connection with replication scheduler");
MODULE_LICENSE("GPL");
