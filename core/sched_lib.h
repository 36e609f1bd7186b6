/* SPDX-License-Identifier: GPL-2.0 */
/*
 * More helpers for scheduler modules (core/sched_lib.c): a random draw
 * KUnit can replace, in-tree's locality "is overloaded" test shared by
 * lblc and lblcr, and a per-namespace sysctl of a scheduler's own.
 */
#ifndef _KVS_SCHED_LIB_H
#define _KVS_SCHED_LIB_H

#include <linux/types.h>

struct ctl_table_header;
struct kvs_dest;
struct kvs_dest_set;
struct net;

u32 kvs_sched_random(u32 ceil);
bool kvs_sched_locality_overloaded(const struct kvs_dest_set *set,
				   const struct kvs_dest *dest);
struct ctl_table_header *kvs_sched_sysctl_register(struct net *net,
						   const char *name,
						   int *jiffies_data);
void kvs_sched_sysctl_unregister(struct ctl_table_header *hdr);

#if IS_ENABLED(CONFIG_KVS_KUNIT_TEST)
/* When set, kvs_sched_random() returns this instead of a random number. */
extern u32 (*kvs_sched_random_hook)(u32 ceil);
#endif

#endif /* _KVS_SCHED_LIB_H */
