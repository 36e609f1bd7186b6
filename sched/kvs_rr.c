// SPDX-License-Identifier: GPL-2.0
/*
 * Round robin: each new connection goes to the next usable real server
 * after the one chosen last, in the service's dest order.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include "../core/plugin.h"

/*
 * @pos indexes the dest set the last choice was made in, or is -1
 * before the first.  A racing CPU may store a slightly stale position;
 * that only shifts the cycle and is bounds-checked on use.
 */
struct rr_data {
	atomic_t pos;
	struct rcu_head rcu;
};

static int rr_init_service(struct kvs_service *svc)
{
	struct rr_data *rr = kzalloc(sizeof(*rr), GFP_KERNEL);

	if (!rr)
		return -ENOMEM;
	atomic_set(&rr->pos, -1);
	rcu_assign_pointer(svc->sched_data, rr);
	return 0;
}

static void rr_done_service(struct kvs_service *svc)
{
	struct rr_data *rr = rcu_dereference_protected(svc->sched_data, 1);

	RCU_INIT_POINTER(svc->sched_data, NULL);
	kfree_rcu(rr, rcu);
}

static int set_index(const struct kvs_dest_set *set, const struct kvs_dest *d)
{
	unsigned int i;

	for (i = 0; set && i < set->n; i++)
		if (set->dest[i] == d)
			return i;
	return -1;
}

/*
 * Keep the cycle where it was: on the same dest if it is still there,
 * else on the nearest one before it that survived.
 */
static void rr_update_service(struct kvs_service *svc,
			      const struct kvs_dest_set *old)
{
	struct rr_data *rr = rcu_dereference_protected(svc->sched_data, 1);
	const struct kvs_dest_set *cur = kvs_dests_locked(svc);
	int pos = atomic_read(&rr->pos);
	int i = -1;

	if (old && pos >= 0 && pos < old->n) {
		for (; pos >= 0 && i < 0; pos--)
			i = set_index(cur, old->dest[pos]);
	}
	atomic_set(&rr->pos, i);
}

static struct kvs_dest *rr_schedule(struct kvs_service *svc,
				    const struct sk_buff *skb,
				    const struct kvs_iph *iph)
{
	const struct kvs_dest_set *set = rcu_dereference(svc->dests);
	struct rr_data *rr = rcu_dereference(svc->sched_data);
	unsigned int n, i, k;
	int pos;

	if (!set || !rr || !set->n)
		return NULL;
	n = set->n;
	pos = atomic_read(&rr->pos);
	i = pos >= 0 && pos < n ? pos : n - 1;
	for (k = 0; k < n; k++) {
		i = i + 1 == n ? 0 : i + 1;
		if (kvs_dest_usable(set->dest[i])) {
			atomic_set(&rr->pos, i);
			return set->dest[i];
		}
	}
	return NULL;
}

static struct kvs_scheduler rr_sched = {
	.name		= "rr",
	.owner		= THIS_MODULE,
	.init_service	= rr_init_service,
	.done_service	= rr_done_service,
	.update_service	= rr_update_service,
	.schedule	= rr_schedule,
};

module_kvs_scheduler(rr_sched);
MODULE_DESCRIPTION("kvs round-robin scheduler");
MODULE_LICENSE("GPL");
