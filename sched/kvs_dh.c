// SPDX-License-Identifier: GPL-2.0
/*
 * Destination hashing: the packet's destination address picks one of
 * 256 buckets, dealt to the dests one each in set order, round and
 * round; weights only decide whether a dest is usable.  A key whose
 * dest is unusable is refused rather than moved, so a cache cluster
 * never sees it land on a cold cache.
 */
#include <linux/module.h>

#include "../core/plugin.h"

static int dh_init_service(struct kvs_service *svc)
{
	return kvs_sched_table_build(svc, false);
}

static void dh_update_service(struct kvs_service *svc,
			      const struct kvs_dest_set *old)
{
	/* Weights do not shape the table: only a new set changes it. */
	if (old != kvs_dests_locked(svc))
		kvs_sched_table_build(svc, false);
}

static struct kvs_dest *dh_schedule(struct kvs_service *svc,
				    const struct sk_buff *skb,
				    const struct kvs_iph *iph)
{
	const struct kvs_sched_table *t = rcu_dereference(svc->sched_data);
	struct kvs_dest *dest;

	if (!t)
		return NULL;
	dest = READ_ONCE(t->bucket[kvs_sched_hash(iph->af, &iph->daddr, 0)]);
	/* The table may lag a removal by a moment: check the set still has it. */
	if (!dest || !test_bit(KVS_DEST_AVAILABLE, &dest->flags) ||
	    !kvs_dest_usable(dest))
		return NULL;
	return dest;
}

static struct kvs_scheduler dh_sched = {
	.name		= "dh",
	.owner		= THIS_MODULE,
	.init_service	= dh_init_service,
	.done_service	= kvs_sched_table_free,
	.update_service	= dh_update_service,
	.schedule	= dh_schedule,
};

module_kvs_scheduler(dh_sched);
MODULE_DESCRIPTION("kvs destination-hashing scheduler");
MODULE_LICENSE("GPL");
