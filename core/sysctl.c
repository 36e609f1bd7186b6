// SPDX-License-Identifier: GPL-2.0
/*
 * The /proc/sys/net/ipv4/vs/ settings of each namespace, with the
 * in-tree names, defaults, ranges and errnos.  Each namespace registers
 * its own copy of the table, pointing at its kvs_net.sysctl.
 */
#include <linux/cpumask.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/isolation.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>

#include "netns.h"
#include "sysctl.h"

/* The in-tree sync defaults, read by core/sync.c. */
#define KVS_SYNC_THRESHOLD	3
#define KVS_SYNC_PERIOD		50

/* What a new namespace starts with: the in-tree defaults. */
void kvs_sysctl_defaults(struct kvs_net *kn)
{
	struct kvs_sysctl *s = &kn->sysctl;

	memset(s, 0, sizeof(*s));
	s->conn_reuse_mode = 1;
	s->pmtu_disc = 1;
	s->snat_reroute = 1;
	s->run_estimation = 1;
	s->amemthresh = 1024;
	s->am_droprate = 10;
	s->sync_version = 1;
	s->sync_ports = 1;
	s->sync_qlen_max = nr_free_buffer_pages() / 32;
	s->sync_threshold[0] = KVS_SYNC_THRESHOLD;
	s->sync_threshold[1] = KVS_SYNC_PERIOD;
}

/* Runs @table's proc_dointvec on a copy of its int(s), for checking. */
static int dointvec_copy(kvs_ctl_table *table, int *val, int write,
			 void *buffer, size_t *lenp, loff_t *ppos)
{
	struct ctl_table tmp = {
		.data = val,
		.maxlen = table->maxlen,
		.mode = table->mode,
	};

	memcpy(val, table->data, table->maxlen);
	return proc_dointvec(&tmp, write, buffer, lenp, ppos);
}

/*
 * drop_entry, drop_packet, secure_tcp: 0..3 (see core/defense.c); a
 * changed mode is applied at once.
 */
static int proc_defense_mode(kvs_ctl_table *table, int write, void *buffer,
			     size_t *lenp, loff_t *ppos)
{
	struct kvs_net *kn = table->extra2;
	int *valp = table->data;
	int val, rc;

	mutex_lock(&kn->lock);
	rc = dointvec_copy(table, &val, write, buffer, lenp, ppos);
	if (write && val != *valp) {
		if (val < 0 || val > 3) {
			rc = -EINVAL;
		} else {
			WRITE_ONCE(*valp, val);
			kvs_defense_update(kn);
		}
	}
	mutex_unlock(&kn->lock);
	return rc;
}

/* A power of two, at least 1. */
static int proc_sync_ports(kvs_ctl_table *table, int write, void *buffer,
			   size_t *lenp, loff_t *ppos)
{
	struct kvs_net *kn = table->extra2;
	int *valp = table->data;
	int val, rc;

	mutex_lock(&kn->lock);
	rc = dointvec_copy(table, &val, write, buffer, lenp, ppos);
	if (write && val != *valp) {
		if (val < 1 || !is_power_of_2(val))
			rc = -EINVAL;
		else
			WRITE_ONCE(*valp, val);
	}
	mutex_unlock(&kn->lock);
	return rc;
}

/* "threshold period": both >= 0, threshold below a non-zero period. */
static int proc_sync_threshold(kvs_ctl_table *table, int write, void *buffer,
			       size_t *lenp, loff_t *ppos)
{
	struct kvs_net *kn = table->extra2;
	int *valp = table->data;
	int val[2], rc;

	mutex_lock(&kn->lock);
	rc = dointvec_copy(table, val, write, buffer, lenp, ppos);
	if (write) {
		if (val[0] < 0 || val[1] < 0 || (val[0] >= val[1] && val[1])) {
			rc = -EINVAL;
		} else {
			WRITE_ONCE(valp[0], val[0]);
			WRITE_ONCE(valp[1], val[1]);
		}
	}
	mutex_unlock(&kn->lock);
	return rc;
}

#if KVS_EST_SYSCTLS
/*
 * est_cpulist: a CPU list, read and written whole from the start of the
 * file (a read or write at an offset does nothing), as in-tree.  Shows
 * the housekeeping CPUs until written; bad text fails with
 * cpulist_parse()'s errno (EINVAL, ERANGE past the last possible CPU).
 * CPUs the writer may not run on are left out; an empty list stops the
 * estimator.
 */
static int proc_est_cpulist(kvs_ctl_table *table, int write, void *buffer,
			    size_t *lenp, loff_t *ppos)
{
	struct kvs_net *kn = table->extra2;
	struct kvs_sysctl *s = &kn->sysctl;
	const struct cpumask *shown;
	cpumask_var_t mask;
	int rc;

	if (*ppos || !*lenp) {
		*lenp = 0;
		return 0;
	}
	if (!write) {
		/* The buffer has room for *lenp bytes and a NUL. */
		mutex_lock(&kn->est.lock);
		shown = s->est_cpulist_set ? s->est_cpulist :
			housekeeping_cpumask(HK_TYPE_KTHREAD);
		*lenp = scnprintf(buffer, *lenp + 1, "%*pbl\n",
				  cpumask_pr_args(shown));
		mutex_unlock(&kn->est.lock);
		*ppos += *lenp;
		return 0;
	}

	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	/* The text ends with the NUL the sysctl core adds. */
	rc = cpulist_parse(buffer, mask);
	if (rc)
		goto out;
	mutex_lock(&kn->est.lock);
	if (!s->est_cpulist_set) {
		if (!zalloc_cpumask_var(&s->est_cpulist, GFP_KERNEL)) {
			rc = -ENOMEM;
			goto unlock;
		}
		s->est_cpulist_set = true;
	}
	cpumask_and(s->est_cpulist, mask, current->cpus_ptr);
	kvs_est_place(kn);
	*ppos += *lenp;
unlock:
	mutex_unlock(&kn->est.lock);
out:
	free_cpumask_var(mask);
	return rc;
}

/* est_nice: -20..19, applied to the estimator's kthread at once. */
static int proc_est_nice(kvs_ctl_table *table, int write, void *buffer,
			 size_t *lenp, loff_t *ppos)
{
	struct kvs_net *kn = table->extra2;
	int val, rc;

	mutex_lock(&kn->est.lock);
	rc = dointvec_copy(table, &val, write, buffer, lenp, ppos);
	if (write && rc >= 0) {
		if (val < MIN_NICE || val > MAX_NICE) {
			rc = -EINVAL;
		} else if (val != kn->sysctl.est_nice) {
			kn->sysctl.est_nice = val;
			kvs_est_place(kn);
		}
	}
	mutex_unlock(&kn->est.lock);
	return rc;
}
#endif

/*
 * The template's .data is the field's offset in struct kvs_sysctl; the
 * file is named after the field.
 */
#define KVS_SYSCTL(_field, _len, _handler, _min, _max)			\
	{								\
		.procname	= #_field,				\
		.data		= (void *)offsetof(struct kvs_sysctl, _field), \
		.maxlen		= _len,					\
		.mode		= 0644,					\
		.proc_handler	= _handler,				\
		.extra1		= _min,					\
		.extra2		= _max,					\
	}
#define KVS_SYSCTL_INT(_field) \
	KVS_SYSCTL(_field, sizeof(int), proc_dointvec, NULL, NULL)
/*
 * Handlers of our own find their namespace in extra2: the template holds
 * this placeholder there, which each namespace's copy replaces.  Stock
 * handlers keep their extra1/extra2, which the minmax ones read as bounds.
 */
static u8 sysctl_kn_placeholder;
#define KVS_SYSCTL_OWN(_field, _handler) \
	KVS_SYSCTL(_field, sizeof(int), _handler, NULL, &sysctl_kn_placeholder)

static const struct ctl_table sysctl_template[] = {
	KVS_SYSCTL_INT(amemthresh),
	KVS_SYSCTL_INT(am_droprate),
	KVS_SYSCTL_OWN(drop_entry, proc_defense_mode),
	KVS_SYSCTL_OWN(drop_packet, proc_defense_mode),
	KVS_SYSCTL_INT(conntrack),
	KVS_SYSCTL_OWN(secure_tcp, proc_defense_mode),
	KVS_SYSCTL_INT(snat_reroute),
	KVS_SYSCTL(sync_version, sizeof(int), proc_dointvec_minmax,
		   SYSCTL_ZERO, SYSCTL_ONE),
	KVS_SYSCTL_OWN(sync_ports, proc_sync_ports),
	KVS_SYSCTL_INT(sync_persist_mode),
	KVS_SYSCTL(sync_qlen_max, sizeof(unsigned long),
		   proc_doulongvec_minmax, NULL, NULL),
	KVS_SYSCTL_INT(sync_sock_size),
	KVS_SYSCTL_INT(cache_bypass),
	KVS_SYSCTL_INT(expire_nodest_conn),
	KVS_SYSCTL_INT(sloppy_tcp),
	KVS_SYSCTL_INT(sloppy_sctp),
	KVS_SYSCTL_INT(expire_quiescent_template),
	KVS_SYSCTL(sync_threshold, 2 * sizeof(int), proc_sync_threshold,
		   NULL, &sysctl_kn_placeholder),
	KVS_SYSCTL(sync_refresh_period, sizeof(int), proc_dointvec_jiffies,
		   NULL, NULL),
	KVS_SYSCTL(sync_retries, sizeof(int), proc_dointvec_minmax,
		   SYSCTL_ZERO, SYSCTL_THREE),
	KVS_SYSCTL_INT(nat_icmp_send),
	KVS_SYSCTL_INT(pmtu_disc),
	/* While a backup sync daemon runs, balance nothing (core/sync.h). */
	KVS_SYSCTL_INT(backup_only),
	KVS_SYSCTL_INT(conn_reuse_mode),
	KVS_SYSCTL_INT(schedule_icmp),
	KVS_SYSCTL_INT(ignore_tunneled),
	KVS_SYSCTL_INT(run_estimation),
#if KVS_EST_SYSCTLS
	KVS_SYSCTL(est_cpulist, 0, proc_est_cpulist, NULL,
		   &sysctl_kn_placeholder),
	KVS_SYSCTL_OWN(est_nice, proc_est_nice),
#endif
};

int kvs_sysctl_init(struct kvs_net *kn)
{
	size_t i, n = ARRAY_SIZE(sysctl_template);
	struct net *net = kn->net;
	struct ctl_table *tbl;

	/* One more, zeroed: the sentinel older kernels look for. */
	tbl = kcalloc(n + 1, sizeof(*tbl), GFP_KERNEL);
	if (!tbl)
		return -ENOMEM;
	memcpy(tbl, sysctl_template, sizeof(sysctl_template));
	for (i = 0; i < n; i++) {
		tbl[i].data = (char *)&kn->sysctl + (uintptr_t)tbl[i].data;
		if (tbl[i].extra2 == &sysctl_kn_placeholder)
			tbl[i].extra2 = kn;
	}
	/* As in-tree: a namespace of an unprivileged user sees none. */
	if (net->user_ns != &init_user_ns) {
		memset(tbl, 0, sizeof(*tbl));
		n = 0;
	}
	kn->sysctl_hdr = kvs_register_net_sysctl(net, "net/ipv4/vs", tbl, n);
	if (!kn->sysctl_hdr) {
		kfree(tbl);
		return -ENOMEM;
	}
	kn->sysctl_table = tbl;
	return 0;
}

void kvs_sysctl_exit(struct kvs_net *kn)
{
	unregister_net_sysctl_table(kn->sysctl_hdr);
	kfree(kn->sysctl_table);
	/* No handler runs now; the estimator reads the list only in them. */
	if (kn->sysctl.est_cpulist_set)
		free_cpumask_var(kn->sysctl.est_cpulist);
}
