// SPDX-License-Identifier: GPL-2.0
/*
 * Files under /proc/net, per namespace, in the in-tree formats: ip_vs
 * (services and dests, what prometheus-node-exporter reads), ip_vs_stats
 * and ip_vs_stats_percpu (the namespace's totals and rates), ip_vs_conn
 * (what ipvsadm -L -c reads), ip_vs_conn_sync and ip_vs_app (the
 * application helpers); and kvs_stats (what kvs adds: live connections,
 * packets dropped by reason, malformed commands a helper let through).
 *
 * The line formatters are small functions of their own (kvs_proc_fmt_*)
 * so that KUnit can check them against the in-tree output.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "app.h"
#include "proc.h"
#include "sched.h"
#include "table.h"

static const char *const drop_names[KVS_DROP_MAX] = {
	[KVS_DROP_MALFORMED]	= "drop_malformed",
	[KVS_DROP_NO_DEST]	= "drop_no_dest",
	[KVS_DROP_NO_MEM]	= "drop_no_mem",
	[KVS_DROP_CLASH]	= "drop_clash",
	[KVS_DROP_XMIT]		= "drop_xmit",
	[KVS_DROP_DEFENSE]	= "drop_defense",
};

static int kvs_stats_show(struct seq_file *seq, void *v)
{
	struct kvs_net *kn = kvs_net(seq_file_single_net(seq));
	u64 drops[KVS_DROP_MAX];
	int i;

	kvs_drops_read(kn, drops);
	seq_printf(seq, "conns %d\n", atomic_read(&kn->conns.count));
	/* 0 until the first service or sync daemon (kvs_net_tables()). */
	seq_printf(seq, "conn_buckets %u\ntpl_buckets %u\n",
		   kvs_net_has_tables(kn) ? kvs_rht_buckets(&kn->conns.ht) : 0,
		   kvs_net_has_tables(kn) ? kvs_rht_buckets(&kn->tpls.ht) : 0);
	for (i = 0; i < KVS_DROP_MAX; i++)
		seq_printf(seq, "%s %llu\n", drop_names[i], drops[i]);
	seq_printf(seq, "app_malformed %ld\n",
		   atomic_long_read(&kn->app_malformed));
	return 0;
}

/* ---- formatters ---- */

const char *kvs_proc_fwd_name(u32 conn_flags)
{
	switch (conn_flags & IP_VS_CONN_F_FWD_MASK) {
	case IP_VS_CONN_F_LOCALNODE:
		return "Local";
	case IP_VS_CONN_F_TUNNEL:
		return "Tunnel";
	case IP_VS_CONN_F_DROUTE:
		return "Route";
	default:
		return "Masq";
	}
}

const char *kvs_proc_proto_name(u16 protocol)
{
	switch (protocol) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	case IPPROTO_SCTP:
		return "SCTP";
	case IPPROTO_ICMP:
		return "ICMP";
	case IPPROTO_ICMPV6:
		return "ICMPv6";
	default:
		return "ERR!";
	}
}

/* A service's line of /proc/net/ip_vs, without its newline. */
int kvs_proc_fmt_service(char *buf, size_t size,
			 const struct kvs_service_key *key, const char *sched,
			 u32 flags, unsigned int timeout, __be32 netmask)
{
	const char *ops = flags & IP_VS_SVC_F_ONEPACKET ? "ops " : "";
	int n;

	if (key->fwmark)
		n = scnprintf(buf, size, "FWM  %08X %s %s", key->fwmark,
			      sched, ops);
	else if (key->af == AF_INET6)
		n = scnprintf(buf, size, "%s  [%pI6]:%04X %s ",
			      kvs_proc_proto_name(key->protocol), &key->addr.in6,
			      ntohs(key->port), sched);
	else
		n = scnprintf(buf, size, "%s  %08X:%04X %s %s ",
			      kvs_proc_proto_name(key->protocol), ntohl(key->addr.ip),
			      ntohs(key->port), sched, ops);
	if (flags & IP_VS_SVC_F_PERSISTENT)
		n += scnprintf(buf + n, size - n, "persistent %u %08X",
			       timeout, ntohl(netmask));
	return n;
}

/* A dest's line of /proc/net/ip_vs, without its newline. */
int kvs_proc_fmt_dest(char *buf, size_t size, u16 af,
		      const union nf_inet_addr *addr, __be16 port,
		      u32 conn_flags, int weight, int active, int inactive)
{
	if (af == AF_INET6)
		return scnprintf(buf, size,
				 "  -> [%pI6]:%04X      %-7s %-6d %-10d %-10d",
				 &addr->in6, ntohs(port),
				 kvs_proc_fwd_name(conn_flags), weight, active,
				 inactive);
	return scnprintf(buf, size, "  -> %08X:%04X      %-7s %-6d %-10d %-10d",
			 ntohl(addr->ip), ntohs(port),
			 kvs_proc_fwd_name(conn_flags), weight, active,
			 inactive);
}

/* Counters or rates: "%8LX %8LX %8LX %16LX %16LX", as in-tree. */
int kvs_proc_fmt_counts(char *buf, size_t size, const u64 v[KVS_RATE_MAX])
{
	return scnprintf(buf, size, "%8llX %8llX %8llX %16llX %16llX",
			 v[0], v[1], v[2], v[3], v[4]);
}

/* ---- ip_vs: services and their dests, in service id order ---- */

struct svc_seq {
	struct seq_net_private p;	/* first: seq_file_net() needs it */
	unsigned long id;		/* where the service at @pos was */
	loff_t pos;
};

static void *svc_seq_start(struct seq_file *seq, loff_t *pos)
{
	struct kvs_net *kn = kvs_net(seq_file_net(seq));
	struct svc_seq *st = seq->private;
	struct kvs_service *svc;
	loff_t i = 0;

	mutex_lock(&kn->lock);
	if (!*pos)
		return SEQ_START_TOKEN;
	/* Reading on where the last chunk stopped costs nothing. */
	if (*pos == st->pos)
		return xa_find(&kn->svc_ids, &st->id, ULONG_MAX, XA_PRESENT);
	xa_for_each(&kn->svc_ids, st->id, svc)
		if (++i == *pos)
			break;
	st->pos = *pos;
	return svc;
}

static void *svc_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct kvs_net *kn = kvs_net(seq_file_net(seq));
	struct svc_seq *st = seq->private;
	struct kvs_service *svc = v;

	st->id = v == SEQ_START_TOKEN ? 0 : svc->id + 1;
	st->pos = ++*pos;
	return xa_find(&kn->svc_ids, &st->id, ULONG_MAX, XA_PRESENT);
}

static void svc_seq_stop(struct seq_file *seq, void *v)
{
	mutex_unlock(&kvs_net(seq_file_net(seq))->lock);
}

static int svc_seq_show(struct seq_file *seq, void *v)
{
	struct kvs_service *svc = v;
	struct kvs_scheduler *sched;
	struct kvs_dest_set *set;
	char line[160];
	unsigned int i;

	if (v == SEQ_START_TOKEN) {
		seq_printf(seq, "IP Virtual Server version 1.2.1 (size=%u)\n",
			   kvs_conn_tab_size());
		seq_puts(seq, "Prot LocalAddress:Port Scheduler Flags\n");
		seq_puts(seq, "  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n");
		return 0;
	}
	sched = rcu_dereference_protected(svc->sched,
					  lockdep_is_held(&svc->kn->lock));
	kvs_proc_fmt_service(line, sizeof(line), &svc->key,
			     sched ? sched->name : "none", svc->flags,
			     svc->timeout, svc->netmask);
	seq_printf(seq, "%s\n", line);
	set = kvs_dests_locked(svc);
	for (i = 0; i < set->n; i++) {
		const struct kvs_dest *d = set->dest[i];

		kvs_proc_fmt_dest(line, sizeof(line), d->af, &d->addr, d->port,
				  READ_ONCE(d->conn_flags), READ_ONCE(d->weight),
				  atomic_read(&d->activeconns),
				  max(atomic_read(&d->inactconns), 0));
		seq_printf(seq, "%s\n", line);
	}
	return 0;
}

static const struct seq_operations svc_seq_ops = {
	.start	= svc_seq_start,
	.next	= svc_seq_next,
	.stop	= svc_seq_stop,
	.show	= svc_seq_show,
};

/* ---- ip_vs_stats, ip_vs_stats_percpu ---- */

static void seq_counts(struct seq_file *seq, const char *lead,
		       const u64 v[KVS_RATE_MAX], const char *end)
{
	char line[80];

	kvs_proc_fmt_counts(line, sizeof(line), v);
	seq_printf(seq, "%s%s%s", lead, line, end);
}

static int ip_vs_stats_show(struct seq_file *seq, void *v)
{
	struct kvs_net *kn = kvs_net(seq_file_single_net(seq));
	u64 val[KVS_RATE_MAX];
	struct kvs_counters c;

	seq_puts(seq, "   Total Incoming Outgoing         Incoming         Outgoing\n");
	seq_puts(seq, "   Conns  Packets  Packets            Bytes            Bytes\n");
	kvs_stats_read(&kn->stats, &c);
	kvs_counters_array(&c, val);
	seq_counts(seq, "", val, "\n\n");
	seq_puts(seq, " Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n");
	kvs_est_read(&kn->stats, val);
	seq_counts(seq, "", val, "\n");
	return 0;
}

static int ip_vs_stats_percpu_show(struct seq_file *seq, void *v)
{
	struct kvs_net *kn = kvs_net(seq_file_single_net(seq));
	u64 val[KVS_RATE_MAX];
	struct kvs_counters c;
	char lead[8];
	int cpu;

	seq_puts(seq, "       Total Incoming Outgoing         Incoming         Outgoing\n");
	seq_puts(seq, "CPU    Conns  Packets  Packets            Bytes            Bytes\n");
	for_each_possible_cpu(cpu) {
		kvs_stats_read_cpu(&kn->stats, cpu, &c);
		kvs_counters_array(&c, val);
		snprintf(lead, sizeof(lead), "%3X ", cpu);
		seq_counts(seq, lead, val, "\n");
	}
	kvs_stats_read(&kn->stats, &c);
	kvs_counters_array(&c, val);
	seq_counts(seq, "  ~ ", val, "\n\n");
	seq_puts(seq, "     Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n");
	kvs_est_read(&kn->stats, val);
	seq_counts(seq, "    ", val, "\n");
	return 0;
}

/* ---- ip_vs_conn, ip_vs_conn_sync ---- */

/*
 * One rhashtable walk per open file, resumed where the last read()
 * stopped (the walk's peek gives back the entry that did not fit), so
 * reading the whole table is linear.  A resize during the walk restarts
 * it, which may show some connections twice, as any rhashtable walk.
 */
struct conn_seq {
	/*
	 * The entry's data.  An open file lives no longer than the entry:
	 * removing it at namespace exit runs our release first.
	 */
	struct kvs_net *kn;
	struct rhashtable_iter iter;
	struct rhashtable_iter tpl_iter;	/* then the templates */
	loff_t pos;			/* of the walk's current entry */
	bool entered;
	bool in_tpls;			/* the current entry is a template */
	bool origin;			/* ip_vs_conn_sync: an Origin column */
};

static bool conn_shown(const struct kvs_tuple_hash *th, struct kvs_conn **cp)
{
	if (th->dir != KVS_DIR_ORIG)
		return false;
	*cp = container_of(th, struct kvs_conn, tuple[KVS_DIR_ORIG]);
	return !test_bit(0, &(*cp)->dead) &&
	       time_before(jiffies, READ_ONCE((*cp)->expires));
}

static struct kvs_template *tpl_seq_walk(struct conn_seq *st, bool peek)
{
	struct kvs_template *tpl;

	for (;;) {
		tpl = peek ? rhashtable_walk_peek(&st->tpl_iter) :
			     rhashtable_walk_next(&st->tpl_iter);
		peek = false;
		if (IS_ERR(tpl)) {
			if (PTR_ERR(tpl) == -EAGAIN)
				continue;
			return NULL;
		}
		if (!tpl || !test_bit(KVS_TPL_DEAD, &tpl->flags))
			return tpl;
	}
}

/*
 * The walk's current entry if @peek and shown, else the next shown: the
 * connections first, then the persistence templates.
 */
static void *conn_seq_walk(struct conn_seq *st, bool peek)
{
	struct kvs_tuple_hash *th;
	struct kvs_conn *cp;

	for (;;) {
		if (st->in_tpls)
			return tpl_seq_walk(st, peek);
		th = peek ? rhashtable_walk_peek(&st->iter) :
			    rhashtable_walk_next(&st->iter);
		peek = false;
		if (IS_ERR(th)) {
			if (PTR_ERR(th) == -EAGAIN)
				continue;
			return NULL;
		}
		if (!th) {
			st->in_tpls = true;
			continue;
		}
		if (conn_shown(th, &cp))
			return cp;
	}
}

static void conn_seq_exit(struct conn_seq *st)
{
	if (!st->entered)
		return;
	rhashtable_walk_exit(&st->tpl_iter);
	rhashtable_walk_exit(&st->iter);
	st->entered = false;
}

static void *conn_seq_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU) __acquires(RCU)
{
	struct conn_seq *st = seq->private;
	struct kvs_net *kn = st->kn;
	void *v = NULL;
	loff_t skip;

	if (*pos && *pos == st->pos && st->entered) {
		rhashtable_walk_start(&st->iter);
		rhashtable_walk_start(&st->tpl_iter);
		return conn_seq_walk(st, true);
	}
	/* From the top: a fresh walk, skipping to *pos. */
	conn_seq_exit(st);
	rhashtable_walk_enter(&kn->conns.ht, &st->iter);
	rhashtable_walk_enter(&kn->tpls.ht, &st->tpl_iter);
	st->entered = true;
	st->in_tpls = false;
	rhashtable_walk_start(&st->iter);
	rhashtable_walk_start(&st->tpl_iter);
	st->pos = *pos;
	if (!*pos)
		return SEQ_START_TOKEN;
	for (skip = *pos; skip > 0; skip--) {
		v = conn_seq_walk(st, false);
		if (!v)
			break;
	}
	return v;
}

static void *conn_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct conn_seq *st = seq->private;

	st->pos = ++*pos;
	return conn_seq_walk(st, false);
}

static void conn_seq_stop(struct seq_file *seq, void *v)
	__releases(RCU) __releases(RCU)
{
	struct conn_seq *st = seq->private;

	rhashtable_walk_stop(&st->tpl_iter);
	rhashtable_walk_stop(&st->iter);
}

static int conn_seq_release(struct inode *inode, struct file *file)
{
	struct seq_file *seq = file->private_data;
	struct conn_seq *st = seq->private;

	conn_seq_exit(st);
	return seq_release_private(inode, file);
}

static unsigned int conn_expires_secs(const struct kvs_conn *cp)
{
	long left = (long)(READ_ONCE(cp->expires) - jiffies);

	return left > 0 ? jiffies_to_msecs(left) / 1000 : 0;
}

/*
 * The client, virtual and real server address:port columns of a
 * connection: IPv4 in hex, IPv6 in full, as in-tree prints them.
 */
static void conn_show_addrs(struct seq_file *seq, const struct kvs_conn *cp)
{
	const struct kvs_tuple *orig = &cp->tuple[KVS_DIR_ORIG].t;
	const struct kvs_tuple *reply = &cp->tuple[KVS_DIR_REPLY].t;
	char dbuf[40];

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
	seq_printf(seq, "%s %04X %-11s ", dbuf, ntohs(reply->sport),
		   cp->proto->state_name(cp->state));
}

/* ip_vs_conn_sync adds the origin: SYNC for what a backup daemon made. */
static int conn_seq_show(struct seq_file *seq, void *v)
{
	struct conn_seq *st = seq->private;
	const struct kvs_conn *cp = v;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       ");
		seq_puts(seq, st->origin ? "Origin Expires\n" :
			 "Expires PEName PEData\n");
		return 0;
	}
	if (st->in_tpls) {
		kvs_persist_seq_show(seq, v, st->origin);
		return 0;
	}
	conn_show_addrs(seq, cp);
	if (st->origin)
		seq_printf(seq, "%-6s ",
			   cp->flags & IP_VS_CONN_F_SYNC ? "SYNC" : "LOCAL");
	seq_printf(seq, "%7u\n", conn_expires_secs(cp));
	return 0;
}

static const struct seq_operations conn_seq_ops = {
	.start	= conn_seq_start,
	.next	= conn_seq_next,
	.stop	= conn_seq_stop,
	.show	= conn_seq_show,
};

/* A namespace with no tables yet (kvs_net_tables()): the header alone. */
static void *conn_none_seq_start(struct seq_file *seq, loff_t *pos)
{
	return *pos ? NULL : SEQ_START_TOKEN;
}

static void *conn_none_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	++*pos;
	return NULL;
}

static void conn_none_seq_stop(struct seq_file *seq, void *v)
{
}

static const struct seq_operations conn_none_seq_ops = {
	.start	= conn_none_seq_start,
	.next	= conn_none_seq_next,
	.stop	= conn_none_seq_stop,
	.show	= conn_seq_show,
};

static int conn_seq_open_origin(struct inode *inode, struct file *file,
				bool origin)
{
	struct kvs_net *kn = pde_data(inode);
	struct conn_seq *st;

	st = __seq_open_private(file, kvs_net_has_tables(kn) ? &conn_seq_ops :
				&conn_none_seq_ops, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->kn = kn;
	st->origin = origin;
	return 0;
}

static int conn_seq_open(struct inode *inode, struct file *file)
{
	return conn_seq_open_origin(inode, file, false);
}

static int conn_sync_seq_open(struct inode *inode, struct file *file)
{
	return conn_seq_open_origin(inode, file, true);
}

static const struct proc_ops conn_proc_ops = {
	.proc_open	= conn_seq_open,
	.proc_read	= seq_read,
	.proc_lseek	= seq_lseek,
	.proc_release	= conn_seq_release,
};

static const struct proc_ops conn_sync_proc_ops = {
	.proc_open	= conn_sync_seq_open,
	.proc_read	= seq_read,
	.proc_lseek	= seq_lseek,
	.proc_release	= conn_seq_release,
};

/* ---- registration ---- */

static const char *const proc_names[] = {
	"kvs_stats", "ip_vs", "ip_vs_stats", "ip_vs_stats_percpu",
	"ip_vs_conn", "ip_vs_conn_sync", "ip_vs_app",
};

static struct proc_dir_entry *proc_create_one(struct kvs_net *kn, int i)
{
	struct proc_dir_entry *dir = kn->net->proc_net;
	const char *name = proc_names[i];

	switch (i) {
	case 0:
		return proc_create_net_single(name, 0444, dir, kvs_stats_show,
					      NULL);
	case 1:
		return proc_create_net(name, 0444, dir, &svc_seq_ops,
				       sizeof(struct svc_seq));
	case 2:
		return proc_create_net_single(name, 0444, dir,
					      ip_vs_stats_show, NULL);
	case 3:
		return proc_create_net_single(name, 0444, dir,
					      ip_vs_stats_percpu_show, NULL);
	case 4:
		return proc_create_data(name, 0444, dir, &conn_proc_ops, kn);
	case 6:
		return proc_create_net_single(name, 0444, dir,
					      kvs_app_seq_show, NULL);
	default:
		return proc_create_data(name, 0444, dir, &conn_sync_proc_ops,
					kn);
	}
}

static void proc_remove_first(struct kvs_net *kn, int n)
{
	while (n-- > 0)
		remove_proc_entry(proc_names[n], kn->net->proc_net);
}

int kvs_proc_init(struct kvs_net *kn)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(proc_names); i++) {
		if (!proc_create_one(kn, i)) {
			proc_remove_first(kn, i);
			return -ENOMEM;
		}
	}
	return 0;
}

void kvs_proc_exit(struct kvs_net *kn)
{
	proc_remove_first(kn, ARRAY_SIZE(proc_names));
}
