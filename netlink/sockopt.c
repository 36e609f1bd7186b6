// SPDX-License-Identifier: GPL-2.0
/*
 * The legacy IPVS control interface: setsockopt/getsockopt on any IPv4
 * socket with the IP_VS_SO_* option numbers, as clients built without
 * libnl (and old tools) speak it.  IPv4 services only.  Like genl.c this
 * is a front end: it translates the uapi structs into kvs_*_conf and
 * calls the shared control operations (ctl.c), and answers with the
 * in-tree module's errnos: exact argument lengths for SET (else
 * -EINVAL), large enough buffers for GET, CAP_NET_ADMIN in the socket's
 * namespace.
 */
#include <linux/capability.h>
#include <linux/netfilter.h>
#include <linux/uaccess.h>
#include <net/sock.h>

#include "../core/sched.h"
#include "ctl.h"
#include "../core/sync.h"

#define CMDID(cmd)	((cmd) - IP_VS_BASE_CTL)

struct svcdest_user {
	struct ip_vs_service_user s;
	struct ip_vs_dest_user d;
};

/* The exact length of each SET argument; 0 for the commands with none. */
static const unsigned char set_arglen[CMDID(IP_VS_SO_SET_MAX) + 1] = {
	[CMDID(IP_VS_SO_SET_ADD)]		= sizeof(struct ip_vs_service_user),
	[CMDID(IP_VS_SO_SET_EDIT)]		= sizeof(struct ip_vs_service_user),
	[CMDID(IP_VS_SO_SET_DEL)]		= sizeof(struct ip_vs_service_user),
	[CMDID(IP_VS_SO_SET_ADDDEST)]		= sizeof(struct svcdest_user),
	[CMDID(IP_VS_SO_SET_DELDEST)]		= sizeof(struct svcdest_user),
	[CMDID(IP_VS_SO_SET_EDITDEST)]		= sizeof(struct svcdest_user),
	[CMDID(IP_VS_SO_SET_TIMEOUT)]		= sizeof(struct ip_vs_timeout_user),
	[CMDID(IP_VS_SO_SET_STARTDAEMON)]	= sizeof(struct ip_vs_daemon_user),
	[CMDID(IP_VS_SO_SET_STOPDAEMON)]	= sizeof(struct ip_vs_daemon_user),
	[CMDID(IP_VS_SO_SET_ZERO)]		= sizeof(struct ip_vs_service_user),
};

/* The least length of each GET argument (the call's input part). */
static const unsigned char get_arglen[CMDID(IP_VS_SO_GET_MAX) + 1] = {
	[CMDID(IP_VS_SO_GET_VERSION)]	= 64,
	[CMDID(IP_VS_SO_GET_INFO)]	= sizeof(struct ip_vs_getinfo),
	[CMDID(IP_VS_SO_GET_SERVICES)]	= sizeof(struct ip_vs_get_services),
	[CMDID(IP_VS_SO_GET_SERVICE)]	= sizeof(struct ip_vs_service_entry),
	[CMDID(IP_VS_SO_GET_DESTS)]	= sizeof(struct ip_vs_get_dests),
	[CMDID(IP_VS_SO_GET_TIMEOUT)]	= sizeof(struct ip_vs_timeout_user),
	[CMDID(IP_VS_SO_GET_DAEMON)]	= 2 * sizeof(struct ip_vs_daemon_user),
};

union set_arg {
	struct svcdest_user sd;
	struct ip_vs_timeout_user t;
	struct ip_vs_daemon_user dm;
};

union get_arg {
	char version[64];
	struct ip_vs_getinfo info;
	struct ip_vs_get_services services;
	struct ip_vs_service_entry service;
	struct ip_vs_get_dests dests;
	struct ip_vs_timeout_user t;
	struct ip_vs_daemon_user dm[2];
};

/* An IPv4 service key: by mark, else by protocol, address and port. */
static void key_from_user(struct kvs_service_key *key, u16 protocol,
			  __be32 addr, __be16 port, u32 fwmark)
{
	kvs_service_key_init(key);
	key->af = AF_INET;
	key->fwmark = fwmark;
	if (fwmark)
		return;
	key->protocol = protocol;
	key->addr.ip = addr;
	key->port = port;
}

static void service_from_user(struct kvs_service_conf *c,
			      const struct ip_vs_service_user *u)
{
	memset(c, 0, sizeof(*c));
	key_from_user(&c->key, u->protocol, u->addr, u->port, u->fwmark);
	/* Checked for its NUL before use. */
	memcpy(c->sched_name, u->sched_name, sizeof(c->sched_name));
	c->flags = u->flags;
	c->timeout = u->timeout;
	c->netmask = u->netmask;
}

static void dest_from_user(struct kvs_dest_conf *d,
			   const struct ip_vs_dest_user *u)
{
	memset(d, 0, sizeof(*d));
	d->af = AF_INET;
	d->addr.ip = u->addr;
	d->port = u->port;
	d->conn_flags = u->conn_flags & IP_VS_CONN_F_FWD_MASK;
	d->weight = u->weight;
	d->u_threshold = u->u_threshold;
	d->l_threshold = u->l_threshold;
	d->tun_type = IP_VS_CONN_F_TUNNEL_TYPE_IPIP;
}

/*
 * The protocol the old interface sees: the in-tree module keeps TCP for
 * a mark service made over netlink, which is how kvs makes them all.
 */
static u16 service_protocol(const struct kvs_service *svc)
{
	return svc->key.fwmark ? IPPROTO_TCP : svc->key.protocol;
}

static int daemon_set(struct net *net, int cmd,
		      const struct ip_vs_daemon_user *dm)
{
	struct kvs_sync_conf c = { .state = dm->state, .syncid = dm->syncid };

	if (cmd == IP_VS_SO_SET_STOPDAEMON)
		return kvs_ctl_daemon_stop(net, dm->state);
	if (strscpy(c.ifname, dm->mcast_ifn, sizeof(c.ifname)) <= 0)
		return -EINVAL;
	return kvs_ctl_daemon_start(net, &c);
}

/* Service and dest commands, in the in-tree order of checks; lock held. */
static int service_set(struct kvs_net *kn, int cmd,
		       const struct svcdest_user *arg)
{
	const struct ip_vs_service_user *u = &arg->s;
	struct kvs_service_conf c;
	struct kvs_service *svc;
	struct kvs_dest_conf d;

	service_from_user(&c, u);
	if ((cmd == IP_VS_SO_SET_ADD || cmd == IP_VS_SO_SET_EDIT) &&
	    strnlen(u->sched_name, sizeof(u->sched_name)) ==
	    sizeof(u->sched_name))
		return -EINVAL;
	/* Even a mark service names one of these; else -EFAULT, as in-tree. */
	if (u->protocol != IPPROTO_TCP && u->protocol != IPPROTO_UDP &&
	    u->protocol != IPPROTO_SCTP)
		return -EFAULT;

	svc = kvs_service_lookup(kn, &c.key);
	if (cmd != IP_VS_SO_SET_ADD &&
	    (!svc || service_protocol(svc) != u->protocol))
		return -ESRCH;

	switch (cmd) {
	case IP_VS_SO_SET_ADD:
		return kvs_ctl_service(kn, KVS_CTL_NEW, &c, ~0U);
	case IP_VS_SO_SET_EDIT:
		return kvs_ctl_service(kn, KVS_CTL_SET, &c, ~0U);
	case IP_VS_SO_SET_DEL:
		return kvs_ctl_service(kn, KVS_CTL_DEL, &c, ~0U);
	case IP_VS_SO_SET_ZERO:
		kvs_service_zero(svc);
		return 0;
	}
	dest_from_user(&d, &arg->d);
	switch (cmd) {
	case IP_VS_SO_SET_ADDDEST:
		return kvs_ctl_dest(svc, KVS_CTL_NEW, &d);
	case IP_VS_SO_SET_EDITDEST:
		return kvs_ctl_dest(svc, KVS_CTL_SET, &d);
	default:
		return kvs_ctl_dest(svc, KVS_CTL_DEL, &d);
	}
}

static int do_set(struct sock *sk, int cmd, sockptr_t ptr, unsigned int len)
{
	struct net *net = sock_net(sk);
	struct kvs_net *kn = kvs_net(net);
	const struct ip_vs_service_user *u;
	union set_arg arg;
	u32 secs[KVS_CTL_TIMEOUTS];
	int err;

	BUILD_BUG_ON(sizeof(arg) > 255);
	if (!ns_capable(net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	if (cmd < IP_VS_BASE_CTL || cmd > IP_VS_SO_SET_MAX)
		return -EINVAL;
	if (len != set_arglen[CMDID(cmd)])
		return -EINVAL;
	if (copy_from_sockptr(&arg, ptr, len))
		return -EFAULT;

	if (cmd == IP_VS_SO_SET_STARTDAEMON || cmd == IP_VS_SO_SET_STOPDAEMON)
		return daemon_set(net, cmd, &arg.dm);

	u = &arg.sd.s;
	/* A zero request naming no service zeroes them all. */
	if (cmd == IP_VS_SO_SET_ZERO && !u->fwmark && !u->addr && !u->port)
		return kvs_ctl_zero(kn, NULL);

	mutex_lock(&kn->lock);
	if (cmd == IP_VS_SO_SET_FLUSH) {
		kvs_service_flush(kn);
		err = 0;
	} else if (cmd == IP_VS_SO_SET_TIMEOUT) {
		secs[KVS_CTL_TIMEOUT_TCP] = arg.t.tcp_timeout;
		secs[KVS_CTL_TIMEOUT_TCP_FIN] = arg.t.tcp_fin_timeout;
		secs[KVS_CTL_TIMEOUT_UDP] = arg.t.udp_timeout;
		err = kvs_ctl_set_timeouts(kn, secs);
	} else if (!len) {
		/* NONE, INSERT, LIST, RESTORE, SAVE: nothing to do. */
		err = -EINVAL;
	} else {
		err = service_set(kn, cmd, &arg.sd);
	}
	mutex_unlock(&kn->lock);
	return err;
}

static void stats_to_user(struct ip_vs_stats_user *u, const struct kvs_stats *s)
{
	u64 rate[KVS_RATE_MAX];
	struct kvs_counters c;

	kvs_stats_read(s, &c);
	kvs_est_read(s, rate);
	memset(u, 0, sizeof(*u));
	u->conns = c.conns;
	u->inpkts = c.inpkts;
	u->outpkts = c.outpkts;
	u->inbytes = c.inbytes;
	u->outbytes = c.outbytes;
	/* The old ABI's rates are 32-bit, as in-tree truncates them. */
	u->cps = rate[KVS_RATE_CPS];
	u->inpps = rate[KVS_RATE_INPPS];
	u->outpps = rate[KVS_RATE_OUTPPS];
	u->inbps = rate[KVS_RATE_INBPS];
	u->outbps = rate[KVS_RATE_OUTBPS];
}

static void service_to_user(struct ip_vs_service_entry *e,
			    struct kvs_service *svc)
{
	struct kvs_scheduler *sched;

	sched = rcu_dereference_protected(svc->sched,
					  lockdep_is_held(&svc->kn->lock));
	memset(e, 0, sizeof(*e));
	e->protocol = service_protocol(svc);
	e->addr = svc->key.addr.ip;
	e->port = svc->key.port;
	e->fwmark = svc->key.fwmark;
	strscpy(e->sched_name, sched ? sched->name : "none",
		sizeof(e->sched_name));
	e->flags = svc->flags;
	e->timeout = svc->timeout / HZ;
	e->netmask = svc->netmask;
	e->num_dests = kvs_dests_locked(svc)->n;
	stats_to_user(&e->stats, &svc->stats);
}

/* Up to @max IPv4 services into @table; lock held. */
static int get_services(struct kvs_net *kn, unsigned int max,
			struct ip_vs_service_entry __user *table)
{
	struct ip_vs_service_entry e;
	struct kvs_service *svc;
	unsigned int n = 0;
	unsigned long id;

	xa_for_each(&kn->svc_ids, id, svc) {
		if (svc->key.af != AF_INET)
			continue;
		if (n >= max)
			break;
		service_to_user(&e, svc);
		if (copy_to_user(&table[n++], &e, sizeof(e)))
			return -EFAULT;
	}
	return 0;
}

/* Up to @max dests of @svc into @table; lock held. */
static int get_dests(struct kvs_service *svc, unsigned int max,
		     struct ip_vs_dest_entry __user *table)
{
	struct kvs_dest_set *set = kvs_dests_locked(svc);
	struct ip_vs_dest_entry e;
	unsigned int i, n = 0;

	for (i = 0; i < set->n && n < max; i++) {
		struct kvs_dest *dest = set->dest[i];

		/* The old structs cannot carry another family. */
		if (dest->af != svc->key.af)
			continue;
		memset(&e, 0, sizeof(e));
		e.addr = dest->addr.ip;
		e.port = dest->port;
		e.conn_flags = dest->conn_flags;
		e.weight = dest->weight;
		e.u_threshold = dest->u_threshold;
		e.l_threshold = dest->l_threshold;
		e.activeconns = max(atomic_read(&dest->activeconns), 0);
		e.inactconns = max(atomic_read(&dest->inactconns), 0);
		e.persistconns = max(atomic_read(&dest->persistconns), 0);
		stats_to_user(&e.stats, &dest->stats);
		if (copy_to_user(&table[n++], &e, sizeof(e)))
			return -EFAULT;
	}
	return 0;
}

static struct kvs_service *find_v4(struct kvs_net *kn, u16 protocol,
				   __be32 addr, __be16 port, u32 fwmark)
{
	struct kvs_service_key key;

	key_from_user(&key, protocol, addr, port, fwmark);
	return kvs_service_lookup(kn, &key);
}

/* The commands answered from the tables, lock held. */
static int get_locked(struct kvs_net *kn, int cmd, union get_arg *arg,
		      void __user *user, int *len)
{
	struct ip_vs_service_entry *e = &arg->service;
	u32 secs[KVS_CTL_TIMEOUTS];
	struct kvs_service *svc;
	int n;

	switch (cmd) {
	case IP_VS_SO_GET_VERSION:
		n = scnprintf(arg->version, sizeof(arg->version),
			      "IP Virtual Server version %d.%d.%d (size=%u)",
			      KVS_VERSION_CODE >> 16,
			      (KVS_VERSION_CODE >> 8) & 0xff,
			      KVS_VERSION_CODE & 0xff, kvs_conn_tab_size());
		if (copy_to_user(user, arg->version, n + 1))
			return -EFAULT;
		*len = n + 1;
		return 0;
	case IP_VS_SO_GET_INFO:
		arg->info.version = KVS_VERSION_CODE;
		arg->info.size = kvs_conn_tab_size();
		arg->info.num_services = kn->num_services;
		return copy_to_user(user, &arg->info, sizeof(arg->info)) ?
		       -EFAULT : 0;
	case IP_VS_SO_GET_SERVICES:
		n = arg->services.num_services;
		if (*len != struct_size(&arg->services, entrytable, n))
			return -EINVAL;
		return get_services(kn, n, ((struct ip_vs_get_services __user *)
					    user)->entrytable);
	case IP_VS_SO_GET_SERVICE:
		svc = find_v4(kn, e->protocol, e->addr, e->port, e->fwmark);
		if (!svc)
			return -ESRCH;
		service_to_user(e, svc);
		return copy_to_user(user, e, sizeof(*e)) ? -EFAULT : 0;
	case IP_VS_SO_GET_DESTS:
		n = arg->dests.num_dests;
		if (*len != struct_size(&arg->dests, entrytable, n))
			return -EINVAL;
		svc = find_v4(kn, arg->dests.protocol, arg->dests.addr,
			      arg->dests.port, arg->dests.fwmark);
		if (!svc)
			return -ESRCH;
		return get_dests(svc, n, ((struct ip_vs_get_dests __user *)
					  user)->entrytable);
	case IP_VS_SO_GET_TIMEOUT:
		kvs_ctl_get_timeouts(kn, secs);
		arg->t.tcp_timeout = secs[KVS_CTL_TIMEOUT_TCP];
		arg->t.tcp_fin_timeout = secs[KVS_CTL_TIMEOUT_TCP_FIN];
		arg->t.udp_timeout = secs[KVS_CTL_TIMEOUT_UDP];
		return copy_to_user(user, &arg->t, sizeof(arg->t)) ?
		       -EFAULT : 0;
	default:
		/* IP_VS_SO_GET_DEST was never implemented. */
		return -EINVAL;
	}
}

static int do_get(struct sock *sk, int cmd, void __user *user, int *len)
{
	struct net *net = sock_net(sk);
	struct kvs_net *kn = kvs_net(net);
	union get_arg arg;
	unsigned int copylen;
	int err;

	BUILD_BUG_ON(sizeof(arg) > 255);
	if (!ns_capable(net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	if (cmd < IP_VS_BASE_CTL || cmd > IP_VS_SO_GET_MAX)
		return -EINVAL;
	copylen = get_arglen[CMDID(cmd)];
	if (*len < (int)copylen)
		return -EINVAL;
	if (copy_from_user(&arg, user, copylen))
		return -EFAULT;

	/* The master in the first slot, the backup in the second. */
	if (cmd == IP_VS_SO_GET_DAEMON) {
		static const u32 states[2] = { IP_VS_STATE_MASTER,
					       IP_VS_STATE_BACKUP };
		struct kvs_sync_conf c;
		int i;

		memset(arg.dm, 0, sizeof(arg.dm));
		for (i = 0; i < 2; i++) {
			if (!kvs_sync_get(net, states[i], &c))
				continue;
			arg.dm[i].state = states[i];
			strscpy(arg.dm[i].mcast_ifn, c.ifname,
				sizeof(arg.dm[i].mcast_ifn));
			arg.dm[i].syncid = c.syncid;
		}
		return copy_to_user(user, arg.dm, sizeof(arg.dm)) ? -EFAULT : 0;
	}

	mutex_lock(&kn->lock);
	err = get_locked(kn, cmd, &arg, user, len);
	mutex_unlock(&kn->lock);
	return err;
}

static struct nf_sockopt_ops sockopt_ops = {
	.pf		= PF_INET,
	.set_optmin	= IP_VS_BASE_CTL,
	.set_optmax	= IP_VS_SO_SET_MAX + 1,
	.set		= do_set,
	.get_optmin	= IP_VS_BASE_CTL,
	.get_optmax	= IP_VS_SO_GET_MAX + 1,
	.get		= do_get,
	.owner		= THIS_MODULE,
};

/* -EBUSY: another module (the in-tree ip_vs) holds these option numbers. */
int kvs_sockopt_init(void)
{
	return nf_register_sockopt(&sockopt_ops);
}

void kvs_sockopt_exit(void)
{
	nf_unregister_sockopt(&sockopt_ops);
}
