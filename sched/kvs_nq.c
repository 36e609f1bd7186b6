// SPDX-License-Identifier: GPL-2.0
/*
 * Never queue: a new connection goes to the first usable dest in set
 * order that has no active connection, however light it is; when every
 * usable dest is busy, to the one with the shortest expected delay,
 * (active connections + 1) / weight, as sed chooses.
 */
#include <linux/module.h>

#include "../core/plugin.h"

static struct kvs_dest *nq_schedule(struct kvs_service *svc,
				    const struct sk_buff *skb,
				    const struct kvs_iph *iph)
{
	const struct kvs_dest_set *set = rcu_dereference(svc->dests);
	unsigned int i;

	/* Inactive connections do not make a dest busy. */
	for (i = 0; i < set->n; i++)
		if (kvs_dest_usable(set->dest[i]) &&
		    !atomic_read(&set->dest[i]->activeconns))
			return set->dest[i];
	return kvs_sched_least(set, kvs_dest_sed_cost, true);
}

static struct kvs_scheduler nq_sched = {
	.name		= "nq",
	.owner		= THIS_MODULE,
	.schedule	= nq_schedule,
};

module_kvs_scheduler(nq_sched);
MODULE_DESCRIPTION("kvs never-queue scheduler");
MODULE_LICENSE("GPL");
