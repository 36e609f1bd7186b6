// SPDX-License-Identifier: GPL-2.0
/*
 * The persistence engine registry, the twin of the scheduler registry:
 * engines are modules that register an ops struct; a service bound to
 * one, and every template it keyed, holds a reference on its module.
 * An unknown name asks modprobe for "kvs_pe_<name>" once.
 */
#include <linux/kmod.h>
#include <linux/module.h>

#include "pe.h"

/* Registered engines; the mutex guards the list, not the engines. */
static LIST_HEAD(pe_list);
static DEFINE_MUTEX(pe_mutex);

static struct kvs_pe *pe_find(const char *name)
{
	struct kvs_pe *pe;

	lockdep_assert_held(&pe_mutex);
	list_for_each_entry(pe, &pe_list, list)
		if (!strcmp(pe->name, name))
			return pe;
	return NULL;
}

int kvs_register_pe(struct kvs_pe *pe)
{
	int err = 0;

	if (!pe->name || strlen(pe->name) >= IP_VS_PENAME_MAXLEN || !pe->fill)
		return -EINVAL;
	mutex_lock(&pe_mutex);
	if (pe_find(pe->name))
		err = -EEXIST;
	else
		list_add_tail(&pe->list, &pe_list);
	mutex_unlock(&pe_mutex);
	return err;
}
EXPORT_SYMBOL_GPL(kvs_register_pe);

void kvs_unregister_pe(struct kvs_pe *pe)
{
	mutex_lock(&pe_mutex);
	list_del(&pe->list);
	mutex_unlock(&pe_mutex);
	/* No service or template holds it, but a CPU may be in ->fill(). */
	synchronize_rcu();
}
EXPORT_SYMBOL_GPL(kvs_unregister_pe);

static struct kvs_pe *pe_get_loaded(const char *name)
{
	struct kvs_pe *pe;

	mutex_lock(&pe_mutex);
	pe = pe_find(name);
	if (pe && !try_module_get(pe->owner))
		pe = NULL;
	mutex_unlock(&pe_mutex);
	return pe;
}

/* The engine with a module reference, or NULL. */
struct kvs_pe *kvs_pe_get(const char *name)
{
	struct kvs_pe *pe;

	pe = pe_get_loaded(name);
	if (!pe && !request_module("kvs_pe_%s", name))
		pe = pe_get_loaded(name);
	return pe;
}

void kvs_pe_put(struct kvs_pe *pe)
{
	if (pe)
		module_put(pe->owner);
}
