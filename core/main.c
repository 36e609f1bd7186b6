// SPDX-License-Identifier: GPL-2.0
/*
 * kvs: an IPVS-compatible layer-4 load balancer.  Module entry: bring the
 * subsystems up in order and down in reverse.
 */
#include <linux/module.h>
#include <net/genetlink.h>

#include "../netlink/ctl.h"
#include "sync.h"

/*
 * Objects are freed from RCU callbacks, and a dest's callback may queue
 * its service's: wait for both rounds before the code and caches go.
 */
static void kvs_rcu_drain(void)
{
	rcu_barrier();
	rcu_barrier();
}

static int __init kvs_init(void)
{
	int err;

	err = kvs_conn_cache_init();
	if (err)
		goto err_conn_cache;
	err = kvs_netns_init();
	if (err)
		goto err_netns;
	/* After kvs_net: a namespace's daemons stop before its tables go. */
	err = kvs_sync_init();
	if (err)
		goto err_sync;
	err = kvs_genl_init();
	if (err == -EEXIST)
		pr_err("the IPVS netlink family is taken: is the in-tree ip_vs module loaded? Unload it (modprobe -r ip_vs) before loading kvs\n");
	if (err)
		goto err_genl;
	err = kvs_sockopt_init();
	if (err == -EBUSY)
		pr_err("the IPVS sockopt numbers are taken: is the in-tree ip_vs module loaded?\n");
	if (err)
		goto err_sockopt;

	pr_info("IPVS-compatible load balancer, version 1.2.1 (size=%u)\n",
		kvs_conn_tab_size());
	return 0;

err_sockopt:
	kvs_genl_exit();
err_genl:
	kvs_sync_exit();
err_sync:
	kvs_netns_exit();
	kvs_rcu_drain();
err_netns:
	kvs_conn_cache_exit();
err_conn_cache:
	return err;
}

static void __exit kvs_exit(void)
{
	kvs_sockopt_exit();
	kvs_genl_exit();
	kvs_sync_exit();
	kvs_netns_exit();
	kvs_rcu_drain();
	kvs_conn_cache_exit();
}

module_init(kvs_init);
module_exit(kvs_exit);
MODULE_DESCRIPTION("IPVS-compatible layer-4 load balancer");
MODULE_LICENSE("GPL");
MODULE_ALIAS_GENL_FAMILY(IPVS_GENL_NAME);
