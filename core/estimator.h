/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rate estimation (core/estimator.c): the smoothed per-second rates of
 * every kvs_stats of a namespace, sampled every 2 s as in-tree, by a
 * kthread of the namespace's own.
 *
 * Locking: kvs_est_table.lock (a mutex) guards the buckets, every
 * kvs_est's sample writes and where the kthread runs; it nests inside
 * kvs_net.lock.  Readers of the rates take no lock (READ_ONCE).
 */
#ifndef _KVS_ESTIMATOR_H
#define _KVS_ESTIMATOR_H

#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

/* The rates of a kvs_stats, one per counter, in struct kvs_counters order. */
enum kvs_rate {
	KVS_RATE_CPS,
	KVS_RATE_INPPS,
	KVS_RATE_OUTPPS,
	KVS_RATE_INBPS,
	KVS_RATE_OUTBPS,
	KVS_RATE_MAX,
};

/*
 * The smoothed rates of one kvs_stats, sampled every 2 s by its
 * namespace's kvs_est_table.  @last and @avg are written by the sampler
 * and by ZERO, both under kvs_est_table.lock; readers use READ_ONCE.
 */
struct kvs_est {
	struct list_head list;		/* in a bucket, when started */
	u64 last[KVS_RATE_MAX];		/* counter sums at the last sample */
	u64 avg[KVS_RATE_MAX];		/* rates, scaled (see estimator.c) */
	u8 bucket;
};

struct kvs_net;
struct kvs_stats;

/*
 * The estimators of a namespace, spread over buckets: a delayed work
 * samples one bucket per tick, each bucket every 2 s, so no tick walks
 * every service.  The work runs on @worker, the namespace's kthread
 * "kvs-e:N", placed by the sysctls est_cpulist and est_nice where the
 * kernel's own IPVS has them (core/sysctl.c).  @lock (a mutex: the
 * sampler may reschedule) guards the buckets, every kvs_est's
 * @last/@avg writes, @stopped and the kthread's placement; taken inside
 * kvs_net.lock, never around it.
 */
#define KVS_EST_BUCKETS		16

struct kvs_est_table {
	struct mutex lock;		/* see above */
	struct list_head bucket[KVS_EST_BUCKETS];
	unsigned int count[KVS_EST_BUCKETS];
	unsigned int tick;		/* the bucket sampled next */
	unsigned long round;		/* jiffies the current round began */
	bool stopped;			/* est_cpulist empty: no sampling */
	struct kthread_worker *worker;	/* from the first use: kvs_est_run */
	struct kthread_delayed_work work;
};

int kvs_est_init(struct kvs_net *kn);
int kvs_est_run(struct kvs_net *kn);
void kvs_est_exit(struct kvs_net *kn);
void kvs_est_start(struct kvs_net *kn, struct kvs_stats *s);
void kvs_est_stop(struct kvs_net *kn, struct kvs_stats *s);
void kvs_est_read(const struct kvs_stats *s, u64 rate[KVS_RATE_MAX]);
/* est_cpulist or est_nice changed: kvs_est_table.lock held. */
void kvs_est_place(struct kvs_net *kn);
/* The arithmetic, exposed for KUnit. */
u64 kvs_est_smooth(u64 avg, u64 delta, enum kvs_rate r);
u64 kvs_est_decode(u64 avg, enum kvs_rate r);
/* -Z: move @s's base line to its current sums and restart its rates. */
void kvs_stats_zero(struct kvs_net *kn, struct kvs_stats *s);

#endif /* _KVS_ESTIMATOR_H */
