// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted least connection: each new connection goes to the usable dest
 * with the smallest connection overhead per unit of weight; the first in
 * set order wins a tie.
 */
#include <linux/module.h>

#include "../core/kvs.h"

static struct kvs_dest *wlc_schedule(struct kvs_service *svc,
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
		oh = kvs_dest_conn_overhead(dest);
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

static struct kvs_scheduler wlc_sched = {
	.name		= "wlc",
	.owner		= THIS_MODULE,
	.schedule	= wlc_schedule,
};

static int __init wlc_init(void)
{
	return kvs_register_scheduler(&wlc_sched);
}

static void __exit wlc_exit(void)
{
	kvs_unregister_scheduler(&wlc_sched);
}

module_init(wlc_init);
module_exit(wlc_exit);
MODULE_DESCRIPTION("kvs weighted least-connection scheduler");
MODULE_LICENSE("GPL");
