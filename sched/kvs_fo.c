// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted failover: every new connection goes to the dest of highest
 * weight that is not overloaded, the first in set order on a tie; the
 * others only take over when it is quiesced, overloaded or removed.
 */
#include <linux/module.h>

#include "../core/plugin.h"

static struct kvs_dest *fo_schedule(struct kvs_service *svc,
				    const struct sk_buff *skb,
				    const struct kvs_iph *iph)
{
	return kvs_sched_heaviest(rcu_dereference(svc->dests), NULL);
}

static struct kvs_scheduler fo_sched = {
	.name		= "fo",
	.owner		= THIS_MODULE,
	.schedule	= fo_schedule,
};

module_kvs_scheduler(fo_sched);
MODULE_DESCRIPTION("kvs weighted failover scheduler");
MODULE_LICENSE("GPL");
