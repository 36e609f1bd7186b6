// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted overflow: new connections go to the usable dest of highest
 * weight (the first in set order on a tie) as long as its active
 * connections do not exceed its weight; past that they overflow to the
 * next one by weight, and so on.
 */
#include <linux/module.h>

#include "../core/plugin.h"

static struct kvs_dest *ovf_schedule(struct kvs_service *svc,
				     const struct sk_buff *skb,
				     const struct kvs_iph *iph)
{
	const struct kvs_dest_set *set = rcu_dereference(svc->dests);
	struct kvs_dest *dest, *best = NULL;
	int w, best_w = 0;
	unsigned int i;

	for (i = 0; i < set->n; i++) {
		dest = set->dest[i];
		w = READ_ONCE(dest->weight);
		if (!kvs_dest_usable(dest) ||
		    atomic_read(&dest->activeconns) > w)
			continue;
		if (!best || w > best_w) {
			best = dest;
			best_w = w;
		}
	}
	return best;
}

static struct kvs_scheduler ovf_sched = {
	.name		= "ovf",
	.owner		= THIS_MODULE,
	.schedule	= ovf_schedule,
};

module_kvs_scheduler(ovf_sched);
MODULE_DESCRIPTION("kvs weighted overflow scheduler");
MODULE_LICENSE("GPL");
