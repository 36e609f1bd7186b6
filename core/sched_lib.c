// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers for the scheduler modules beyond the dh/sh tables and weight
 * arithmetic of core/sched.c.  Like those, they compute what the in-tree
 * schedulers compute, so that a service chooses the same real servers.
 */
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/sysctl.h>

#include "plugin.h"

#if IS_ENABLED(CONFIG_KVS_KUNIT_TEST)
/*
 * Set by one KUnit case at a time (the suites are linked into kvs.o),
 * which puts NULL back before it ends.
 */
u32 (*kvs_sched_random_hook)(u32 ceil);
#endif

/* A uniform draw in [0, @ceil), @ceil > 0. */
u32 kvs_sched_random(u32 ceil)
{
#if IS_ENABLED(CONFIG_KVS_KUNIT_TEST)
	u32 (*hook)(u32 ceil) = READ_ONCE(kvs_sched_random_hook);

	if (hook)
		return hook(ceil);
#endif
	return get_random_u32_below(ceil);
}
EXPORT_SYMBOL_GPL(kvs_sched_random);

/*
 * lblc and lblcr leave the server cached for a destination address when
 * it has more active connections than its weight while another dest of
 * the set (any: quiescent and overloaded ones included, as in-tree) has
 * fewer than half its weight.
 */
bool kvs_sched_locality_overloaded(const struct kvs_dest_set *set,
				   const struct kvs_dest *dest)
{
	const struct kvs_dest *d;
	unsigned int i;

	if (atomic_read(&dest->activeconns) <= READ_ONCE(dest->weight))
		return false;
	for (i = 0; i < set->n; i++) {
		d = set->dest[i];
		if (atomic_read(&d->activeconns) * 2 < READ_ONCE(d->weight))
			return true;
	}
	return false;
}
EXPORT_SYMBOL_GPL(kvs_sched_locality_overloaded);

/*
 * A scheduler's own sysctl @name under net/ipv4/vs in @net, in seconds
 * to userspace and jiffies in *@jiffies_data, present while the module
 * is loaded (lblc_expiration, lblcr_expiration).  As in-tree, hidden in
 * a namespace of an unprivileged user.  NULL when out of memory.
 */
struct ctl_table_header *kvs_sched_sysctl_register(struct net *net,
						   const char *name,
						   int *jiffies_data)
{
	struct ctl_table_header *hdr;
	struct ctl_table *tbl;
	size_t n = 1;

	/* One more, zeroed: the sentinel older kernels look for. */
	tbl = kcalloc(n + 1, sizeof(*tbl), GFP_KERNEL);
	if (!tbl)
		return NULL;
	tbl->procname = name;
	tbl->data = jiffies_data;
	tbl->maxlen = sizeof(int);
	tbl->mode = 0644;
	tbl->proc_handler = proc_dointvec_jiffies;
	if (net->user_ns != &init_user_ns) {
		memset(tbl, 0, sizeof(*tbl));
		n = 0;
	}
	hdr = kvs_register_net_sysctl(net, "net/ipv4/vs", tbl, n);
	if (!hdr)
		kfree(tbl);
	return hdr;
}
EXPORT_SYMBOL_GPL(kvs_sched_sysctl_register);

void kvs_sched_sysctl_unregister(struct ctl_table_header *hdr)
{
	const struct ctl_table *tbl = hdr->ctl_table_arg;

	unregister_net_sysctl_table(hdr);
	kfree(tbl);
}
EXPORT_SYMBOL_GPL(kvs_sched_sysctl_unregister);
