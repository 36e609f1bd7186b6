// SPDX-License-Identifier: GPL-2.0
/*
 * Never queue: a new connection goes to the first usable dest in set
 * order that has no active connection, however light it is; when every
 * usable dest is busy, to the one with the shortest expected delay,
 * (active connections + 1) / weight, as sed chooses.
 */
#include <linux/module.h>

#include "../core/kvs.h"

static struct kvs_dest *nq_schedule(struct kvs_service *svc,
				    const struct sk_buff *skb,
				    const struct kvs_iph *iph)
{
	const struct kvs_dest_set *set = rcu_dereference(svc->dests);
	struct kvs_dest *dest, *least = NULL;
	int active, least_oh = 0, least_w = 0;
	unsigned int i;

	for (i = 0; set && i < set->n; i++) {
		dest = set->dest[i];
		if (!kvs_dest_usable(dest))
			continue;
		active = atomic_read(&dest->activeconns);
		/* Inactive connections do not make a dest busy. */
		if (!active)
			return dest;
		if (!least || (s64)least_oh * READ_ONCE(dest->weight) >
			      (s64)(active + 1) * least_w) {
			least = dest;
			least_oh = active + 1;
			least_w = READ_ONCE(dest->weight);
		}
	}
	return least;
}

static struct kvs_scheduler nq_sched = {
	.name		= "nq",
	.owner		= THIS_MODULE,
	.schedule	= nq_schedule,
};

static int __init nq_init(void)
{
	return kvs_register_scheduler(&nq_sched);
}

static void __exit nq_exit(void)
{
	kvs_unregister_scheduler(&nq_sched);
}

module_init(nq_init);
module_exit(nq_exit);
MODULE_DESCRIPTION("kvs never-queue scheduler");
MODULE_LICENSE("GPL");
