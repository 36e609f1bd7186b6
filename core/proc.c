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
 * ip_vs_conn walks the tables afresh for each read() and skips to its
 * position: simple and safe against resizes, linear per chunk.  The
 * connections come first, then the persistence templates.
 */
struct conn_seq {
	struct seq_net_private p;	/* first: seq_file_net() needs it */
	struct rhashtable_iter iter;
	struct rhashtable_iter tpl_iter;
	bool in_tpls;			/* the last entry returned is a template */
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

static struct kvs_template *conn_seq_next_tpl(struct conn_seq *st)
{
	struct kvs_template *tpl;

	while ((tpl = rhashtable_walk_next(&st->tpl_iter))) {
		if (IS_ERR(tpl)) {
			if (PTR_ERR(tpl) == -EAGAIN)
				continue;
			return NULL;
		}
		if (!test_bit(KVS_TPL_DEAD, &tpl->flags))
			return tpl;
	}
	return NULL;
}

static void *conn_seq_next_entry(struct conn_seq *st)
{
	void *v = NULL;

	if (!st->in_tpls) {
		v = conn_seq_next_conn(st);
		if (v)
			return v;
		st->in_tpls = true;
	}
	return conn_seq_next_tpl(st);
}

/* Each walk holds RCU from its start to its stop. */
static void *conn_seq_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU) __acquires(RCU)
{
	struct kvs_net *kn = kvs_net(seq_file_net(seq));
	struct conn_seq *st = seq->private;
	void *v = NULL;
	loff_t skip = *pos;

	st->in_tpls = false;
	rhashtable_walk_enter(&kn->conns.ht, &st->iter);
	rhashtable_walk_enter(&kn->tpls.ht, &st->tpl_iter);
	rhashtable_walk_start(&st->iter);
	rhashtable_walk_start(&st->tpl_iter);
	if (!skip)
		return SEQ_START_TOKEN;
	while (skip-- > 0 && (v = conn_seq_next_entry(st)))
		;
	return v;
}

static void *conn_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	++*pos;
	return conn_seq_next_entry(seq->private);
}

static void conn_seq_stop(struct seq_file *seq, void *v)
	__releases(RCU) __releases(RCU)
{
	struct conn_seq *st = seq->private;

	rhashtable_walk_stop(&st->tpl_iter);
	rhashtable_walk_stop(&st->iter);
	rhashtable_walk_exit(&st->tpl_iter);
	rhashtable_walk_exit(&st->iter);
}

static unsigned int seconds_left(unsigned long expires)
{
	long left = (long)(expires - jiffies);

	return left > 0 ? jiffies_to_msecs(left) / 1000 : 0;
}

static int conn_seq_show(struct seq_file *seq, void *v)
{
	struct conn_seq *st = seq->private;
	const struct kvs_conn *cp = v;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n");
		return 0;
	}
	if (st->in_tpls) {
		kvs_persist_seq_show(seq, v);
		return 0;
	}
	seq_printf(seq, "%-3s %08X %04X %08X %04X %08X %04X %-11s %7u\n",
		   cp->proto->name,
		   ntohl(kvs_conn_caddr(cp)->ip), ntohs(kvs_conn_cport(cp)),
		   ntohl(kvs_conn_vaddr(cp)->ip), ntohs(kvs_conn_vport(cp)),
		   ntohl(kvs_conn_daddr(cp)->ip), ntohs(kvs_conn_dport(cp)),
		   cp->proto->state_name(cp->state),
		   seconds_left(READ_ONCE(cp->expires)));
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
