// SPDX-License-Identifier: GPL-2.0
/*
 * The data path entry: netfilter hooks that find a packet's connection,
 * or schedule a new one for a packet to a virtual service, and hand it to
 * the connection's forwarding method.
 *
 * Where packets are met (IPv4):
 *   LOCAL_IN   requests from remote clients to a local VIP, and replies
 *              from real servers to a client on this host;
 *   LOCAL_OUT  requests from local processes to a VIP (which need not be
 *              a local address);
 *   FORWARD    replies from real servers on their way to remote clients.
 * Each hook runs after the filter table, so firewall rules see the packet
 * as the client sent it.
 */
#include <linux/icmp.h>
#include <linux/netfilter_ipv4.h>
#include <net/icmp.h>
#include <net/ip.h>

#include "kvs.h"

/* Advance the protocol state and keep the dest's counters in step. */
static void conn_track_packet(struct kvs_net *kn, struct kvs_conn *cp,
			      enum kvs_dir dir, const struct sk_buff *skb,
			      const struct kvs_iph *iph)
{
	const struct kvs_proto *pp = cp->proto;
	unsigned int state = cp->state;

	if (pp->transition) {
		spin_lock_bh(&cp->lock);
		pp->transition(cp, dir, skb, iph);
		state = cp->state;
		kvs_conn_set_active(cp, pp->state_active(state));
		spin_unlock_bh(&cp->lock);
	}

	kvs_conn_set_timeout(cp, pp->timeout(kn, state));
	kvs_stats_packet(cp, dir, skb->len);
}

static unsigned int conn_forward(struct kvs_net *kn, struct sk_buff *skb,
				 struct kvs_conn *cp, enum kvs_dir dir,
				 const struct kvs_iph *iph, unsigned int hooknum)
{
	const struct kvs_xmit *xmit = kvs_xmit_find(cp->flags);

	/* Requests are never met on FORWARD: their VIP is ours. */
	if (dir == KVS_DIR_ORIG && hooknum == NF_INET_FORWARD)
		return NF_ACCEPT;
	/* A reply met in LOCAL_OUT comes from a real server on this host. */
	if (dir == KVS_DIR_REPLY && !xmit->out)
		return NF_ACCEPT;

	conn_track_packet(kn, cp, dir, skb, iph);
	if (dir == KVS_DIR_ORIG)
		return xmit->in(kn, skb, cp, iph, hooknum);
	return xmit->out(kn, skb, cp, iph, hooknum);
}

/*
 * With direct routing and tunnels the real server answers the client
 * from the virtual address itself, which hashes no reply tuple.  When
 * such a reply still passes through this host (routed by it, or sent by
 * a real server on it), it is the reverse of the request's tuple: as
 * in-tree, it is counted and drives the state machine, and goes on
 * untouched.  Returns false if @t is no such reply.
 */
static bool direct_reply(struct kvs_net *kn, const struct sk_buff *skb,
			 const struct kvs_iph *iph, const struct kvs_tuple *t)
{
	struct kvs_tuple rev = *t;
	struct kvs_conn *cp;
	enum kvs_dir dir;

	rev.src = t->dst;
	rev.dst = t->src;
	rev.sport = t->dport;
	rev.dport = t->sport;
	cp = kvs_conn_lookup(&kn->conns, &rev, &dir);
	if (!cp || dir != KVS_DIR_ORIG || kvs_xmit_find(cp->flags)->out)
		return false;
	conn_track_packet(kn, cp, KVS_DIR_REPLY, skb, iph);
	return true;
}

static struct kvs_service *service_for(struct kvs_net *kn,
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
	return kvs_service_lookup(kn, &key);
}

/*
 * A service with no usable dest.  Nothing at the IP layer can reset a
 * TCP connection that was never set up, so the client hears ICMP port
 * unreachable whatever its protocol, as the in-tree module answers.
 */
static unsigned int no_dest(struct kvs_net *kn, struct sk_buff *skb)
{
	kvs_drop_count(kn, KVS_DROP_NO_DEST);
	icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
	return NF_DROP;
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

static unsigned int conn_schedule(struct kvs_net *kn, struct sk_buff *skb,
				  const struct kvs_iph *iph,
				  const struct kvs_proto *pp,
				  unsigned int hooknum)
{
	struct kvs_scheduler *sched;
	struct kvs_service *svc;
	struct kvs_tuple t;
	struct kvs_dest *dest;
	struct kvs_conn *cp;
	enum kvs_dir dir;

	svc = service_for(kn, skb, iph);
	if (!svc)
		return NF_ACCEPT;
	/* Not an opening packet: the local stack answers it as usual. */
	if (!pp->can_schedule(skb, iph))
		return NF_ACCEPT;

	sched = rcu_dereference(svc->sched);
	dest = sched ? sched->schedule(svc, skb, iph) : NULL;
	if (!dest)
		return no_dest(kn, skb);

	cp = kvs_conn_new(&kn->conns, iph, dest, pp,
			  pp->timeout(kn, 0));
	if (IS_ERR(cp)) {
		if (PTR_ERR(cp) != -EEXIST) {
			kvs_drop_count(kn, conn_new_drop_reason(PTR_ERR(cp)));
			return NF_DROP;
		}
		/* Another CPU created it first: follow that one. */
		kvs_tuple_from_iph(&t, iph);
		cp = kvs_conn_lookup(&kn->conns, &t, &dir);
		if (!cp || dir != KVS_DIR_ORIG) {
			kvs_drop_count(kn, KVS_DROP_CLASH);
			return NF_DROP;
		}
		return conn_forward(kn, skb, cp, dir, iph, hooknum);
	}
	kvs_stats_new_conn(dest);
	return conn_forward(kn, skb, cp, KVS_DIR_ORIG, iph, hooknum);
}

static unsigned int kvs_hook_ipv4(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct kvs_net *kn = kvs_net(state->net);
	const struct kvs_proto *pp;
	struct kvs_iph iph;
	struct kvs_tuple t;
	struct kvs_conn *cp;
	enum kvs_dir dir;

	if (kvs_skb_owned(skb))
		return NF_ACCEPT;
	if (kvs_parse_ipv4(skb, &iph)) {
		/* Not for us to judge what is only passing through. */
		if (state->hook == NF_INET_FORWARD)
			return NF_ACCEPT;
		kvs_drop_count(kn, KVS_DROP_MALFORMED);
		return NF_DROP;
	}
	if (iph.fragment)
		return NF_ACCEPT;
	pp = kvs_proto_find(iph.protocol);
	if (!pp)
		return NF_ACCEPT;

	kvs_tuple_from_iph(&t, &iph);
	cp = kvs_conn_lookup(&kn->conns, &t, &dir);
	if (!cp && state->hook != NF_INET_LOCAL_IN &&
	    direct_reply(kn, skb, &iph, &t))
		return NF_ACCEPT;
	if (state->hook == NF_INET_FORWARD)
		return cp ? conn_forward(kn, skb, cp, dir, &iph, state->hook) :
			    NF_ACCEPT;
	/*
	 * A client opening a connection on the tuple of one that has
	 * finished (its port came round again) gets a fresh schedule,
	 * not the old connection's real server, which may still hold
	 * the tuple in TIME_WAIT.
	 */
	if (cp && dir == KVS_DIR_ORIG && pp->reusable(cp) &&
	    pp->can_schedule(skb, &iph)) {
		kvs_conn_expire_now(&kn->conns, cp);
		cp = NULL;
	}
	if (cp)
		return conn_forward(kn, skb, cp, dir, &iph, state->hook);
	return conn_schedule(kn, skb, &iph, pp, state->hook);
}

static const struct nf_hook_ops kvs_hook_ops[] = {
	{
		.hook		= kvs_hook_ipv4,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP_PRI_NAT_SRC - 1,
	},
	{
		.hook		= kvs_hook_ipv4,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= NF_IP_PRI_NAT_DST + 1,
	},
	{
		.hook		= kvs_hook_ipv4,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_FORWARD,
		.priority	= NF_IP_PRI_NAT_SRC,
	},
};

/* Hooks go in with a namespace's first service.  kvs_net.lock held. */
int kvs_hooks_register(struct kvs_net *kn)
{
	int err;

	lockdep_assert_held(&kn->lock);
	if (kn->hooks_registered)
		return 0;
	err = nf_register_net_hooks(kn->net, kvs_hook_ops,
				    ARRAY_SIZE(kvs_hook_ops));
	if (!err)
		kn->hooks_registered = true;
	return err;
}

/* At namespace exit; returns after no CPU is inside a hook any more. */
void kvs_hooks_unregister(struct kvs_net *kn)
{
	if (!kn->hooks_registered)
		return;
	nf_unregister_net_hooks(kn->net, kvs_hook_ops,
				ARRAY_SIZE(kvs_hook_ops));
	kn->hooks_registered = false;
}
