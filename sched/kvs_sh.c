// SPDX-License-Identifier: GPL-2.0
/*
 * Source hashing: the packet's source address (and, with the sh-port
 * flag, its source port) picks one of 256 buckets, dealt to the dests
 * in set order, each taking as many buckets in a row as its weight.  A
 * key whose dest is unusable is refused, or with the sh-fallback flag
 * sent on to the next usable dest found by walking the table.
 */
#include <linux/module.h>

#include "../core/plugin.h"

static int sh_init_service(struct kvs_service *svc)
{
	return kvs_sched_table_build(svc, true);
}

static void sh_update_service(struct kvs_service *svc,
			      const struct kvs_dest_set *old)
{
	kvs_sched_table_build(svc, true);
}

/*
 * The in-tree fallback adds the first bucket to the walk's offset and
 * then hashes with that offset, counting the first bucket twice: it
 * walks on from 2 * @b, not from @b + 1.  Doing the same keeps every
 * fallback choice equal to the in-tree one.
 */
static struct kvs_dest *sh_fallback(const struct kvs_sched_table *t,
				    unsigned int b)
{
	struct kvs_dest *dest;
	unsigned int k;

	for (k = 0; k < KVS_SCHED_TAB_SIZE; k++) {
		dest = READ_ONCE(t->bucket[(2 * b + k) % KVS_SCHED_TAB_SIZE]);
		if (!dest)
			break;
		if (kvs_dest_usable(dest))
			return dest;
	}
	return NULL;
}

static struct kvs_dest *sh_schedule(struct kvs_service *svc,
				    const struct sk_buff *skb,
				    const struct kvs_iph *iph)
{
	const struct kvs_sched_table *t = rcu_dereference(svc->sched_data);
	u32 flags = READ_ONCE(svc->flags);
	struct kvs_dest *dest;
	unsigned int b;

	if (!t)
		return NULL;
	b = kvs_sched_hash(iph->af, &iph->saddr,
			   flags & IP_VS_SVC_F_SCHED_SH_PORT ? iph->sport : 0);
	dest = READ_ONCE(t->bucket[b]);
	if (!dest || kvs_dest_usable(dest))
		return dest;
	if (flags & IP_VS_SVC_F_SCHED_SH_FALLBACK)
		return sh_fallback(t, b);
	return NULL;
}

static struct kvs_scheduler sh_sched = {
	.name		= "sh",
	.owner		= THIS_MODULE,
	.init_service	= sh_init_service,
	.done_service	= kvs_sched_table_free,
	.update_service	= sh_update_service,
	.schedule	= sh_schedule,
};

module_kvs_scheduler(sh_sched);
MODULE_DESCRIPTION("kvs source-hashing scheduler");
MODULE_LICENSE("GPL");
