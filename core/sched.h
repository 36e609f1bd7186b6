/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler registry's core side (core/sched.c): looking a scheduler
 * up by name (loading its module on a miss), and binding it to a service.
 * The scheduler's side of the contract is core/plugin.h.
 *
 * Locking: all under kvs_net.lock, except kvs_sched_get/put, which take
 * the registry's own mutex.
 */
#ifndef _KVS_SCHED_H
#define _KVS_SCHED_H

#include "plugin.h"

struct kvs_scheduler *kvs_sched_get(const char *name);
void kvs_sched_put(struct kvs_scheduler *sched);
int kvs_sched_bind(struct kvs_service *svc, struct kvs_scheduler *sched);
void kvs_sched_unbind(struct kvs_service *svc);
int kvs_sched_rebind(struct kvs_service *svc, struct kvs_scheduler *sched);
void kvs_sched_update(struct kvs_service *svc, const struct kvs_dest_set *old);

/* The dest @svc's scheduler gives @iph, or NULL.  RCU held. */
static inline struct kvs_dest *kvs_sched_dest(struct kvs_service *svc,
					      const struct sk_buff *skb,
					      const struct kvs_iph *iph)
{
	struct kvs_scheduler *sched = rcu_dereference(svc->sched);

	return sched ? sched->schedule(svc, skb, iph) : NULL;
}

#endif /* _KVS_SCHED_H */
