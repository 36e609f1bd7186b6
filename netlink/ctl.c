// SPDX-License-Identifier: GPL-2.0
/*
 * The control operations both front ends share: the IPVS genetlink
 * family (genl.c) and the legacy sockopt interface (sockopt.c) parse
 * their requests into kvs_*_conf and call these, so a request means the
 * same and fails with the same errno whichever way it came.
 */
#include <linux/netdevice.h>

#include "../core/hooks.h"
#include "ctl.h"
#include "../core/sync.h"

/*
 * The tables and the hooks go in with a namespace's first service, the
 * tables first (the hooks use them), and stay until the namespace goes,
 * so that a namespace kvs never served pays nothing.  Here, above both
 * the services and the data path, so that neither calls the other.
 */
static int service_add(struct kvs_net *kn, const struct kvs_service_conf *c)
{
	int err;

	err = kvs_service_add(kn, c);
	if (err)
		return err;
	err = kvs_net_activate(kn);
	if (!err)
		err = kvs_hooks_register(kn);
	/* IPv6 packets reach an IPv6 service whole, as in-tree. */
	if (!err && c->key.af == AF_INET6)
		err = kvs_hooks_defrag6(kn);
	if (err)
		kvs_service_del(kvs_service_lookup(kn, &c->key));
	return err;
}

/* kvs_net.lock held.  @mask: the flags @c sets (the rest are kept). */
int kvs_ctl_service(struct kvs_net *kn, enum kvs_ctl_op op,
		    struct kvs_service_conf *c, u32 mask)
{
	struct kvs_service *svc;

	lockdep_assert_held(&kn->lock);
	svc = kvs_service_lookup(kn, &c->key);
	if (op == KVS_CTL_NEW)
		return svc ? -EEXIST : service_add(kn, c);
	if (!svc)
		return -ESRCH;
	if (op == KVS_CTL_DEL)
		return kvs_service_del(svc);
	c->flags |= svc->flags & ~mask;
	return kvs_service_edit(svc, c);
}

/* kvs_net.lock held.  A dest of family 0 takes its service's. */
int kvs_ctl_dest(struct kvs_service *svc, enum kvs_ctl_op op,
		 struct kvs_dest_conf *d)
{
	lockdep_assert_held(&svc->kn->lock);
	if (!d->af)
		d->af = svc->key.af;
	if (!kvs_genl_af_supported(d->af))
		return -EAFNOSUPPORT;
	if (op == KVS_CTL_NEW) {
		/* So do an IPv6 real server's (a tunnel's), as in-tree. */
		int err = d->af == AF_INET6 ? kvs_hooks_defrag6(svc->kn) : 0;

		return err ?: kvs_dest_add(svc, d);
	}
	if (op == KVS_CTL_SET)
		return kvs_dest_edit(svc, d);
	return kvs_dest_del(svc, &d->addr, d->port, d->af);
}

/* The counters of the service @key names, or of all when @key is NULL. */
int kvs_ctl_zero(struct kvs_net *kn, const struct kvs_service_key *key)
{
	struct kvs_service *svc;
	int err = 0;

	mutex_lock(&kn->lock);
	if (!key) {
		kvs_zero_all(kn);
	} else {
		svc = kvs_service_lookup(kn, key);
		if (svc)
			kvs_service_zero(svc);
		else
			err = -ESRCH;
	}
	mutex_unlock(&kn->lock);
	return err;
}

/* The three timeouts ipvsadm --set and -L --timeout handle. */
static unsigned int *timeout_slot(struct kvs_net *kn, int i)
{
	switch (i) {
	case KVS_CTL_TIMEOUT_TCP:
		return &kn->tcp_timeout[KVS_TCP_S_ESTABLISHED];
	case KVS_CTL_TIMEOUT_TCP_FIN:
		return &kn->tcp_timeout[KVS_TCP_S_FIN_WAIT];
	default:
		return &kn->udp_timeout[KVS_UDP_S_NORMAL];
	}
}

/* In seconds; kvs_net.lock held. */
void kvs_ctl_get_timeouts(struct kvs_net *kn, u32 secs[KVS_CTL_TIMEOUTS])
{
	int i;

	for (i = 0; i < KVS_CTL_TIMEOUTS; i++)
		secs[i] = READ_ONCE(*timeout_slot(kn, i)) / HZ;
}

/*
 * Seconds, 0 for unchanged; all or nothing: a value past INT_MAX / HZ
 * (or negative, from the sockopt ints) fails with -EINVAL before any
 * changes.  kvs_net.lock held.
 */
int kvs_ctl_set_timeouts(struct kvs_net *kn, const u32 secs[KVS_CTL_TIMEOUTS])
{
	int i;

	for (i = 0; i < KVS_CTL_TIMEOUTS; i++)
		if (secs[i] > INT_MAX / HZ)
			return -EINVAL;
	for (i = 0; i < KVS_CTL_TIMEOUTS; i++)
		if (secs[i])
			WRITE_ONCE(*timeout_slot(kn, i), secs[i] * HZ);
	return 0;
}

/*
 * Start a sync daemon (core/sync.c), after the checks both front ends
 * share: the interface must exist (-ENODEV), the state be one daemon.
 */
int kvs_ctl_daemon_start(struct net *net, struct kvs_sync_conf *c)
{
	struct kvs_net *kn = kvs_net(net);
	int err;

	/*
	 * A backup makes connections with no service of its own: the
	 * tables before the daemon, its periodic work once it runs.
	 */
	mutex_lock(&kn->lock);
	err = kvs_net_tables(kn);
	mutex_unlock(&kn->lock);
	if (err)
		return err;
	err = kvs_sync_start(net, c);
	if (err)
		return err;
	mutex_lock(&kn->lock);
	err = kvs_net_activate(kn);
	mutex_unlock(&kn->lock);
	if (err)
		kvs_sync_stop(net, c->state);
	return err;
}

int kvs_ctl_daemon_stop(struct net *net, u32 state)
{
	return kvs_sync_stop(net, state);
}
