// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted overflow: new connections go to the usable dest of highest
 * weight (the first in set order on a tie) as long as its active
 * connections do not exceed its weight; past that they overflow to the
 * next one by weight, and so on.
 */
#include <linux/module.h>

#include "../core/plugin.h"

/* Not past its weight in active connections. */
static bool ovf_fits(const struct kvs_dest *dest)
{
	return atomic_read(&dest->activeconns) <= READ_ONCE(dest->weight);
}

static struct kvs_dest *ovf_schedule(struct kvs_service *svc,
				     const struct sk_buff *skb,
				     const struct kvs_iph *iph)
{
	return kvs_sched_heaviest(rcu_dereference(svc->dests), ovf_fits);
}

static struct kvs_scheduler ovf_sched = {
	.name		= "ovf",
	.owner		= THIS_MODULE,
	.schedule	= ovf_schedule,
};

module_kvs_scheduler(ovf_sched);
MODULE_DESCRIPTION("kvs weighted overflow scheduler");
MODULE_LICENSE("GPL");
