// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler registry.  Schedulers are modules that register an ops
 * struct; a service that uses one holds a reference on its module, so a
 * scheduler in use cannot be unloaded.  Looking up an unknown name asks
 * modprobe for "kvs_<name>" once before giving up.
 */
#include <linux/kmod.h>
#include <linux/module.h>

#include "kvs.h"

/* Registered schedulers; the mutex guards the list, not the schedulers. */
static LIST_HEAD(sched_list);
static DEFINE_MUTEX(sched_mutex);

static struct kvs_scheduler *sched_find(const char *name)
{
	struct kvs_scheduler *s;

	lockdep_assert_held(&sched_mutex);
	list_for_each_entry(s, &sched_list, list)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

int kvs_register_scheduler(struct kvs_scheduler *sched)
{
	int err = 0;

	if (!sched->name || strlen(sched->name) >= IP_VS_SCHEDNAME_MAXLEN ||
	    !sched->schedule)
		return -EINVAL;

	mutex_lock(&sched_mutex);
	if (sched_find(sched->name))
		err = -EEXIST;
	else
		list_add_tail(&sched->list, &sched_list);
	mutex_unlock(&sched_mutex);
	if (!err)
		pr_debug("scheduler %s registered\n", sched->name);
	return err;
}
EXPORT_SYMBOL_GPL(kvs_register_scheduler);

void kvs_unregister_scheduler(struct kvs_scheduler *sched)
{
	mutex_lock(&sched_mutex);
	list_del(&sched->list);
	mutex_unlock(&sched_mutex);
	/* No service holds it, but a CPU may still be inside ->schedule(). */
	synchronize_rcu();
}
EXPORT_SYMBOL_GPL(kvs_unregister_scheduler);

static struct kvs_scheduler *sched_get_loaded(const char *name)
{
	struct kvs_scheduler *s;

	mutex_lock(&sched_mutex);
	s = sched_find(name);
	if (s && !try_module_get(s->owner))
		s = NULL;
	mutex_unlock(&sched_mutex);
	return s;
}

/* Returns the scheduler with a module reference, or NULL. */
struct kvs_scheduler *kvs_sched_get(const char *name)
{
	struct kvs_scheduler *s;

	s = sched_get_loaded(name);
	if (!s && !request_module("kvs_%s", name))
		s = sched_get_loaded(name);
	return s;
}

void kvs_sched_put(struct kvs_scheduler *sched)
{
	module_put(sched->owner);
}

static struct kvs_scheduler *sched_locked(struct kvs_service *svc)
{
	return rcu_dereference_protected(svc->sched,
					 lockdep_is_held(&svc->kn->lock));
}

/*
 * Give @svc to @sched, whose module reference the service now owns.  On
 * failure the caller keeps the reference.  kvs_net.lock held.
 */
int kvs_sched_bind(struct kvs_service *svc, struct kvs_scheduler *sched)
{
	int err;

	lockdep_assert_held(&svc->kn->lock);
	if (WARN_ON(sched_locked(svc)))
		return -EBUSY;
	if (sched->init_service) {
		err = sched->init_service(svc);
		if (err)
			return err;
	}
	rcu_assign_pointer(svc->sched, sched);
	return 0;
}

/* Take @svc's scheduler away and drop its module reference. */
void kvs_sched_unbind(struct kvs_service *svc)
{
	struct kvs_scheduler *sched = sched_locked(svc);

	if (!sched)
		return;
	RCU_INIT_POINTER(svc->sched, NULL);
	/* ->done_service frees sched_data after a grace period. */
	if (sched->done_service)
		sched->done_service(svc);
	kvs_sched_put(sched);
}

void kvs_sched_update(struct kvs_service *svc, const struct kvs_dest_set *old)
{
	struct kvs_scheduler *sched = sched_locked(svc);

	if (sched && sched->update_service)
		sched->update_service(svc, old);
}

/*
 * Move a live service from its scheduler to @sched (whose reference the
 * service takes over on success).  Packets may be inside the old
 * scheduler with its data right now, so the old one is gone for a grace
 * period before the new one sets up its own data in the same slot.  On
 * failure the service gets its old scheduler back, freshly initialised.
 */
int kvs_sched_rebind(struct kvs_service *svc, struct kvs_scheduler *sched)
{
	struct kvs_scheduler *old = sched_locked(svc);
	int err;

	lockdep_assert_held(&svc->kn->lock);
	if (old) {
		RCU_INIT_POINTER(svc->sched, NULL);
		synchronize_rcu();
		if (old->done_service)
			old->done_service(svc);
	}
	err = kvs_sched_bind(svc, sched);
	if (err) {
		if (old && kvs_sched_bind(svc, old)) {
			pr_warn_ratelimited("service left without a scheduler\n");
			kvs_sched_put(old);
		}
		return err;
	}
	if (old)
		kvs_sched_put(old);
	return 0;
}
