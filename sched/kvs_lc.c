// SPDX-License-Identifier: GPL-2.0
/*
 * Least connection: each new connection goes to the usable dest with
 * the smallest connection overhead; the first in set order wins a tie.
 */
#include <linux/module.h>

#include "../core/plugin.h"

static struct kvs_dest *lc_schedule(struct kvs_service *svc,
				    const struct sk_buff *skb,
				    const struct kvs_iph *iph)
{
	return kvs_sched_least(rcu_dereference(svc->dests),
			       kvs_dest_conn_overhead, false);
}

static struct kvs_scheduler lc_sched = {
	.name		= "lc",
	.owner		= THIS_MODULE,
	.schedule	= lc_schedule,
};

module_kvs_scheduler(lc_sched);
MODULE_DESCRIPTION("kvs least-connection scheduler");
MODULE_LICENSE("GPL");
