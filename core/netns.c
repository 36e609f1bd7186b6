// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: every namespace has its own services,
 * connections, timeouts and counters, and sees no other namespace's.
 */
#include <net/netns/generic.h>

#include "hooks.h"
#include "netns.h"
#include "proc.h"
#include "service.h"

unsigned int kvs_net_id __read_mostly;

static int __net_init kvs_net_init(struct net *net)
{
	struct kvs_net *kn = kvs_net(net);
	int err;

	kn->net = net;
	mutex_init(&kn->lock);
	kvs_proto_timeouts_init(kn);
	kvs_sysctl_defaults(kn);

	err = kvs_stats_init(&kn->stats);
	if (err)
		goto err_stats;
	kn->drops = alloc_percpu(struct kvs_pcpu_drops);
	if (!kn->drops) {
		err = -ENOMEM;
		goto err_drops;
	}
	err = kvs_est_init(kn);
	if (err)
		goto err_est;
	err = kvs_services_init(kn);
	if (err)
		goto err_services;
	err = kvs_proc_init(kn);
	if (err)
		goto err_proc;
	err = kvs_sysctl_init(kn);
	if (err)
		goto err_sysctl;
	kvs_defense_init(kn);
	return 0;

err_sysctl:
	kvs_proc_exit(kn);
err_proc:
	kvs_services_exit(kn);
err_services:
	kvs_est_exit(kn);
err_est:
	free_percpu(kn->drops);
err_drops:
	kvs_stats_destroy(&kn->stats);
err_stats:
	return err;
}

/*
 * The connection and template tables, with the namespace's first service
 * or sync daemon, before the hooks or the daemon that use them; kept
 * until the namespace goes.  kvs_net.lock held.
 */
int kvs_net_tables(struct kvs_net *kn)
{
	int err;

	lockdep_assert_held(&kn->lock);
	if (kn->tables)
		return 0;
	err = kvs_conn_table_init(&kn->conns);
	if (err)
		goto err_conns;
	kn->conns.expire_nodest_conn = &kn->sysctl.expire_nodest_conn;
	kn->conns.conntrack = &kn->sysctl.conntrack;
	kn->conns.net = kn->net;
	err = kvs_persist_init(&kn->tpls);
	if (err)
		goto err_tpls;
	/* Pairs with kvs_net_has_tables(). */
	smp_store_release(&kn->tables, true);
	return 0;

err_tpls:
	kvs_conn_table_destroy(&kn->conns);
err_conns:
	return err;
}

/*
 * A namespace's tables and periodic work (rate estimation, defense) come
 * with its first service or sync daemon, once: the many namespaces of a
 * host that never configure kvs (its pods) allocate no table and wake no
 * work at all.  Never undone; stopped at namespace exit.  kvs_net.lock
 * held, which makes one caller do it.
 */
int kvs_net_activate(struct kvs_net *kn)
{
	int err;

	lockdep_assert_held(&kn->lock);
	if (test_bit(KVS_NET_ACTIVE, &kn->state))
		return 0;
	err = kvs_net_tables(kn);
	if (err)
		return err;
	/* On failure, the next service or daemon tries again. */
	err = kvs_est_run(kn);
	if (err)
		return err;
	kvs_defense_start(kn);
	set_bit(KVS_NET_ACTIVE, &kn->state);
	return 0;
}

/*
 * Hooks go first, so no packet is in flight; then the services, whose
 * dests live on until the connections holding them are gone.
 */
static void __net_exit kvs_net_exit(struct net *net)
{
	struct kvs_net *kn = kvs_net(net);

	kvs_defense_stop(kn);
	kvs_sysctl_exit(kn);
	kvs_proc_exit(kn);
	kvs_hooks_unregister(kn);
	mutex_lock(&kn->lock);
	kvs_service_flush(kn);
	mutex_unlock(&kn->lock);
	if (kn->tables) {
		kvs_conn_table_destroy(&kn->conns);
		/* Connections held their templates: those go after them. */
		kvs_persist_destroy(&kn->tpls);
	}
	kvs_services_exit(kn);
	kvs_est_exit(kn);
	free_percpu(kn->drops);
	kvs_stats_destroy(&kn->stats);
}

static struct pernet_operations kvs_net_ops = {
	.init	= kvs_net_init,
	.exit	= kvs_net_exit,
	.id	= &kvs_net_id,
	.size	= sizeof(struct kvs_net),
};

int kvs_netns_init(void)
{
	return register_pernet_subsys(&kvs_net_ops);
}

void kvs_netns_exit(void)
{
	unregister_pernet_subsys(&kvs_net_ops);
}
