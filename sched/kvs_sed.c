// SPDX-License-Identifier: GPL-2.0
/*
 * Shortest expected delay: each new connection goes to the usable dest
 * with the least (active connections + 1) / weight; the first in set
 * order wins a tie.
 */
#include <linux/module.h>

#include "../core/plugin.h"

static struct kvs_dest *sed_schedule(struct kvs_service *svc,
				     const struct sk_buff *skb,
				     const struct kvs_iph *iph)
{
	return kvs_sched_least(rcu_dereference(svc->dests),
			       kvs_dest_sed_cost, true);
}

static struct kvs_scheduler sed_sched = {
	.name		= "sed",
	.owner		= THIS_MODULE,
	.schedule	= sed_schedule,
};

module_kvs_scheduler(sed_sched);
MODULE_DESCRIPTION("kvs shortest-expected-delay scheduler");
MODULE_LICENSE("GPL");
