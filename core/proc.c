// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/kvs_stats: what kvs adds to the in-tree /proc files, per
 * namespace: live connections and packets dropped, by reason.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "kvs.h"

static const char *const drop_names[KVS_DROP_MAX] = {
	[KVS_DROP_MALFORMED]	= "drop_malformed",
	[KVS_DROP_NO_DEST]	= "drop_no_dest",
	[KVS_DROP_NO_MEM]	= "drop_no_mem",
	[KVS_DROP_CLASH]	= "drop_clash",
	[KVS_DROP_XMIT]		= "drop_xmit",
};

static int kvs_stats_show(struct seq_file *seq, void *v)
{
	struct kvs_net *kn = kvs_net(seq_file_single_net(seq));
	u64 drops[KVS_DROP_MAX];
	int i;

	kvs_drops_read(kn, drops);
	seq_printf(seq, "conns %d\n", atomic_read(&kn->conns.count));
	for (i = 0; i < KVS_DROP_MAX; i++)
		seq_printf(seq, "%s %llu\n", drop_names[i], drops[i]);
	return 0;
}

int kvs_proc_init(struct kvs_net *kn)
{
	if (!proc_create_net_single("kvs_stats", 0444, kn->net->proc_net,
				    kvs_stats_show, NULL))
		return -ENOMEM;
	return 0;
}

void kvs_proc_exit(struct kvs_net *kn)
{
	remove_proc_entry("kvs_stats", kn->net->proc_net);
}
