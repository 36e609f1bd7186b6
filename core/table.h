/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the connection table (core/conn.c) and the template table
 * (core/persist.c) share: restarting their gc on the first insert, a
 * random sample of an rhashtable for the memory defense, and its size.
 */
#ifndef _KVS_TABLE_H
#define _KVS_TABLE_H

#include <linux/atomic.h>
#include <linux/rhashtable.h>
#include <linux/workqueue.h>

/*
 * The connection and template tables' gc works lapse while their table
 * is empty.  An insert counts itself here, and the one that takes
 * @count from 0 to 1 queues @gc again: whichever order it and the
 * work's last look at @count come in, one of them queues it (queueing a
 * work that runs but is no longer pending succeeds).
 */
static inline void kvs_gc_count_insert(atomic_t *count,
				       struct delayed_work *gc,
				       unsigned long interval)
{
	if (atomic_inc_return(count) == 1)
		queue_delayed_work(system_power_efficient_wq, gc, interval);
}

void kvs_rht_sample(struct rhashtable *ht,
		    void (*fn)(struct rhash_head *node, void *arg), void *arg);

/* The buckets of @ht now (it grows and shrinks with its entries). */
static inline unsigned int kvs_rht_buckets(struct rhashtable *ht)
{
	unsigned int n;

	rcu_read_lock();
	n = rcu_dereference(ht->tbl)->size;
	rcu_read_unlock();
	return n;
}

#endif /* _KVS_TABLE_H */
