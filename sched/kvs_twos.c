// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted random of two choices: two usable dests are drawn at random,
 * each with a chance following its weight, and the new connection goes
 * to the one with less connection overhead per unit of weight (the
 * first drawn on a tie).
 *
 * The draws are in-tree's: each is uniform over [0, total weight], and
 * picks the first dest in set order at which the running sum of weights
 * reaches it, so the first dest's chance is (weight + 1) / (total + 1).
 * Debian's 6.1 kernel does not build the in-tree twos; this one makes
 * the same choices for the same random numbers.
 */
#include <linux/module.h>

#include "../core/plugin.h"

static struct kvs_dest *twos_schedule(struct kvs_service *svc,
				      const struct sk_buff *skb,
				      const struct kvs_iph *iph)
{
	const struct kvs_dest_set *set = rcu_dereference(svc->dests);
	struct kvs_dest *dest, *c1 = NULL, *c2 = NULL;
	s64 w1 = 0, w2 = 0, oh1 = 0, oh2 = 0;
	unsigned int i;
	s64 r1, r2;
	u32 total = 0;
	int w;

	for (i = 0; i < set->n; i++)
		if (kvs_dest_usable(set->dest[i]))
			total += READ_ONCE(set->dest[i]->weight);
	if (!total)
		return NULL;
	r1 = kvs_sched_random(total + 1);
	r2 = kvs_sched_random(total + 1);

	for (i = 0; i < set->n && !(c1 && c2); i++) {
		dest = set->dest[i];
		if (!kvs_dest_usable(dest))
			continue;
		w = READ_ONCE(dest->weight);
		r1 -= w;
		r2 -= w;
		if (r1 <= 0 && !c1) {
			c1 = dest;
			w1 = w;
			oh1 = kvs_dest_conn_overhead(dest);
		}
		if (r2 <= 0 && !c2) {
			c2 = dest;
			w2 = w;
			oh2 = kvs_dest_conn_overhead(dest);
		}
	}
	/* A weight changed under us and the draws ran past the set. */
	if (!c1 || !c2)
		return c1 ?: c2;
	return w2 * oh1 > w1 * oh2 ? c2 : c1;
}

static struct kvs_scheduler twos_sched = {
	.name		= "twos",
	.owner		= THIS_MODULE,
	.schedule	= twos_schedule,
};

module_kvs_scheduler(twos_sched);
MODULE_DESCRIPTION("kvs weighted random twos-choice scheduler");
MODULE_LICENSE("GPL");
