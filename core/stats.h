/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counters (core/stats.c): per-CPU packet, byte and connection counts of
 * services, dests and namespaces, and the per-namespace drop counts by
 * reason.
 *
 * Locking: each CPU writes its own counters with BHs off (u64_stats);
 * readers sum every CPU without a lock.  -Z never writes another CPU's
 * counters: it moves kvs_stats.base, under kvs_net.lock.
 */
#ifndef _KVS_STATS_H
#define _KVS_STATS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

#include "estimator.h"
#include "kvs.h"

struct kvs_counters {
	u64 conns;
	u64 inpkts;
	u64 outpkts;
	u64 inbytes;
	u64 outbytes;
};

struct kvs_pcpu_counters {
	u64_stats_t conns;
	u64_stats_t inpkts;
	u64_stats_t outpkts;
	u64_stats_t inbytes;
	u64_stats_t outbytes;
	struct u64_stats_sync syncp;
};

/*
 * Per-CPU packet/byte/connection counters.  Writers are the data path,
 * each on its own CPU with BHs off; readers sum all CPUs and subtract
 * @base, which ZERO moves forward (under kvs_net.lock) instead of
 * writing into other CPUs' counters.
 */
struct kvs_stats {
	struct kvs_pcpu_counters __percpu *pcpu;
	struct kvs_counters base;
	struct kvs_est est;
};

int kvs_stats_init(struct kvs_stats *s);
void kvs_stats_destroy(struct kvs_stats *s);
void kvs_stats_read(const struct kvs_stats *s, struct kvs_counters *out);
void kvs_stats_sum(const struct kvs_stats *s, struct kvs_counters *sum);
void kvs_stats_read_cpu(const struct kvs_stats *s, int cpu,
			struct kvs_counters *v);
void kvs_counters_array(const struct kvs_counters *c, u64 v[KVS_RATE_MAX]);

struct kvs_conn;
struct kvs_dest;
struct kvs_net;

/* Reasons a packet was dropped, counted per namespace. */
enum kvs_drop_reason {
	KVS_DROP_MALFORMED,	/* truncated or inconsistent headers */
	KVS_DROP_NO_DEST,	/* service had no usable real server */
	KVS_DROP_NO_MEM,	/* connection could not be allocated */
	KVS_DROP_CLASH,		/* tuple already owned by another connection */
	KVS_DROP_XMIT,		/* no route or mangling failed on transmit */
	KVS_DROP_DEFENSE,	/* sysctl drop_packet, memory running short */
	KVS_DROP_MAX,
};

/* this_cpu_inc() on a long needs no sync and reads untorn everywhere. */
struct kvs_pcpu_drops {
	unsigned long count[KVS_DROP_MAX];
};

void kvs_drop_count(struct kvs_net *kn, enum kvs_drop_reason why);

void kvs_stats_packet(struct kvs_conn *cp, enum kvs_dir dir, unsigned int len);
void kvs_stats_new_conn(struct kvs_dest *dest);
void kvs_drops_read(const struct kvs_net *kn, u64 out[KVS_DROP_MAX]);

#endif /* _KVS_STATS_H */
