// SPDX-License-Identifier: GPL-2.0
/*
 * The "IPVS" generic netlink family, as stock ipvsadm/libipvs speak it:
 * command handlers, replies and dumps (the attributes are in parse.c).
 * The semantics live in core/service.c; this file translates, and
 * answers each request with the errno the in-tree module gives, since
 * ipvsadm turns errnos into its messages.
 *
 * Every command runs under kvs_net.lock, dumps included: a dump holds it
 * for one skb at a time and resumes by service id (services) or by
 * position in the dest set (dests), so a full listing stays O(n).
 */

#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/ipv6.h>

#include "../core/sched.h"
#include "ctl.h"
#include "genl.h"
#include "../core/sync.h"

static struct genl_family family;

static struct kvs_net *info_kvs_net(struct genl_info *info)
{
	return kvs_net(genl_info_net(info));
}

/* Parse the request's service nest and find it; NULL in *svc if absent. */
static int find_service(struct kvs_net *kn, const struct nlattr *nest,
			struct kvs_service **svc)
{
	struct kvs_service_conf c;
	int err;

	err = kvs_genl_parse_service(nest, &c, NULL, false);
	if (err)
		return err;
	*svc = kvs_service_lookup(kn, &c.key);
	return 0;
}

/* NEW, SET and DEL come in this order for services and for dests. */
static enum kvs_ctl_op ctl_op(int i)
{
	return i == 0 ? KVS_CTL_NEW : i == 1 ? KVS_CTL_SET : KVS_CTL_DEL;
}

static int service_cmd(struct sk_buff *skb, struct genl_info *info)
{
	struct kvs_net *kn = info_kvs_net(info);
	u8 cmd = info->genlhdr->cmd;
	struct kvs_service_conf c;
	u32 mask = 0;
	int err;

	err = kvs_genl_parse_service(info->attrs[IPVS_CMD_ATTR_SERVICE], &c,
				     &mask, cmd != IPVS_CMD_DEL_SERVICE);
	if (err)
		return err;

	mutex_lock(&kn->lock);
	err = kvs_ctl_service(kn, ctl_op(cmd - IPVS_CMD_NEW_SERVICE), &c, mask);
	mutex_unlock(&kn->lock);
	return err;
}

static int dest_cmd(struct sk_buff *skb, struct genl_info *info)
{
	struct kvs_net *kn = info_kvs_net(info);
	u8 cmd = info->genlhdr->cmd;
	struct kvs_service *svc;
	struct kvs_dest_conf d;
	int err;

	mutex_lock(&kn->lock);
	err = find_service(kn, info->attrs[IPVS_CMD_ATTR_SERVICE], &svc);
	if (err)
		goto out;
	if (!svc) {
		err = -ESRCH;
		goto out;
	}
	err = kvs_genl_parse_dest(info->attrs[IPVS_CMD_ATTR_DEST], &d,
				  cmd != IPVS_CMD_DEL_DEST);
	if (err)
		goto out;
	err = kvs_ctl_dest(svc, ctl_op(cmd - IPVS_CMD_NEW_DEST), &d);
out:
	mutex_unlock(&kn->lock);
	return err;
}

static int zero_cmd(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *nest = info->attrs[IPVS_CMD_ATTR_SERVICE];
	struct kvs_service_conf c;
	int err;

	if (!nest)
		return kvs_ctl_zero(info_kvs_net(info), NULL);
	err = kvs_genl_parse_service(nest, &c, NULL, false);
	return err ?: kvs_ctl_zero(info_kvs_net(info), &c.key);
}

static int flush_cmd(struct sk_buff *skb, struct genl_info *info)
{
	struct kvs_net *kn = info_kvs_net(info);

	mutex_lock(&kn->lock);
	kvs_service_flush(kn);
	mutex_unlock(&kn->lock);
	return 0;
}

static int set_config_cmd(struct sk_buff *skb, struct genl_info *info)
{
	struct kvs_net *kn = info_kvs_net(info);
	u32 secs[KVS_CTL_TIMEOUTS] = {};
	struct nlattr *a;
	int i, err;

	for (i = 0; i < KVS_CTL_TIMEOUTS; i++) {
		a = info->attrs[IPVS_CMD_ATTR_TIMEOUT_TCP + i];
		if (a)
			secs[i] = nla_get_u32(a);
	}
	mutex_lock(&kn->lock);
	err = kvs_ctl_set_timeouts(kn, secs);
	mutex_unlock(&kn->lock);
	return err;
}

static bool stat_is_64bit(int attr)
{
	return attr == IPVS_STATS_ATTR_INBYTES ||
	       attr == IPVS_STATS_ATTR_OUTBYTES;
}

/* The same counters twice: the old nest with 32-bit fields, then all 64. */
static int fill_stats(struct sk_buff *skb, int attr, int attr64,
		      const struct kvs_stats *stats)
{
	u64 val[IPVS_STATS_ATTR_OUTBPS + 1] = {};
	struct kvs_counters c;
	struct nlattr *nest;
	int i;

	kvs_stats_read(stats, &c);
	/* The uapi lists the rates in enum kvs_rate's order. */
	BUILD_BUG_ON(IPVS_STATS_ATTR_OUTBPS - IPVS_STATS_ATTR_CPS + 1 !=
		     KVS_RATE_MAX);
	kvs_est_read(stats, &val[IPVS_STATS_ATTR_CPS]);
	val[IPVS_STATS_ATTR_CONNS] = c.conns;
	val[IPVS_STATS_ATTR_INPKTS] = c.inpkts;
	val[IPVS_STATS_ATTR_OUTPKTS] = c.outpkts;
	val[IPVS_STATS_ATTR_INBYTES] = c.inbytes;
	val[IPVS_STATS_ATTR_OUTBYTES] = c.outbytes;

	nest = nla_nest_start_noflag(skb, attr);
	if (!nest)
		return -EMSGSIZE;
	for (i = IPVS_STATS_ATTR_CONNS; i <= IPVS_STATS_ATTR_OUTBPS; i++)
		if (stat_is_64bit(i) ?
		    nla_put_u64_64bit(skb, i, val[i], IPVS_STATS_ATTR_PAD) :
		    nla_put_u32(skb, i, (u32)val[i]))
			goto cancel;
	nla_nest_end(skb, nest);

	nest = nla_nest_start_noflag(skb, attr64);
	if (!nest)
		return -EMSGSIZE;
	for (i = IPVS_STATS_ATTR_CONNS; i <= IPVS_STATS_ATTR_OUTBPS; i++)
		if (nla_put_u64_64bit(skb, i, val[i], IPVS_STATS_ATTR_PAD))
			goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/*
 * Addresses go out as the whole 16-byte union, zero-padded for IPv4, as
 * the in-tree module sends them: libipvs copies that many bytes.
 */
static int put_addr(struct sk_buff *skb, int attr,
		    const union nf_inet_addr *addr)
{
	return nla_put(skb, attr, sizeof(*addr), addr);
}

static int fill_service(struct sk_buff *skb, struct kvs_service *svc)
{
	const struct kvs_service_key *key = &svc->key;
	struct ip_vs_flags flags = { .flags = svc->flags, .mask = ~0U };
	struct kvs_scheduler *sched;
	struct nlattr *nest;

	sched = rcu_dereference_protected(svc->sched,
					  lockdep_is_held(&svc->kn->lock));
	nest = nla_nest_start_noflag(skb, IPVS_CMD_ATTR_SERVICE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(skb, IPVS_SVC_ATTR_AF, key->af))
		goto cancel;
	if (key->fwmark) {
		if (nla_put_u32(skb, IPVS_SVC_ATTR_FWMARK, key->fwmark))
			goto cancel;
	} else if (nla_put_u16(skb, IPVS_SVC_ATTR_PROTOCOL, key->protocol) ||
		   put_addr(skb, IPVS_SVC_ATTR_ADDR, &key->addr) ||
		   nla_put_be16(skb, IPVS_SVC_ATTR_PORT, key->port)) {
		goto cancel;
	}
	if (nla_put_string(skb, IPVS_SVC_ATTR_SCHED_NAME,
			   sched ? sched->name : "none") ||
	    (svc->pe_name[0] &&
	     nla_put_string(skb, IPVS_SVC_ATTR_PE_NAME, svc->pe_name)) ||
	    nla_put(skb, IPVS_SVC_ATTR_FLAGS, sizeof(flags), &flags) ||
	    nla_put_u32(skb, IPVS_SVC_ATTR_TIMEOUT, svc->timeout / HZ) ||
	    nla_put_be32(skb, IPVS_SVC_ATTR_NETMASK, svc->netmask) ||
	    fill_stats(skb, IPVS_SVC_ATTR_STATS, IPVS_SVC_ATTR_STATS64,
		       &svc->stats))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int fill_dest(struct sk_buff *skb, const struct kvs_dest *dest)
{
	struct nlattr *nest;

	nest = nla_nest_start_noflag(skb, IPVS_CMD_ATTR_DEST);
	if (!nest)
		return -EMSGSIZE;
	if (put_addr(skb, IPVS_DEST_ATTR_ADDR, &dest->addr) ||
	    nla_put_be16(skb, IPVS_DEST_ATTR_PORT, dest->port) ||
	    nla_put_u32(skb, IPVS_DEST_ATTR_FWD_METHOD,
			dest->conn_flags & IP_VS_CONN_F_FWD_MASK) ||
	    nla_put_u32(skb, IPVS_DEST_ATTR_WEIGHT, dest->weight) ||
	    nla_put_u8(skb, IPVS_DEST_ATTR_TUN_TYPE, dest->tun_type) ||
	    nla_put_be16(skb, IPVS_DEST_ATTR_TUN_PORT, dest->tun_port) ||
	    nla_put_u16(skb, IPVS_DEST_ATTR_TUN_FLAGS, dest->tun_flags) ||
	    nla_put_u32(skb, IPVS_DEST_ATTR_U_THRESH, dest->u_threshold) ||
	    nla_put_u32(skb, IPVS_DEST_ATTR_L_THRESH, dest->l_threshold) ||
	    nla_put_u32(skb, IPVS_DEST_ATTR_ACTIVE_CONNS,
			max(atomic_read(&dest->activeconns), 0)) ||
	    nla_put_u32(skb, IPVS_DEST_ATTR_INACT_CONNS,
			max(atomic_read(&dest->inactconns), 0)) ||
	    nla_put_u32(skb, IPVS_DEST_ATTR_PERSIST_CONNS,
			max(atomic_read(&dest->persistconns), 0)) ||
	    nla_put_u16(skb, IPVS_DEST_ATTR_ADDR_FAMILY, dest->af) ||
	    fill_stats(skb, IPVS_DEST_ATTR_STATS, IPVS_DEST_ATTR_STATS64,
		       &dest->stats))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static void *dump_msg(struct sk_buff *skb, struct netlink_callback *cb,
		      u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &family, NLM_F_MULTI, cmd);
}

static int dump_services(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct kvs_net *kn = kvs_net(sock_net(skb->sk));
	unsigned long id, next = cb->args[0];
	struct kvs_service *svc;
	void *hdr;

	mutex_lock(&kn->lock);
	xa_for_each_start(&kn->svc_ids, id, svc, cb->args[0]) {
		hdr = dump_msg(skb, cb, IPVS_CMD_NEW_SERVICE);
		if (!hdr)
			break;
		if (fill_service(skb, svc)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		next = id + 1;
	}
	mutex_unlock(&kn->lock);
	cb->args[0] = next;
	return skb->len;
}

/* An unknown or malformed service dumps nothing, as in-tree. */
static int dump_dests(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct kvs_net *kn = kvs_net(sock_net(skb->sk));
	struct nlattr *attrs[IPVS_CMD_ATTR_MAX + 1];
	struct kvs_dest_set *set;
	struct kvs_service *svc;
	unsigned int i;
	void *hdr;

	if (nlmsg_parse_deprecated(cb->nlh, GENL_HDRLEN, attrs,
				   IPVS_CMD_ATTR_MAX, kvs_genl_cmd_policy,
				   cb->extack))
		return 0;

	mutex_lock(&kn->lock);
	if (find_service(kn, attrs[IPVS_CMD_ATTR_SERVICE], &svc) || !svc)
		goto out;
	set = kvs_dests_locked(svc);
	for (i = cb->args[0]; i < set->n; i++) {
		hdr = dump_msg(skb, cb, IPVS_CMD_NEW_DEST);
		if (!hdr)
			break;
		if (fill_dest(skb, set->dest[i])) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = i;
out:
	mutex_unlock(&kn->lock);
	return skb->len;
}

/* Replies to doit requests; @fill runs under kvs_net.lock. */
static int reply(struct genl_info *info, u8 cmd,
		 int (*fill)(struct sk_buff *msg, struct genl_info *info))
{
	struct kvs_net *kn = info_kvs_net(info);
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &family, 0, cmd);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_put;
	}
	mutex_lock(&kn->lock);
	err = fill(msg, info);
	mutex_unlock(&kn->lock);
	if (err)
		goto err_put;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_put:
	nlmsg_free(msg);
	return err;
}

static int fill_get_service(struct sk_buff *msg, struct genl_info *info)
{
	struct kvs_service *svc;
	int err;

	err = find_service(info_kvs_net(info),
			   info->attrs[IPVS_CMD_ATTR_SERVICE], &svc);
	if (err)
		return err;
	return svc ? fill_service(msg, svc) : -ESRCH;
}

static int get_service_cmd(struct sk_buff *skb, struct genl_info *info)
{
	return reply(info, IPVS_CMD_NEW_SERVICE, fill_get_service);
}

static int fill_config(struct sk_buff *msg, struct genl_info *info)
{
	u32 secs[KVS_CTL_TIMEOUTS];
	int i;

	kvs_ctl_get_timeouts(info_kvs_net(info), secs);
	for (i = 0; i < KVS_CTL_TIMEOUTS; i++)
		if (nla_put_u32(msg, IPVS_CMD_ATTR_TIMEOUT_TCP + i, secs[i]))
			return -EMSGSIZE;
	return 0;
}

static int get_config_cmd(struct sk_buff *skb, struct genl_info *info)
{
	return reply(info, IPVS_CMD_SET_CONFIG, fill_config);
}

static int fill_info(struct sk_buff *msg, struct genl_info *info)
{
	if (nla_put_u32(msg, IPVS_INFO_ATTR_VERSION, KVS_VERSION_CODE) ||
	    nla_put_u32(msg, IPVS_INFO_ATTR_CONN_TAB_SIZE, kvs_conn_tab_size()))
		return -EMSGSIZE;
	return 0;
}

static int get_info_cmd(struct sk_buff *skb, struct genl_info *info)
{
	return reply(info, IPVS_CMD_SET_INFO, fill_info);
}

/* The sync protocol cannot carry dests of another family than their service. */
static bool mixed_family_dests(struct kvs_net *kn)
{
	struct kvs_dest_set *set;
	struct kvs_service *svc;
	unsigned long id;
	unsigned int i;

	lockdep_assert_held(&kn->lock);
	xa_for_each(&kn->svc_ids, id, svc) {
		set = kvs_dests_locked(svc);
		for (i = 0; i < set->n; i++)
			if (set->dest[i]->af != svc->key.af)
				return true;
	}
	return false;
}

/*
 * Start a daemon: state, interface and syncid are required; a group
 * given must be multicast.  As in-tree, the sync protocol cannot carry
 * a dest of another family than its service's: -EINVAL while any is
 * configured.
 */
static int daemon_start(struct net *net, struct nlattr **a, u32 state)
{
	struct nlattr *group6 = a[IPVS_DAEMON_ATTR_MCAST_GROUP6];
	struct nlattr *group = a[IPVS_DAEMON_ATTR_MCAST_GROUP];
	struct kvs_sync_conf c = { .state = state };
	struct kvs_net *kn = kvs_net(net);
	bool mixed;

	if (!a[IPVS_DAEMON_ATTR_MCAST_IFN] || !a[IPVS_DAEMON_ATTR_SYNC_ID])
		return -EINVAL;
	c.syncid = nla_get_u32(a[IPVS_DAEMON_ATTR_SYNC_ID]);
	if (a[IPVS_DAEMON_ATTR_SYNC_MAXLEN])
		c.maxlen = nla_get_u16(a[IPVS_DAEMON_ATTR_SYNC_MAXLEN]);
	if (group) {
		c.af = AF_INET;
		c.group.ip = nla_get_in_addr(group);
		if (!ipv4_is_multicast(c.group.ip))
			return -EINVAL;
	} else if (group6) {
		c.af = AF_INET6;
		c.group.in6 = nla_get_in6_addr(group6);
		if (!(ipv6_addr_type(&c.group.in6) & IPV6_ADDR_MULTICAST))
			return -EINVAL;
	}
	if (a[IPVS_DAEMON_ATTR_MCAST_PORT])
		c.port = nla_get_u16(a[IPVS_DAEMON_ATTR_MCAST_PORT]);
	if (a[IPVS_DAEMON_ATTR_MCAST_TTL])
		c.ttl = nla_get_u8(a[IPVS_DAEMON_ATTR_MCAST_TTL]);
	mutex_lock(&kn->lock);
	mixed = mixed_family_dests(kn);
	mutex_unlock(&kn->lock);
	if (mixed)
		return -EINVAL;
	nla_strscpy(c.ifname, a[IPVS_DAEMON_ATTR_MCAST_IFN], sizeof(c.ifname));
	return kvs_ctl_daemon_start(net, &c);
}

static int daemon_cmd(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *nest = info->attrs[IPVS_CMD_ATTR_DAEMON];
	struct nlattr *a[IPVS_DAEMON_ATTR_MAX + 1];
	u32 state;

	if (!nest || nla_parse_nested_deprecated(a, IPVS_DAEMON_ATTR_MAX, nest,
						 kvs_genl_daemon_policy,
						 info->extack))
		return -EINVAL;
	if (!a[IPVS_DAEMON_ATTR_STATE])
		return -EINVAL;
	state = nla_get_u32(a[IPVS_DAEMON_ATTR_STATE]);
	if (info->genlhdr->cmd == IPVS_CMD_NEW_DAEMON)
		return daemon_start(genl_info_net(info), a, state);
	return kvs_ctl_daemon_stop(genl_info_net(info), state);
}

static int fill_daemon(struct sk_buff *skb, const struct kvs_sync_conf *c)
{
	struct nlattr *nest;

	nest = nla_nest_start_noflag(skb, IPVS_CMD_ATTR_DAEMON);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, IPVS_DAEMON_ATTR_STATE, c->state) ||
	    nla_put_string(skb, IPVS_DAEMON_ATTR_MCAST_IFN, c->ifname) ||
	    nla_put_u32(skb, IPVS_DAEMON_ATTR_SYNC_ID, c->syncid) ||
	    nla_put_u16(skb, IPVS_DAEMON_ATTR_SYNC_MAXLEN, c->maxlen) ||
	    nla_put_u16(skb, IPVS_DAEMON_ATTR_MCAST_PORT, c->port) ||
	    nla_put_u8(skb, IPVS_DAEMON_ATTR_MCAST_TTL, c->ttl))
		goto cancel;
	if (c->af == AF_INET6 ?
	    nla_put_in6_addr(skb, IPVS_DAEMON_ATTR_MCAST_GROUP6, &c->group.in6) :
	    nla_put_in_addr(skb, IPVS_DAEMON_ATTR_MCAST_GROUP, c->group.ip))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* The master, then the backup; cb->args[0] counts those sent. */
static int dump_daemons(struct sk_buff *skb, struct netlink_callback *cb)
{
	static const u32 states[2] = { IP_VS_STATE_MASTER, IP_VS_STATE_BACKUP };
	struct net *net = sock_net(skb->sk);
	struct kvs_sync_conf c;
	void *hdr;

	for (; cb->args[0] < 2; cb->args[0]++) {
		if (!kvs_sync_get(net, states[cb->args[0]], &c))
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &family, NLM_F_MULTI,
				  IPVS_CMD_NEW_DAEMON);
		if (!hdr)
			break;
		if (fill_daemon(skb, &c)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	return skb->len;
}

/* Old clients send nests without NLA_F_NESTED: validate leniently. */
#define KVS_GENL_OP(c, doit_fn, dumpit_fn)				\
	{								\
		.cmd = (c),						\
		.validate = GENL_DONT_VALIDATE_STRICT |			\
			    GENL_DONT_VALIDATE_DUMP,			\
		.flags = GENL_ADMIN_PERM,				\
		.doit = (doit_fn),					\
		.dumpit = (dumpit_fn),					\
	}

static const struct genl_small_ops ops[] = {
	KVS_GENL_OP(IPVS_CMD_NEW_SERVICE, service_cmd, NULL),
	KVS_GENL_OP(IPVS_CMD_SET_SERVICE, service_cmd, NULL),
	KVS_GENL_OP(IPVS_CMD_DEL_SERVICE, service_cmd, NULL),
	KVS_GENL_OP(IPVS_CMD_GET_SERVICE, get_service_cmd, dump_services),
	KVS_GENL_OP(IPVS_CMD_NEW_DEST, dest_cmd, NULL),
	KVS_GENL_OP(IPVS_CMD_SET_DEST, dest_cmd, NULL),
	KVS_GENL_OP(IPVS_CMD_DEL_DEST, dest_cmd, NULL),
	KVS_GENL_OP(IPVS_CMD_GET_DEST, NULL, dump_dests),
	KVS_GENL_OP(IPVS_CMD_NEW_DAEMON, daemon_cmd, NULL),
	KVS_GENL_OP(IPVS_CMD_DEL_DAEMON, daemon_cmd, NULL),
	KVS_GENL_OP(IPVS_CMD_GET_DAEMON, NULL, dump_daemons),
	KVS_GENL_OP(IPVS_CMD_SET_CONFIG, set_config_cmd, NULL),
	KVS_GENL_OP(IPVS_CMD_GET_CONFIG, get_config_cmd, NULL),
	KVS_GENL_OP(IPVS_CMD_GET_INFO, get_info_cmd, NULL),
	KVS_GENL_OP(IPVS_CMD_ZERO, zero_cmd, NULL),
	KVS_GENL_OP(IPVS_CMD_FLUSH, flush_cmd, NULL),
};

static struct genl_family family __ro_after_init = {
	.name		= IPVS_GENL_NAME,
	.version	= IPVS_GENL_VERSION,
	.maxattr	= IPVS_CMD_ATTR_MAX,
	.policy		= kvs_genl_cmd_policy,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.small_ops	= ops,
	.n_small_ops	= ARRAY_SIZE(ops),
	/* Every IPVS command predates strict header checks. */
	.resv_start_op	= IPVS_CMD_FLUSH + 1,
};

/* -EEXIST: the in-tree ip_vs holds the name (main.c says so). */
int kvs_genl_init(void)
{
	return genl_register_family(&family);
}

void kvs_genl_exit(void)
{
	genl_unregister_family(&family);
}
