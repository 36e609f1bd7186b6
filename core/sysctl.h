/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sysctls of /proc/sys/net/ipv4/vs/ (core/sysctl.c), one table per
 * namespace.
 */
#ifndef _KVS_SYSCTL_H
#define _KVS_SYSCTL_H

#include <linux/cpumask.h>
#include <linux/types.h>

/*
 * The in-tree sysctls of /proc/sys/net/ipv4/vs/, same names, defaults and
 * meaning.  Plain ints written by proc_dointvec*() and read locklessly
 * with READ_ONCE(); a change applies to the packets that follow it.
 */
struct kvs_sysctl {
	int conn_reuse_mode;
	int expire_nodest_conn;
	int expire_quiescent_template;
	int sloppy_tcp;
	int sloppy_sctp;
	int schedule_icmp;
	int ignore_tunneled;
	int nat_icmp_send;
	int pmtu_disc;
	int snat_reroute;
	int conntrack;
	int run_estimation;
	int drop_entry;
	int drop_packet;
	int secure_tcp;
	int amemthresh;
	int am_droprate;
	int cache_bypass;
	int backup_only;
	/* Connection sync settings: kept and shown, no sync daemon uses them. */
	int sync_version;
	int sync_ports;
	int sync_persist_mode;
	unsigned long sync_qlen_max;
	int sync_sock_size;
	int sync_threshold[2];
	int sync_refresh_period;	/* jiffies */
	int sync_retries;
	/*
	 * est_cpulist and est_nice, shown where the kernel's own IPVS has
	 * them (KVS_EST_SYSCTLS): the CPUs of the estimator's kthread
	 * (allocated on the first write; until then the housekeeping CPUs)
	 * and its nice.  Written and read under kvs_est_table.lock.
	 */
	cpumask_var_t est_cpulist;
	bool est_cpulist_set;
	int est_nice;
};

struct kvs_net;

void kvs_sysctl_defaults(struct kvs_net *kn);
int kvs_sysctl_init(struct kvs_net *kn);
void kvs_sysctl_exit(struct kvs_net *kn);

#endif /* _KVS_SYSCTL_H */
