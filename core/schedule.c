// SPDX-License-Identifier: GPL-2.0
/*
 * A new connection for a packet: the service it is for, its real server
 * (a persistence template's, or the scheduler's), and the connection
 * made and counted.  The hooks (core/hooks.c) call this for a packet of
 * no connection, and the ICMP path (core/icmp.c) for sysctl
 * schedule_icmp; nothing here calls back up into either.  Data path,
 * under RCU with BHs off.
 */
#include "app.h"
#include "sched.h"
#include "schedule.h"

/* The service a packet (or a turned-around ICMP quote) @iph is for. */
struct kvs_service *kvs_service_for(struct kvs_net *kn,
				    const struct sk_buff *skb,
				    const struct kvs_iph *iph)
{
	struct kvs_service_key key;
	struct kvs_service *svc;

	/* As in-tree, a firewall mark service takes precedence. */
	if (skb->mark) {
		kvs_service_key_init(&key);
		key.af = iph->af;
		key.fwmark = skb->mark;
		svc = kvs_service_lookup(kn, &key);
		if (svc)
			return svc;
	}
	kvs_service_key_init(&key);
	key.af = iph->af;
	key.protocol = iph->protocol;
	key.addr = iph->daddr;
	key.port = iph->dport;
	svc = kvs_service_lookup(kn, &key);
	/* Then a catch-all port-0 service on the address, if any exists. */
	if (!svc && key.port && READ_ONCE(kn->port0_services)) {
		key.port = 0;
		svc = kvs_service_lookup(kn, &key);
	}
	return svc;
}

/*
 * Choose the real server of a new connection to @svc, and the port to
 * forward to (0: the dest's, see kvs_conn_init).  *@tpl is the template
 * used, with a reference, or NULL.  -ENOENT: no dest to give, the client
 * is told so; another errno: the packet is dropped.  RCU held.
 */
int kvs_schedule(struct kvs_service *svc, const struct sk_buff *skb,
		 const struct kvs_iph *iph, struct kvs_dest **dest,
		 __be16 *dport, struct kvs_template **tpl)
{
	*tpl = NULL;
	*dport = 0;
	if (READ_ONCE(svc->flags) & IP_VS_SVC_F_PERSISTENT)
		return kvs_persist_schedule(svc, skb, iph, dest, dport, tpl);
	/* Without persistence a port-0 service has no port to give. */
	if (!svc->key.fwmark && iph->dport != svc->key.port)
		return -ENOENT;
	*dest = kvs_sched_dest(svc, skb, iph);
	return *dest ? 0 : -ENOENT;
}

static enum kvs_drop_reason conn_new_drop_reason(long err)
{
	switch (err) {
	case -ENOMEM:
		return KVS_DROP_NO_MEM;
	case -EADDRINUSE:
		return KVS_DROP_CLASH;
	default:
		return KVS_DROP_XMIT;
	}
}

/*
 * Schedule @iph, a packet to @svc (or an ICMP error's quote turned
 * around to look like one), to a dest and make its connection, counted
 * as new: hashed, or for a one-packet datagram, @onep on the caller's
 * stack, never hashed, so nothing translates an answer (as in-tree).
 * Another CPU may have hashed the same tuple first: *@cpp is then that
 * connection.  Returns 0, -ENOENT when the service has no usable dest
 * (not counted: the caller decides), or another error, counted.
 */
int kvs_conn_schedule(struct kvs_net *kn, struct kvs_service *svc,
		      struct sk_buff *skb, const struct kvs_iph *iph,
		      const struct kvs_proto *pp, struct kvs_conn *onep,
		      struct kvs_conn **cpp)
{
	struct kvs_conn_app *ca;
	struct kvs_template *tpl;
	struct kvs_dest *dest;
	struct kvs_tuple t;
	struct kvs_conn *cp;
	enum kvs_dir dir;
	__be16 dport;
	int err;

	err = kvs_schedule(svc, skb, iph, &dest, &dport, &tpl);
	if (err == -ENOENT)
		return err;
	if (err)
		goto drop;
	if (kvs_svc_onepacket(svc, iph->protocol)) {
		memset(onep, 0, sizeof(*onep));
		kvs_conn_init(onep, iph, dest, dport, pp);
		onep->flags |= IP_VS_CONN_F_ONE_PACKET;
		if (READ_ONCE(kn->sysctl.conntrack))
			onep->flags |= IP_VS_CONN_F_NFCT;
		/* The template's dest outlives this packet: RCU holds it. */
		if (tpl)
			kvs_persist_put(tpl);
		kvs_stats_new_conn(dest);
		*cpp = onep;
		return 0;
	}

	/* An application helper's port (FTP): bound to it, if it is loaded. */
	ca = kvs_app_bind(dest, iph);
	cp = kvs_conn_new_app(&kn->conns, iph, dest, dport, pp,
			      pp->timeout(kn, 0), tpl, ca, 0);
	if (!IS_ERR(cp)) {
		*cpp = cp;
		kvs_stats_new_conn(dest);
		return 0;
	}
	kvs_conn_app_put(ca);
	err = PTR_ERR(cp);
	if (tpl)
		kvs_persist_put(tpl);
	if (err != -EEXIST)
		goto drop;
	/* Another CPU created it first: follow that one. */
	kvs_tuple_from_iph(&t, iph);
	cp = kvs_conn_lookup(&kn->conns, &t, &dir);
	if (!cp || dir != KVS_DIR_ORIG) {
		err = -EADDRINUSE;
		goto drop;
	}
	*cpp = cp;
	return 0;

drop:
	kvs_drop_count(kn, conn_new_drop_reason(err));
	return err;
}
