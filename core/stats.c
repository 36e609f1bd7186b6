// SPDX-License-Identifier: GPL-2.0
/*
 * Packet, byte and connection counters of services, dests and the whole
 * namespace, and the per-namespace drop counters.
 */
#include "service.h"
#include "stats.h"

int kvs_stats_init(struct kvs_stats *s)
{
	int cpu;

	s->pcpu = alloc_percpu(struct kvs_pcpu_counters);
	if (!s->pcpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(s->pcpu, cpu)->syncp);
	memset(&s->base, 0, sizeof(s->base));
	memset(&s->est, 0, sizeof(s->est));
	INIT_LIST_HEAD(&s->est.list);
	return 0;
}

void kvs_stats_destroy(struct kvs_stats *s)
{
	free_percpu(s->pcpu);
	s->pcpu = NULL;
}

/* One CPU's counters, untorn. */
void kvs_stats_read_cpu(const struct kvs_stats *s, int cpu,
			struct kvs_counters *v)
{
	const struct kvs_pcpu_counters *c = per_cpu_ptr(s->pcpu, cpu);
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&c->syncp);
		v->conns = u64_stats_read(&c->conns);
		v->inpkts = u64_stats_read(&c->inpkts);
		v->outpkts = u64_stats_read(&c->outpkts);
		v->inbytes = u64_stats_read(&c->inbytes);
		v->outbytes = u64_stats_read(&c->outbytes);
	} while (u64_stats_fetch_retry(&c->syncp, start));
}

/* All CPUs' counters since the start, ZERO ignored. */
void kvs_stats_sum(const struct kvs_stats *s, struct kvs_counters *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		struct kvs_counters v;

		kvs_stats_read_cpu(s, cpu, &v);
		sum->conns += v.conns;
		sum->inpkts += v.inpkts;
		sum->outpkts += v.outpkts;
		sum->inbytes += v.inbytes;
		sum->outbytes += v.outbytes;
	}
}

/* The counters in enum kvs_rate order, for the estimator and /proc. */
void kvs_counters_array(const struct kvs_counters *c, u64 v[KVS_RATE_MAX])
{
	v[KVS_RATE_CPS] = c->conns;
	v[KVS_RATE_INPPS] = c->inpkts;
	v[KVS_RATE_OUTPPS] = c->outpkts;
	v[KVS_RATE_INBPS] = c->inbytes;
	v[KVS_RATE_OUTBPS] = c->outbytes;
}

void kvs_stats_read(const struct kvs_stats *s, struct kvs_counters *out)
{
	kvs_stats_sum(s, out);
	out->conns -= s->base.conns;
	out->inpkts -= s->base.inpkts;
	out->outpkts -= s->base.outpkts;
	out->inbytes -= s->base.inbytes;
	out->outbytes -= s->base.outbytes;
}

static void stats_add(struct kvs_stats *s, bool in, unsigned int len)
{
	struct kvs_pcpu_counters *c = this_cpu_ptr(s->pcpu);

	u64_stats_update_begin(&c->syncp);
	if (in) {
		u64_stats_inc(&c->inpkts);
		u64_stats_add(&c->inbytes, len);
	} else {
		u64_stats_inc(&c->outpkts);
		u64_stats_add(&c->outbytes, len);
	}
	u64_stats_update_end(&c->syncp);
}

static void stats_conn(struct kvs_stats *s)
{
	struct kvs_pcpu_counters *c = this_cpu_ptr(s->pcpu);

	u64_stats_update_begin(&c->syncp);
	u64_stats_inc(&c->conns);
	u64_stats_update_end(&c->syncp);
}

/* One packet of @cp crossed the director, in @dir. */
void kvs_stats_packet(struct kvs_conn *cp, enum kvs_dir dir, unsigned int len)
{
	struct kvs_dest *dest = cp->dest;
	/* A dest revived from the trash may move to a new service object. */
	struct kvs_service *svc = READ_ONCE(dest->svc);
	bool in = dir == KVS_DIR_ORIG;

	local_bh_disable();
	stats_add(&dest->stats, in, len);
	stats_add(&svc->stats, in, len);
	stats_add(&svc->kn->stats, in, len);
	local_bh_enable();
}

/* A connection was scheduled to @dest. */
void kvs_stats_new_conn(struct kvs_dest *dest)
{
	struct kvs_service *svc = READ_ONCE(dest->svc);

	local_bh_disable();
	stats_conn(&dest->stats);
	stats_conn(&svc->stats);
	stats_conn(&svc->kn->stats);
	local_bh_enable();
}

void kvs_drop_count(struct kvs_net *kn, enum kvs_drop_reason why)
{
	this_cpu_inc(kn->drops->count[why]);
}

void kvs_drops_read(const struct kvs_net *kn, u64 out[KVS_DROP_MAX])
{
	int cpu, i;

	memset(out, 0, sizeof(u64) * KVS_DROP_MAX);
	for_each_possible_cpu(cpu) {
		const struct kvs_pcpu_drops *d = per_cpu_ptr(kn->drops, cpu);

		for (i = 0; i < KVS_DROP_MAX; i++)
			out[i] += READ_ONCE(d->count[i]);
	}
}
