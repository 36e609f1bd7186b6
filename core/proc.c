// SPDX-License-Identifier: GPL-2.0
/*
 * Files under /proc/net, per namespace: ip_vs_conn (the connection
 * table, in the in-tree format that ipvsadm -L -c reads) and kvs_stats
 * (what kvs adds: live connections and packets dropped, by reason).
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

/*
 * ip_vs_conn walks the table afresh for each read() and skips to its
 * position: simple and safe against resizes, linear per chunk.
 */
struct conn_seq {
	struct seq_net_private p;	/* first: seq_file_net() needs it */
	struct rhashtable_iter iter;
};

static struct kvs_conn *conn_seq_next_conn(struct conn_seq *st)
{
	struct kvs_tuple_hash *th;

	while ((th = rhashtable_walk_next(&st->iter))) {
		struct kvs_conn *cp;

		if (IS_ERR(th)) {
			if (PTR_ERR(th) == -EAGAIN)
				continue;
			return NULL;
		}
		if (th->dir != KVS_DIR_ORIG)
			continue;
		cp = container_of(th, struct kvs_conn, tuple[KVS_DIR_ORIG]);
		if (!test_bit(0, &cp->dead) &&
		    time_before(jiffies, READ_ONCE(cp->expires)))
			return cp;
	}
	return NULL;
}

static void *conn_seq_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	struct kvs_net *kn = kvs_net(seq_file_net(seq));
	struct conn_seq *st = seq->private;
	struct kvs_conn *cp = NULL;
	loff_t skip = *pos;

	rhashtable_walk_enter(&kn->conns.ht, &st->iter);
	rhashtable_walk_start(&st->iter);
	if (!skip)
		return SEQ_START_TOKEN;
	while (skip-- > 0 && (cp = conn_seq_next_conn(st)))
		;
	return cp;
}

static void *conn_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	++*pos;
	return conn_seq_next_conn(seq->private);
}

static void conn_seq_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	struct conn_seq *st = seq->private;

	rhashtable_walk_stop(&st->iter);
	rhashtable_walk_exit(&st->iter);
}

static int conn_seq_show(struct seq_file *seq, void *v)
{
	const struct kvs_conn *cp = v;
	const struct kvs_tuple *orig, *reply;
	char dbuf[40];
	long left;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n");
		return 0;
	}
	orig = &cp->tuple[KVS_DIR_ORIG].t;
	reply = &cp->tuple[KVS_DIR_REPLY].t;
	left = (long)(READ_ONCE(cp->expires) - jiffies);
	left = left > 0 ? jiffies_to_msecs(left) / 1000 : 0;
	/* IPv6 addresses in full, IPv4 ones in hex, as in-tree prints them. */
	if (reply->af == AF_INET6)
		snprintf(dbuf, sizeof(dbuf), "%pI6", &reply->src.in6);
	else
		snprintf(dbuf, sizeof(dbuf), "%08X", ntohl(reply->src.ip));
	if (orig->af == AF_INET6)
		seq_printf(seq, "%-3s %pI6 %04X %pI6 %04X ",
			   cp->proto->name, &orig->src.in6, ntohs(orig->sport),
			   &orig->dst.in6, ntohs(orig->dport));
	else
		seq_printf(seq, "%-3s %08X %04X %08X %04X ",
			   cp->proto->name, ntohl(orig->src.ip),
			   ntohs(orig->sport), ntohl(orig->dst.ip),
			   ntohs(orig->dport));
	seq_printf(seq, "%s %04X %-11s %7lu\n", dbuf, ntohs(reply->sport),
		   cp->proto->state_name(cp->state), left);
	return 0;
}

static const struct seq_operations conn_seq_ops = {
	.start	= conn_seq_start,
	.next	= conn_seq_next,
	.stop	= conn_seq_stop,
	.show	= conn_seq_show,
};

int kvs_proc_init(struct kvs_net *kn)
{
	struct net *net = kn->net;

	if (!proc_create_net_single("kvs_stats", 0444, net->proc_net,
				    kvs_stats_show, NULL))
		goto err_stats;
	if (!proc_create_net("ip_vs_conn", 0444, net->proc_net, &conn_seq_ops,
			     sizeof(struct conn_seq)))
		goto err_conn;
	return 0;

err_conn:
	remove_proc_entry("kvs_stats", net->proc_net);
err_stats:
	return -ENOMEM;
}

void kvs_proc_exit(struct kvs_net *kn)
{
	remove_proc_entry("ip_vs_conn", kn->net->proc_net);
	remove_proc_entry("kvs_stats", kn->net->proc_net);
}
