// SPDX-License-Identifier: GPL-2.0
/*
 * Least connection: each new connection goes to the usable dest with the
 * smallest connection overhead, weights aside; the first in set order
 * wins a tie.
 */
#include <linux/module.h>

#include "../core/kvs.h"

static struct kvs_dest *lc_schedule(struct kvs_service *svc,
				    const struct sk_buff *skb,
				    const struct kvs_iph *iph)
{
	const struct kvs_dest_set *set = rcu_dereference(svc->dests);
	struct kvs_dest *dest, *least = NULL;
	int oh, least_oh = 0;
	unsigned int i;

	for (i = 0; set && i < set->n; i++) {
		dest = set->dest[i];
		if (!kvs_dest_usable(dest))
			continue;
		oh = kvs_dest_conn_overhead(dest);
		if (!least || oh < least_oh) {
			least = dest;
			least_oh = oh;
		}
	}
	return least;
}

static struct kvs_scheduler lc_sched = {
	.name		= "lc",
	.owner		= THIS_MODULE,
	.schedule	= lc_schedule,
};

static int __init lc_init(void)
{
	return kvs_register_scheduler(&lc_sched);
}

static void __exit lc_exit(void)
{
	kvs_unregister_scheduler(&lc_sched);
}

module_init(lc_init);
module_exit(lc_exit);
MODULE_DESCRIPTION("kvs least-connection scheduler");
MODULE_LICENSE("GPL");
