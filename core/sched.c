// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler registry.  Schedulers are modules that register an ops
 * struct; a service that uses one holds a reference on its module, so a
 * scheduler in use cannot be unloaded.  Looking up an unknown name asks
 * modprobe for "kvs_<name>" once before giving up.
 */
#include <linux/gcd.h>
#include <linux/hash.h>
#include <linux/kmod.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "sched.h"

/* Registered schedulers; the mutex guards the list, not the schedulers. */
static LIST_HEAD(sched_list);
static DEFINE_MUTEX(sched_mutex);

static struct kvs_scheduler *sched_find(const char *name)
{
	struct kvs_scheduler *s;

	lockdep_assert_held(&sched_mutex);
	list_for_each_entry(s, &sched_list, list)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

int kvs_register_scheduler(struct kvs_scheduler *sched)
{
	int err = 0;

	if (!sched->name || strlen(sched->name) >= IP_VS_SCHEDNAME_MAXLEN ||
	    !sched->schedule)
		return -EINVAL;

	mutex_lock(&sched_mutex);
	if (sched_find(sched->name))
		err = -EEXIST;
	else
		list_add_tail(&sched->list, &sched_list);
	mutex_unlock(&sched_mutex);
	if (!err)
		pr_debug("scheduler %s registered\n", sched->name);
	return err;
}
EXPORT_SYMBOL_GPL(kvs_register_scheduler);

void kvs_unregister_scheduler(struct kvs_scheduler *sched)
{
	mutex_lock(&sched_mutex);
	list_del(&sched->list);
	mutex_unlock(&sched_mutex);
	/* No service holds it, but a CPU may still be inside ->schedule(). */
	synchronize_rcu();
}
EXPORT_SYMBOL_GPL(kvs_unregister_scheduler);

static struct kvs_scheduler *sched_get_loaded(const char *name)
{
	struct kvs_scheduler *s;

	mutex_lock(&sched_mutex);
	s = sched_find(name);
	if (s && !try_module_get(s->owner))
		s = NULL;
	mutex_unlock(&sched_mutex);
	return s;
}

/* Returns the scheduler with a module reference, or NULL. */
struct kvs_scheduler *kvs_sched_get(const char *name)
{
	struct kvs_scheduler *s;

	s = sched_get_loaded(name);
	if (!s && !request_module("kvs_%s", name))
		s = sched_get_loaded(name);
	return s;
}

void kvs_sched_put(struct kvs_scheduler *sched)
{
	module_put(sched->owner);
}

static struct kvs_scheduler *sched_locked(struct kvs_service *svc)
{
	return rcu_dereference_protected(svc->sched,
					 lockdep_is_held(&svc->kn->lock));
}

/*
 * Give @svc to @sched, whose module reference the service now owns.  On
 * failure the caller keeps the reference.  kvs_net.lock held.
 */
int kvs_sched_bind(struct kvs_service *svc, struct kvs_scheduler *sched)
{
	int err;

	lockdep_assert_held(&svc->kn->lock);
	if (WARN_ON(sched_locked(svc)))
		return -EBUSY;
	if (sched->init_service) {
		err = sched->init_service(svc);
		if (err)
			return err;
	}
	rcu_assign_pointer(svc->sched, sched);
	return 0;
}

/* Take @svc's scheduler away and drop its module reference. */
void kvs_sched_unbind(struct kvs_service *svc)
{
	struct kvs_scheduler *sched = sched_locked(svc);

	if (!sched)
		return;
	RCU_INIT_POINTER(svc->sched, NULL);
	/* ->done_service frees sched_data after a grace period. */
	if (sched->done_service)
		sched->done_service(svc);
	kvs_sched_put(sched);
}

void kvs_sched_update(struct kvs_service *svc, const struct kvs_dest_set *old)
{
	struct kvs_scheduler *sched = sched_locked(svc);

	if (sched && sched->update_service)
		sched->update_service(svc, old);
}

/*
 * Move a live service from its scheduler to @sched (whose reference the
 * service takes over on success).  Packets may be inside the old
 * scheduler with its data right now, so the old one is gone for a grace
 * period before the new one sets up its own data in the same slot.  A
 * service with no scheduler may have lost it to kvs_sched_unbind() (an
 * edit to "none") an instant ago, with a reader still inside: it waits
 * as long.  On failure the service gets its old scheduler back, freshly
 * initialised.
 */
int kvs_sched_rebind(struct kvs_service *svc, struct kvs_scheduler *sched)
{
	struct kvs_scheduler *old = sched_locked(svc);
	int err;

	lockdep_assert_held(&svc->kn->lock);
	if (old)
		RCU_INIT_POINTER(svc->sched, NULL);
	synchronize_rcu();
	if (old && old->done_service)
		old->done_service(svc);
	err = kvs_sched_bind(svc, sched);
	if (err) {
		if (old && kvs_sched_bind(svc, old)) {
			pr_warn_ratelimited("service left without a scheduler\n");
			kvs_sched_put(old);
		}
		return err;
	}
	if (old)
		kvs_sched_put(old);
	return 0;
}

/*
 * Helpers the scheduler modules share.  They compute what the in-tree
 * schedulers compute, so that a service chooses the same real servers
 * under kvs as under IPVS.
 */

/* The weight step of wrr: gcd of the positive weights, 1 when none. */
int kvs_sched_gcd_weight(const struct kvs_dest_set *set)
{
	unsigned long g = 0;
	unsigned int i;
	int w;

	for (i = 0; set && i < set->n; i++) {
		w = READ_ONCE(set->dest[i]->weight);
		if (w > 0)
			g = g ? gcd(g, w) : w;
	}
	return g ? g : 1;
}
EXPORT_SYMBOL_GPL(kvs_sched_gcd_weight);

/* Overloaded dests count too: overload comes and goes with traffic. */
int kvs_sched_max_weight(const struct kvs_dest_set *set)
{
	unsigned int i;
	int w, max = 0;

	for (i = 0; set && i < set->n; i++) {
		w = READ_ONCE(set->dest[i]->weight);
		if (w > max)
			max = w;
	}
	return max;
}
EXPORT_SYMBOL_GPL(kvs_sched_max_weight);

/*
 * The bucket of @addr (plus @port, 0 for none) in a dh/sh table.  An
 * IPv6 address is folded to 32 bits first; the port is added to the
 * host-order address before multiplicative hashing, which is how the
 * in-tree sh mixes them (dh hashes the address alone, port 0).
 */
unsigned int kvs_sched_hash(u16 af, const union nf_inet_addr *addr,
			    __be16 port)
{
	__be32 fold = addr->ip;

	if (af == AF_INET6)
		fold = addr->ip6[0] ^ addr->ip6[1] ^ addr->ip6[2] ^
		       addr->ip6[3];
	return hash_32(ntohl(fold) + ntohs(port), KVS_SCHED_TAB_BITS);
}
EXPORT_SYMBOL_GPL(kvs_sched_hash);

/*
 * Fill a dh/sh table: the dests take buckets in set order, round and
 * round until all KVS_SCHED_TAB_SIZE are assigned.  @weighted (sh) gives
 * each dest as many consecutive buckets per round as its weight, but at
 * least one, so a quiescent dest still owns a bucket and its keys are
 * refused (or fall back) rather than silently moved.  An empty set
 * leaves every bucket NULL.
 */
static void fill_table(struct kvs_sched_table *t,
		       const struct kvs_dest_set *set, bool weighted)
{
	struct kvs_dest *dest;
	unsigned int b, i = 0;
	int taken = 0;

	for (b = 0; b < KVS_SCHED_TAB_SIZE; b++) {
		dest = set && set->n ? set->dest[i] : NULL;
		/* Readers may be using @t when memory was short. */
		WRITE_ONCE(t->bucket[b], dest);
		if (!dest)
			continue;
		if (!weighted || ++taken >= READ_ONCE(dest->weight)) {
			taken = 0;
			i = i + 1 < set->n ? i + 1 : 0;
		}
	}
}

/*
 * Give @svc (its sched_data) a dh/sh table filled from its current dest
 * set.  The new table is built aside and published whole; the old one
 * is freed after a grace period.  Without memory for a new one, the old
 * one is refilled in place: a reader then sees old and new buckets
 * mixed for a moment, each a dest that stays valid until it is done.
 * Fails only when there is no table at all.  kvs_net.lock held.
 */
int kvs_sched_table_build(struct kvs_service *svc, bool weighted)
{
	struct kvs_sched_table *old, *t;

	old = rcu_dereference_protected(svc->sched_data,
					lockdep_is_held(&svc->kn->lock));
	t = kmalloc(sizeof(*t), GFP_KERNEL);
	if (!t) {
		if (!old)
			return -ENOMEM;
		fill_table(old, kvs_dests_locked(svc), weighted);
		return 0;
	}
	fill_table(t, kvs_dests_locked(svc), weighted);
	rcu_assign_pointer(svc->sched_data, t);
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}
EXPORT_SYMBOL_GPL(kvs_sched_table_build);

void kvs_sched_table_free(struct kvs_service *svc)
{
	struct kvs_sched_table *t = rcu_dereference_protected(svc->sched_data,
							       1);

	RCU_INIT_POINTER(svc->sched_data, NULL);
	if (t)
		kfree_rcu(t, rcu);
}
EXPORT_SYMBOL_GPL(kvs_sched_table_free);
