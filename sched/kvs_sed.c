// SPDX-License-Identifier: GPL-2.0
/*
 * Shortest expected delay: each new connection goes to the usable dest
 * where it would wait least, (active connections + 1) / weight.  Unlike
 * wlc the new connection itself is counted, so an idle heavy dest beats
 * an idle light one; inactive connections are not counted at all.  The
 * first in set order wins a tie.
 */
#include <linux/module.h>

#include "../core/kvs.h"

static struct kvs_dest *sed_schedule(struct kvs_service *svc,
				     const struct sk_buff *skb,
				     const struct kvs_iph *iph)
{
	const struct kvs_dest_set *set = rcu_dereference(svc->dests);
	struct kvs_dest *dest, *least = NULL;
	int oh, least_oh = 0, least_w = 0;
	unsigned int i;

	for (i = 0; set && i < set->n; i++) {
		dest = set->dest[i];
		if (!kvs_dest_usable(dest))
			continue;
		oh = atomic_read(&dest->activeconns) + 1;
		/* oh/w < least_oh/least_w, without dividing: weights are > 0. */
		if (!least || (s64)least_oh * READ_ONCE(dest->weight) >
			      (s64)oh * least_w) {
			least = dest;
			least_oh = oh;
			least_w = READ_ONCE(dest->weight);
		}
	}
	return least;
}

static struct kvs_scheduler sed_sched = {
	.name		= "sed",
	.owner		= THIS_MODULE,
	.schedule	= sed_schedule,
};

static int __init sed_init(void)
{
	return kvs_register_scheduler(&sed_sched);
}

static void __exit sed_exit(void)
{
	kvs_unregister_scheduler(&sed_sched);
}

module_init(sed_init);
module_exit(sed_exit);
MODULE_DESCRIPTION("kvs shortest-expected-delay scheduler");
MODULE_LICENSE("GPL");
