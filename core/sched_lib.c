// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers for the scheduler modules beyond the dh/sh tables and weight
 * arithmetic of core/sched.c.  Like those, they compute what the in-tree
 * schedulers compute, so that a service chooses the same real servers.
 */
#include <linux/hash.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/sysctl.h>

#include "plugin.h"

#if IS_ENABLED(CONFIG_KVS_KUNIT_TEST)
/*
 * Set by one KUnit case at a time (the suites are linked into kvs.o),
 * which puts NULL back before it ends.
 */
u32 (*kvs_sched_random_hook)(u32 ceil);
#endif

/* A uniform draw in [0, @ceil), @ceil > 0. */
u32 kvs_sched_random(u32 ceil)
{
#if IS_ENABLED(CONFIG_KVS_KUNIT_TEST)
	u32 (*hook)(u32 ceil) = READ_ONCE(kvs_sched_random_hook);

	if (hook)
		return hook(ceil);
#endif
	return get_random_u32_below(ceil);
}
EXPORT_SYMBOL_GPL(kvs_sched_random);

/*
 * lblc and lblcr leave the server cached for a destination address when
 * it has more active connections than its weight while another dest of
 * the set (any: quiescent and overloaded ones included, as in-tree) has
 * fewer than half its weight.
 */
bool kvs_sched_locality_overloaded(const struct kvs_dest_set *set,
				   const struct kvs_dest *dest)
{
	const struct kvs_dest *d;
	unsigned int i;

	if (atomic_read(&dest->activeconns) <= READ_ONCE(dest->weight))
		return false;
	for (i = 0; i < set->n; i++) {
		d = set->dest[i];
		if (atomic_read(&d->activeconns) * 2 < READ_ONCE(d->weight))
			return true;
	}
	return false;
}
EXPORT_SYMBOL_GPL(kvs_sched_locality_overloaded);

static unsigned int loc_bucket(u16 af, const union nf_inet_addr *addr)
{
	__be32 fold = addr->ip;

	if (af == AF_INET6)
		fold = addr->ip6[0] ^ addr->ip6[1] ^ addr->ip6[2] ^
		       addr->ip6[3];
	return hash_32(ntohl(fold), KVS_LOC_BITS);
}

/* RCU held, or the table's lock. */
struct kvs_loc_node *kvs_loc_find(struct kvs_loc_table *t, u16 af,
				  const union nf_inet_addr *addr)
{
	struct kvs_loc_node *n;

	hlist_for_each_entry_rcu(n, &t->bucket[loc_bucket(af, addr)], node,
				 lockdep_is_held(&t->lock))
		if (kvs_addr_equal(af, &n->addr, addr))
			return n;
	return NULL;
}
EXPORT_SYMBOL_GPL(kvs_loc_find);

/* Lock held, kvs_loc_room() true; @n->addr set. */
void kvs_loc_add(struct kvs_loc_table *t, u16 af, struct kvs_loc_node *n)
{
	lockdep_assert_held(&t->lock);
	n->lastuse = jiffies;
	hlist_add_head_rcu(&n->node, &t->bucket[loc_bucket(af, &n->addr)]);
	t->entries++;
}
EXPORT_SYMBOL_GPL(kvs_loc_add);

void kvs_loc_del(struct kvs_loc_table *t, struct kvs_loc_node *n)
{
	lockdep_assert_held(&t->lock);
	hlist_del_rcu(&n->node);
	t->entries--;
	t->ops->release(t, n);
}
EXPORT_SYMBOL_GPL(kvs_loc_del);

/*
 * Drop the entries unused for @idle jiffies, sweeping buckets on from
 * the rover until @goal are gone (a full sweep: @goal INT_MAX).  The
 * timer runs in softirq context, so the plain spin_lock() suffices.
 */
static void loc_sweep(struct kvs_loc_table *t, unsigned long idle, int goal)
{
	unsigned long now = jiffies;
	struct kvs_loc_node *n;
	struct hlist_node *next;
	unsigned int i, b = t->rover;

	for (i = 0; i < KVS_LOC_SIZE && goal > 0; i++) {
		b = (b + 1) % KVS_LOC_SIZE;
		spin_lock(&t->lock);
		hlist_for_each_entry_safe(n, next, &t->bucket[b], node) {
			if (time_before(now, READ_ONCE(n->lastuse) + idle))
				continue;
			kvs_loc_del(t, n);
			goal--;
		}
		spin_unlock(&t->lock);
	}
	t->rover = b;
}

#define LOC_GC_INTERVAL		(60 * HZ)
#define LOC_ENTRY_IDLE		(6 * 60 * HZ)
#define LOC_FULL_EVERY		30

static void loc_gc(struct timer_list *timer)
{
	struct kvs_loc_table *t = from_timer(t, timer, gc);
	int over = READ_ONCE(t->entries) - KVS_LOC_MAX;

	/* As in-tree, passes that had to thin the table do not count. */
	if (t->passes % LOC_FULL_EVERY == 0) {
		loc_sweep(t, kvs_sched_knob_get(t->ops->expiration,
						t->svc->kn->net), INT_MAX);
		t->passes = 1;
	} else if (over <= 0) {
		t->passes++;
	} else {
		loc_sweep(t, LOC_ENTRY_IDLE, min(over * 4 / 3, KVS_LOC_MAX / 2));
	}
	if (!READ_ONCE(t->dead))
		mod_timer(&t->gc, jiffies + LOC_GC_INTERVAL);
}

/* A new, empty table for @svc, with its gc running. */
int kvs_loc_table_create(struct kvs_service *svc,
			 const struct kvs_loc_ops *ops)
{
	struct kvs_loc_table *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	spin_lock_init(&t->lock);
	t->svc = svc;
	t->ops = ops;
	t->passes = 1;
	timer_setup(&t->gc, loc_gc, 0);
	mod_timer(&t->gc, jiffies + LOC_GC_INTERVAL);
	rcu_assign_pointer(svc->sched_data, t);
	return 0;
}
EXPORT_SYMBOL_GPL(kvs_loc_table_create);

/*
 * Stop the gc, release every entry and free the table after a grace
 * period.  The module's release callbacks may still be queued: its exit
 * waits for them with rcu_barrier().
 */
void kvs_loc_table_destroy(struct kvs_service *svc)
{
	struct kvs_loc_table *t = rcu_dereference_protected(svc->sched_data, 1);
	struct kvs_loc_node *n;
	struct hlist_node *next;
	unsigned int b;

	spin_lock_bh(&t->lock);
	WRITE_ONCE(t->dead, true);
	spin_unlock_bh(&t->lock);
	del_timer_sync(&t->gc);
	spin_lock_bh(&t->lock);
	for (b = 0; b < KVS_LOC_SIZE; b++)
		hlist_for_each_entry_safe(n, next, &t->bucket[b], node)
			kvs_loc_del(t, n);
	spin_unlock_bh(&t->lock);
	RCU_INIT_POINTER(svc->sched_data, NULL);
	kfree_rcu(t, rcu);
}
EXPORT_SYMBOL_GPL(kvs_loc_table_destroy);

/*
 * As in-tree, the sysctl is hidden in a namespace of an unprivileged
 * user; the value is kept all the same.
 */
int kvs_sched_knob_net_init(struct kvs_sched_knob *k, struct net *net)
{
	struct kvs_sched_knob_net *kn = net_generic(net, k->net_id);
	struct ctl_table *tbl;
	size_t n = 1;

	kn->value = k->initial;
	/* One more, zeroed: the sentinel older kernels look for. */
	tbl = kcalloc(n + 1, sizeof(*tbl), GFP_KERNEL);
	if (!tbl)
		return -ENOMEM;
	tbl->procname = k->name;
	tbl->data = &kn->value;
	tbl->maxlen = sizeof(int);
	tbl->mode = 0644;
	tbl->proc_handler = proc_dointvec_jiffies;
	if (net->user_ns != &init_user_ns) {
		memset(tbl, 0, sizeof(*tbl));
		n = 0;
	}
	kn->hdr = kvs_register_net_sysctl(net, "net/ipv4/vs", tbl, n);
	if (!kn->hdr) {
		kfree(tbl);
		return -ENOMEM;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(kvs_sched_knob_net_init);

void kvs_sched_knob_net_exit(struct kvs_sched_knob *k, struct net *net)
{
	struct kvs_sched_knob_net *kn = net_generic(net, k->net_id);
	const struct ctl_table *tbl = kn->hdr->ctl_table_arg;

	unregister_net_sysctl_table(kn->hdr);
	kfree(tbl);
}
EXPORT_SYMBOL_GPL(kvs_sched_knob_net_exit);

/* The knob in every namespace, then the scheduler. */
int kvs_sched_knob_register(struct kvs_sched_knob *k)
{
	int err;

	err = register_pernet_subsys(&k->pernet);
	if (err)
		return err;
	err = kvs_register_scheduler(k->sched);
	if (err)
		goto err_sched;
	return 0;

err_sched:
	unregister_pernet_subsys(&k->pernet);
	return err;
}
EXPORT_SYMBOL_GPL(kvs_sched_knob_register);

void kvs_sched_knob_unregister(struct kvs_sched_knob *k)
{
	kvs_unregister_scheduler(k->sched);
	unregister_pernet_subsys(&k->pernet);
}
EXPORT_SYMBOL_GPL(kvs_sched_knob_unregister);
