// SPDX-License-Identifier: GPL-2.0
/*
 * What the connection and template tables share (see table.h).
 */
#include <linux/random.h>
#include <linux/sched.h>

#include "table.h"

/*
 * Memory defense's drop_entry: call @fn on each entry of a few buckets
 * of @ht picked at random, 1/32 of the table per call as in-tree scans
 * 1/32 of its own.  Bounded work, in process context, under RCU one
 * bucket at a time (rht_for_each_rcu, as rhashtable_lookup walks).
 * @fn may unlink the entry: an unlinked entry keeps its next pointer,
 * so the walk goes on; one moved by a resize may be missed or seen
 * twice, which for a random pick does not matter.
 */
void kvs_rht_sample(struct rhashtable *ht,
		    void (*fn)(struct rhash_head *node, void *arg), void *arg)
{
	unsigned int i, n;

	rcu_read_lock();
	n = max(rht_dereference_rcu(ht->tbl, ht)->size >> 5, 1U);
	rcu_read_unlock();
	for (i = 0; i < n; i++) {
		struct bucket_table *bt;
		struct rhash_head *pos;
		unsigned int hash;

		rcu_read_lock();
		bt = rht_dereference_rcu(ht->tbl, ht);
		/* The bucket count is a power of two. */
		hash = get_random_u32() & (bt->size - 1);
		rht_for_each_rcu(pos, bt, hash)
			fn(pos, arg);
		rcu_read_unlock();
		cond_resched();
	}
}
