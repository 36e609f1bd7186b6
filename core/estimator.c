// SPDX-License-Identifier: GPL-2.0
/*
 * Rate estimation: connections, packets and bytes per second of every
 * service, dest and namespace, with the in-tree arithmetic, computed
 * off the data path from the per-CPU counters it already keeps.
 *
 * Every 2 s each estimator takes the growth of its counters since the
 * last sample and moves its average a quarter of the way towards it:
 *	avg += (rate - avg) / 4
 * Averages are fixed point: connections and packets per second scaled
 * by 2^10, bytes per second by 2^5; the growth over 2 s is shifted one
 * bit less, which is the division by the sampling period.  Reading
 * rounds to the nearest unit, an exact half down.
 *
 * Estimators are spread over KVS_EST_BUCKETS buckets; a delayed work
 * samples one bucket per tick, tick i of a round at round + i * 2 s / N,
 * and skips empty buckets, so each bucket is sampled every 2 s and a
 * tick costs 1/N of the whole.  A new estimator goes to the first bucket
 * holding fewer than EST_BUCKET_FILL, and only once every bucket has
 * that many to the least loaded one.  Filling buckets in turn keeps
 * a bucket's stats in the order they were allocated, close together in
 * memory, which the walk needs: dealt round robin, a bucket took every
 * Nth service and each of its reads missed the TLB.  It also means a
 * few thousand services wake the work once per round, as in-tree's
 * timer does, not N times.
 *
 * The work runs on a kthread worker of the namespace, as in-tree's
 * estimation runs in kthreads from 6.2: where the kernel's own IPVS has
 * the sysctls est_cpulist and est_nice, they place it (kvs_est_place);
 * elsewhere it runs on the housekeeping CPUs at nice 0.  An empty
 * est_cpulist stops the sampling, as it stops in-tree's kthreads.
 */
#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/sched/isolation.h>

#include "estimator.h"
#include "netns.h"

#define EST_PERIOD	(2 * HZ)

/* Estimators a bucket takes before the next bucket is used. */
#define EST_BUCKET_FILL	8192

/* Estimators sampled between two chances to reschedule. */
#define EST_BATCH	64

/* Numbers the namespaces' kthreads, kvs-e:0, kvs-e:1, ... */
static atomic_t est_threads = ATOMIC_INIT(0);

/* Fixed-point scale of each rate's average, in bits. */
static const u8 est_scale[KVS_RATE_MAX] = {
	[KVS_RATE_CPS]		= 10,
	[KVS_RATE_INPPS]	= 10,
	[KVS_RATE_OUTPPS]	= 10,
	[KVS_RATE_INBPS]	= 5,
	[KVS_RATE_OUTBPS]	= 5,
};

/* The new average after a sample that grew by @delta over 2 s. */
u64 kvs_est_smooth(u64 avg, u64 delta, enum kvs_rate r)
{
	s64 rate = (s64)(delta << (est_scale[r] - 1));

	/* Arithmetic shift: the average falls as well as rises. */
	return avg + ((rate - (s64)avg) >> 2);
}

/* Units per second, to the nearest (an exact half rounds down). */
u64 kvs_est_decode(u64 avg, enum kvs_rate r)
{
	return (avg + (1ULL << (est_scale[r] - 1)) - 1) >> est_scale[r];
}

/* kvs_est_table.lock held. */
static void est_sample(struct kvs_stats *s)
{
	struct kvs_est *e = &s->est;
	u64 now[KVS_RATE_MAX];
	struct kvs_counters c;
	int r;

	kvs_stats_sum(s, &c);
	kvs_counters_array(&c, now);
	for (r = 0; r < KVS_RATE_MAX; r++) {
		WRITE_ONCE(e->avg[r], kvs_est_smooth(e->avg[r],
						     now[r] - e->last[r], r));
		e->last[r] = now[r];
	}
}

/* The first non-empty bucket from @from on, or KVS_EST_BUCKETS. */
static unsigned int next_bucket(struct kvs_est_table *t, unsigned int from)
{
	while (from < KVS_EST_BUCKETS && !t->count[from])
		from++;
	return from;
}

static unsigned long tick_time(struct kvs_est_table *t)
{
	return t->round + t->tick * EST_PERIOD / KVS_EST_BUCKETS;
}

static void est_work(struct kthread_work *work)
{
	struct kvs_est_table *t = container_of(work, struct kvs_est_table,
					       work.work);
	struct kvs_net *kn = container_of(t, struct kvs_net, est);
	bool run = READ_ONCE(kn->sysctl.run_estimation);
	unsigned int n = 0;
	struct kvs_est *e;
	long delay;

	mutex_lock(&t->lock);
	if (t->tick < KVS_EST_BUCKETS && run && !t->stopped) {
		list_for_each_entry(e, &t->bucket[t->tick], list) {
			est_sample(container_of(e, struct kvs_stats, est));
			if (++n % EST_BATCH == 0)
				cond_resched();
		}
	}
	t->tick = next_bucket(t, t->tick + 1);
	if (t->tick == KVS_EST_BUCKETS) {
		t->round += EST_PERIOD;
		t->tick = next_bucket(t, 0);
	}
	/* Far behind (a long stall): start a new round from now. */
	if (time_before(tick_time(t) + EST_PERIOD, jiffies)) {
		t->round = jiffies;
		t->tick = next_bucket(t, 0);
	}
	delay = (long)(tick_time(t) - jiffies);
	mutex_unlock(&t->lock);
	kthread_queue_delayed_work(t->worker, &t->work, max(delay, 0L));
}

/*
 * Puts the kthread where est_cpulist and est_nice say (by default the
 * housekeeping CPUs, nice 0).  An empty list stops the sampling and
 * leaves the kthread where it was: no CPU would take it.
 */
void kvs_est_place(struct kvs_net *kn)
{
	const struct cpumask *cpus = housekeeping_cpumask(HK_TYPE_KTHREAD);
	struct kvs_est_table *t = &kn->est;
	struct kvs_sysctl *s = &kn->sysctl;

	lockdep_assert_held(&t->lock);
	/* Before the first use there is no kthread: kvs_est_run() places it. */
	if (!t->worker)
		return;
	if (s->est_cpulist_set)
		cpus = s->est_cpulist;
	t->stopped = cpumask_empty(cpus);
	set_user_nice(t->worker->task, s->est_nice);
	if (!t->stopped)
		set_cpus_allowed_ptr(t->worker->task, cpus);
}

/* Starts sampling @s; its rates start from 0.  kvs_net.lock held. */
void kvs_est_start(struct kvs_net *kn, struct kvs_stats *s)
{
	struct kvs_est_table *t = &kn->est;
	struct kvs_counters c;
	unsigned int i, b = 0;

	mutex_lock(&t->lock);
	while (b < KVS_EST_BUCKETS && t->count[b] >= EST_BUCKET_FILL)
		b++;
	if (b == KVS_EST_BUCKETS) {
		b = 0;
		for (i = 1; i < KVS_EST_BUCKETS; i++)
			if (t->count[i] < t->count[b])
				b = i;
	}
	kvs_stats_sum(s, &c);
	kvs_counters_array(&c, s->est.last);
	memset(s->est.avg, 0, sizeof(s->est.avg));
	s->est.bucket = b;
	list_add_tail(&s->est.list, &t->bucket[b]);
	t->count[b]++;
	mutex_unlock(&t->lock);
}

void kvs_est_stop(struct kvs_net *kn, struct kvs_stats *s)
{
	struct kvs_est_table *t = &kn->est;

	mutex_lock(&t->lock);
	if (!list_empty(&s->est.list)) {
		list_del_init(&s->est.list);
		t->count[s->est.bucket]--;
	}
	mutex_unlock(&t->lock);
}

void kvs_est_read(const struct kvs_stats *s, u64 rate[KVS_RATE_MAX])
{
	int r;

	for (r = 0; r < KVS_RATE_MAX; r++)
		rate[r] = kvs_est_decode(READ_ONCE(s->est.avg[r]), r);
}

/* ZERO: counters and rates start again from 0. */
void kvs_stats_zero(struct kvs_net *kn, struct kvs_stats *s)
{
	mutex_lock(&kn->est.lock);
	kvs_stats_sum(s, &s->base);
	kvs_counters_array(&s->base, s->est.last);
	memset(s->est.avg, 0, sizeof(s->est.avg));
	mutex_unlock(&kn->est.lock);
}

int kvs_est_init(struct kvs_net *kn)
{
	struct kvs_est_table *t = &kn->est;
	int i;

	mutex_init(&t->lock);
	for (i = 0; i < KVS_EST_BUCKETS; i++)
		INIT_LIST_HEAD(&t->bucket[i]);
	kthread_init_delayed_work(&t->work, est_work);
	kvs_est_start(kn, &kn->stats);
	return 0;
}

/*
 * The sampling, and its kthread, start with the namespace's first use
 * (kvs_net_activate()): until then nothing is counted, and an idle
 * namespace has no kthread and wakes no work.
 */
int kvs_est_run(struct kvs_net *kn)
{
	struct kvs_est_table *t = &kn->est;
	struct kthread_worker *w;

	w = kthread_create_worker(0, "kvs-e:%d",
				  atomic_inc_return(&est_threads) - 1);
	if (IS_ERR(w))
		return PTR_ERR(w);
	mutex_lock(&t->lock);
	t->worker = w;
	kvs_est_place(kn);
	t->tick = next_bucket(t, 0);
	t->round = jiffies;
	kthread_queue_delayed_work(w, &t->work, tick_time(t) - jiffies);
	mutex_unlock(&t->lock);
	return 0;
}

void kvs_est_exit(struct kvs_net *kn)
{
	struct kvs_est_table *t = &kn->est;

	/* The work requeues itself: the cancel stops that too. */
	if (t->worker) {
		kthread_cancel_delayed_work_sync(&t->work);
		kthread_destroy_worker(t->worker);
	}
	kvs_est_stop(kn, &kn->stats);
}
