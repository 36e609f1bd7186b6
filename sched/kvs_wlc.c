// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted least connection: each new connection goes to the usable dest
 * with the smallest connection overhead per unit of weight; the first in
 * set order wins a tie.
 */
#include <linux/module.h>

#include "../core/plugin.h"

static struct kvs_dest *wlc_schedule(struct kvs_service *svc,
				     const struct sk_buff *skb,
				     const struct kvs_iph *iph)
{
	return kvs_sched_least(rcu_dereference(svc->dests),
			       kvs_dest_conn_overhead, true);
}

static struct kvs_scheduler wlc_sched = {
	.name		= "wlc",
	.owner		= THIS_MODULE,
	.schedule	= wlc_schedule,
};

module_kvs_scheduler(wlc_sched);
MODULE_DESCRIPTION("kvs weighted least-connection scheduler");
MODULE_LICENSE("GPL");
