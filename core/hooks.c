// SPDX-License-Identifier: GPL-2.0
/*
 * The data path entry: netfilter hooks that find a packet's connection,
 * or have one made for a packet to a virtual service (core/schedule.c),
 * and hand it to the connection's forwarding method (xmit/).
 *
 * Where packets are met (IPv4 and IPv6 alike, one hook function for both):
 *   LOCAL_IN   requests from remote clients to a local VIP, and replies
 *              from real servers to a client on this host;
 *   LOCAL_OUT  requests from local processes to a VIP (which need not be
 *              a local address);
 *   FORWARD    replies from real servers on their way to remote clients.
 * Each hook runs after the filter table, so firewall rules see the packet
 * as the client sent it.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/tcp.h>
#include <net/icmp.h>
#include <net/addrconf.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "../xmit/xmit.h"
#include "hooks.h"
#include "icmp.h"
#include "nfct.h"
#include "packet.h"
#include "persist.h"
#include "plugin.h"
#include "schedule.h"
#include "service.h"
#include "sync.h"

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
	if (dir == KVS_DIR_ORIG && cp->in_pkts < KVS_DEFENSE_PKTS)
		WRITE_ONCE(cp->in_pkts, cp->in_pkts + 1);
	kvs_stats_packet(cp, dir, skb->len);
	if (cp->control)
		kvs_persist_seen(cp, dir);
	if (dir == KVS_DIR_ORIG)
		kvs_sync_seen(kn, cp);
}

/*
 * A packet whose checksum kvs would recompute (SCTP) must be intact
 * before it opens a connection, moves one's state or is rewritten: a
 * corrupted one is dropped and counted, never made valid.
 */
static bool csum_ok(struct kvs_net *kn, const struct kvs_proto *pp,
		    const struct sk_buff *skb, const struct kvs_iph *iph)
{
	if (!pp->csum_ok || pp->csum_ok(skb, iph))
		return true;
	kvs_drop_count(kn, KVS_DROP_MALFORMED);
	return false;
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
	if (!csum_ok(kn, cp->proto, skb, iph))
		return NF_DROP;

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
 * untouched.  Returns false if @t is no such reply; at once, without
 * the second lookup, in a namespace that never had such a dest.
 */
static bool direct_reply(struct kvs_net *kn, const struct sk_buff *skb,
			 const struct kvs_iph *iph, const struct kvs_tuple *t)
{
	struct kvs_tuple rev;
	struct kvs_conn *cp;
	enum kvs_dir dir;

	if (!READ_ONCE(kn->direct_replies))
		return false;
	rev = *t;
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

/*
 * A client's packet of no connection may be the first of one expected
 * without its client port (an FTP passive data connection, made by the
 * helper from the server's 227 reply): found by port 0, it becomes a
 * connection of this port.  Only looked for while such connections
 * exist.
 */
static struct kvs_conn *fill_cport(struct kvs_net *kn,
				   const struct kvs_tuple *t,
				   const struct kvs_iph *iph, enum kvs_dir *dir)
{
	struct kvs_conn *wild, *cp;
	struct kvs_tuple w;

	if (!atomic_read(&kn->conns.no_cport) || !t->sport)
		return NULL;
	w = *t;
	w.sport = 0;
	wild = kvs_conn_lookup(&kn->conns, &w, dir);
	if (!wild || *dir != KVS_DIR_ORIG ||
	    !(wild->flags & IP_VS_CONN_F_NO_CPORT))
		return NULL;
	cp = kvs_conn_fill_cport(&kn->conns, wild, iph);
	if (!IS_ERR(cp))
		return cp;
	/* Another CPU filled it first: follow that one. */
	if (PTR_ERR(cp) == -EEXIST) {
		cp = kvs_conn_lookup(&kn->conns, t, dir);
		if (cp && *dir == KVS_DIR_ORIG)
			return cp;
	}
	return NULL;
}

/*
 * A service with no usable dest.  Nothing at the IP layer can reset a
 * TCP connection that was never set up, so the client hears ICMP port
 * unreachable whatever its protocol, as the in-tree module answers.
 */
static unsigned int no_dest(struct kvs_net *kn, struct sk_buff *skb,
			    const struct kvs_iph *iph)
{
	kvs_drop_count(kn, KVS_DROP_NO_DEST);
	kvs_icmp_send_error(skb, iph->af, KVS_ICMP_PORT_UNREACH, 0);
	return NF_DROP;
}

/*
 * sysctl cache_bypass (a transparent web cache cluster): a packet to a
 * firewall-mark service that would be refused for want of a real server
 * goes on to its own destination instead, provided that is a unicast
 * address of another host (policy routing brought the marked packet
 * here).  As in-tree, an ICMP error's quote is never bypassed: this is
 * only reached by a packet itself.
 */
static bool bypass_ok(struct kvs_net *kn, const struct kvs_service *svc,
		      const struct kvs_iph *iph)
{
	if (!READ_ONCE(kn->sysctl.cache_bypass) || !svc->key.fwmark)
		return false;
	if (iph->af == AF_INET6)
		return ipv6_addr_type(&iph->daddr.in6) & IPV6_ADDR_UNICAST;
	return inet_addr_type(kn->net, iph->daddr.ip) == RTN_UNICAST;
}

/*
 * Send the packet unchanged toward its destination address.  Routes to
 * real servers never depend on the mark, as in-tree: the policy route
 * that made the marked packet local would only lead back here.  A route
 * to this host (an IPv6 address of ours) finds no way out: dropped.
 */
static unsigned int bypass(struct kvs_net *kn, struct sk_buff *skb,
			   const struct kvs_iph *iph, unsigned int hooknum)
{
	/* No connection is made, so conntrack keeps no entry either. */
	kvs_skb_untrack(skb);
	return kvs_xmit_forward(kn, skb, iph->af, &iph->daddr, NULL, 0,
				hooknum);
}

/*
 * sysctls sloppy_tcp and sloppy_sctp: a packet that does not open a
 * connection (a TCP segment without SYN, an SCTP packet without INIT)
 * may open one all the same, as in-tree.
 */
static bool sloppy_ok(struct kvs_net *kn, const struct kvs_proto *pp,
		      const struct sk_buff *skb, const struct kvs_iph *iph)
{
	int sloppy;

	switch (pp->protocol) {
	case IPPROTO_TCP:
		sloppy = READ_ONCE(kn->sysctl.sloppy_tcp);
		break;
	case IPPROTO_SCTP:
		sloppy = READ_ONCE(kn->sysctl.sloppy_sctp);
		break;
	default:
		return false;
	}
	return sloppy && pp->not_reset(skb, iph);
}

/*
 * sysctl nat_icmp_send: a packet from a masquerading real server's
 * address and port that belongs to no connection (its client's
 * connection expired, or this director never had it) earns the real
 * server a port unreachable instead of going on to the client
 * untranslated; a RST or an ABORT, which expects no answer, does not.
 * As in-tree, whatever the hook met it.
 */
static bool nat_unknown_reply(struct kvs_net *kn, const struct kvs_proto *pp,
			      const struct sk_buff *skb,
			      const struct kvs_iph *iph)
{
	return READ_ONCE(kn->sysctl.nat_icmp_send) &&
	       kvs_nat_real_server(kn, iph->af, iph->protocol, &iph->saddr,
				   iph->sport) &&
	       (!pp->not_reset || pp->not_reset(skb, iph));
}

/*
 * A packet that starts a connection (a TCP SYN, an SCTP INIT; never a
 * datagram) met one on its tuple: does that one end here so the packet
 * is scheduled afresh?  As in-tree 6.1, two independent reasons: with
 * sysctl expire_nodest_conn, its real server was quiesced to weight 0;
 * with conn_reuse_mode not 0, it has finished (and was not made from a
 * persistence template).  See conn_end() for the packet itself.
 */
static bool conn_reschedule(struct kvs_net *kn, struct kvs_conn *cp,
			    const struct kvs_proto *pp,
			    const struct sk_buff *skb, const struct kvs_iph *iph)
{
	int mode = READ_ONCE(kn->sysctl.conn_reuse_mode);

	if (!pp->is_new || !pp->is_new(skb, iph))
		return false;
	if (READ_ONCE(kn->sysctl.expire_nodest_conn) &&
	    !READ_ONCE(cp->dest->weight))
		return true;
	return mode && !cp->control && pp->reusable(cp, mode);
}

/*
 * End @cp so that @skb, one of its client's packets, may schedule a new
 * connection.  As in-tree: when the packet carries a conntrack entry
 * confirmed before it (sysctl conntrack), that entry's NAT and reply
 * still lead to the old real server, and no new schedule could change
 * them; it ends with the connection, and the packet is dropped (false)
 * for the client to send again (a SYN after 1 s) onto a fresh entry.
 * That delay is why kube-proxy sets conn_reuse_mode to 0.
 */
static bool conn_end(struct kvs_net *kn, struct kvs_conn *cp,
		     const struct sk_buff *skb)
{
	bool old_ct = kvs_nfct_old(skb);

	kvs_conn_expire_now(&kn->conns, cp);
	return !old_ct;
}

/*
 * A request of a connection whose real server was removed: dropped,
 * or with sysctl expire_nodest_conn the connection ends and the packet
 * may schedule a new one, as in-tree.  False when it is dropped.
 */
static bool conn_dest_gone(struct kvs_net *kn, struct kvs_conn *cp,
			   const struct sk_buff *skb)
{
	if (READ_ONCE(kn->sysctl.expire_nodest_conn))
		return conn_end(kn, cp, skb);
	kvs_drop_count(kn, KVS_DROP_NO_DEST);
	return false;
}

static unsigned int conn_schedule(struct kvs_net *kn, struct sk_buff *skb,
				  const struct kvs_iph *iph,
				  const struct kvs_proto *pp,
				  unsigned int hooknum)
{
	struct kvs_service *svc;
	struct kvs_conn onep;
	struct kvs_conn *cp;
	int err;

	svc = kvs_service_for(kn, skb, iph);
	if (!svc)
		return NF_ACCEPT;
	/*
	 * Not an opening packet: the local stack answers it as usual.
	 * With cache_bypass, it may belong to a flow whose opening packet
	 * was bypassed.  In-tree remembers such a flow in a connection
	 * with no real server and keeps bypassing it; a kvs connection
	 * always has a real server, so none is made: the rest of a
	 * bypassed TCP or SCTP flow is bypassed here, even once a real
	 * server is back, but a datagram (every one opens) is balanced
	 * again as soon as there is one to take it.
	 */
	if (!pp->can_schedule(skb, iph) && !sloppy_ok(kn, pp, skb, iph))
		return bypass_ok(kn, svc, iph) ? bypass(kn, skb, iph, hooknum) :
						 NF_ACCEPT;
	if (!csum_ok(kn, pp, skb, iph))
		return NF_DROP;
	/* sysctl drop_packet: memory is short, some new connections wait. */
	if (kvs_defense_drop_packet(kn)) {
		kvs_drop_count(kn, KVS_DROP_DEFENSE);
		return NF_DROP;
	}

	err = kvs_conn_schedule(kn, svc, skb, iph, pp, &onep, &cp);
	if (err == -ENOENT)
		return bypass_ok(kn, svc, iph) ? bypass(kn, skb, iph, hooknum) :
						 no_dest(kn, skb, iph);
	if (err)
		return NF_DROP;
	return conn_forward(kn, skb, cp, KVS_DIR_ORIG, iph, hooknum);
}

/* IKE (ISAKMP), which sets up the security associations of AH and ESP. */
#define KVS_IKE_PORT	500

/*
 * AH and ESP carry no ports and never open a connection: as in-tree, a
 * packet of either follows, in either direction, the UDP connection of
 * its client's IKE exchange (port 500 on both ends), whose real server
 * holds the security association; without one it is left to the stack.
 */
static unsigned int ipsec_follow(struct kvs_net *kn, struct sk_buff *skb,
				 const struct kvs_iph *iph,
				 unsigned int hooknum)
{
	struct kvs_tuple t;
	struct kvs_conn *cp;
	enum kvs_dir dir;

	kvs_tuple_from_iph(&t, iph);
	t.protocol = IPPROTO_UDP;
	t.sport = htons(KVS_IKE_PORT);
	t.dport = htons(KVS_IKE_PORT);
	cp = kvs_conn_lookup(&kn->conns, &t, &dir);
	if (!cp)
		return NF_ACCEPT;
	if (dir == KVS_DIR_ORIG &&
	    !test_bit(KVS_DEST_AVAILABLE, &cp->dest->flags)) {
		kvs_drop_count(kn, KVS_DROP_NO_DEST);
		return NF_DROP;
	}
	return conn_forward(kn, skb, cp, dir, iph, hooknum);
}

static int parse(const struct sk_buff *skb, u8 pf, struct kvs_iph *iph)
{
	if (IS_ENABLED(CONFIG_IPV6) && pf == NFPROTO_IPV6)
		return kvs_parse_ipv6(skb, iph);
	return kvs_parse_ipv4(skb, iph);
}

/*
 * A packet whose headers do not add up is dropped (and counted) only
 * when it was sent to a virtual service: a TCP, UDP or SCTP packet
 * whose transport header is cut short or inconsistent, toward an
 * address and port (or firewall mark) kvs balances, which the service
 * lookup of a good packet would have found.  Anything else, an IPv6
 * chain ending in "no next header", a protocol kvs does not balance, a
 * packet to another address or only passing through, is the rest of
 * the stack's to judge, as in-tree leaves it.
 */
static unsigned int malformed(struct kvs_net *kn, const struct sk_buff *skb,
			      const struct kvs_iph *iph, unsigned int hooknum)
{
	if (hooknum == NF_INET_FORWARD || !kvs_proto_find(iph->protocol) ||
	    !iph->af || !kvs_service_for(kn, skb, iph))
		return NF_ACCEPT;
	kvs_drop_count(kn, KVS_DROP_MALFORMED);
	return NF_DROP;
}

/* As in-tree, a queue per hook: a packet met at two never mixes trains. */
static enum ip_defrag_users defrag_user(unsigned int hooknum)
{
	switch (hooknum) {
	case NF_INET_LOCAL_IN:
		return IP_DEFRAG_VS_IN;
	case NF_INET_FORWARD:
		return IP_DEFRAG_VS_FWD;
	default:
		return IP_DEFRAG_VS_OUT;
	}
}

/*
 * IPv4 fragments of what kvs balances (TCP, UDP, SCTP, and ICMP, whose
 * errors quote a connection) are reassembled where in-tree reassembles
 * them, with the kernel's ip_defrag(): replies met at FORWARD (a real
 * server's 3,000-byte answer comes in fragments), and whatever LOCAL_OUT
 * or LOCAL_IN still sees in pieces.  The whole packet goes on and the
 * output path fragments it again.  A raw socket that asked for no
 * reassembly (IP_NODEFRAG) keeps its pieces.  Returns NF_ACCEPT to go
 * on with @skb, whole; NF_STOLEN when ip_defrag() took it, to wait for
 * the rest of its train or dropped (a truncated, overlapping or timed
 * out train, counted in the IP MIB's Reasm* counters).
 */
static unsigned int defrag4(struct kvs_net *kn, struct sk_buff *skb,
			    unsigned int hooknum)
{
	struct sock *sk = skb_to_full_sk(skb);
	int err;

	if (!pskb_network_may_pull(skb, sizeof(struct iphdr)) ||
	    !ip_is_fragment(ip_hdr(skb)))
		return NF_ACCEPT;
	switch (ip_hdr(skb)->protocol) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
	case IPPROTO_ICMP:
		break;
	default:
		return NF_ACCEPT;
	}
	if (hooknum == NF_INET_LOCAL_OUT && sk && sk->sk_family == PF_INET &&
	    kvs_sk_nodefrag(sk))
		return NF_ACCEPT;
	local_bh_disable();
	err = ip_defrag(kn->net, skb, defrag_user(hooknum));
	local_bh_enable();
	if (err)
		return NF_STOLEN;
	ip_send_check(ip_hdr(skb));
	return NF_ACCEPT;
}

/*
 * IPv6 is reassembled before any hook of ours by nf_defrag_ipv6, which
 * a namespace turns on with its first IPv6 service or real server, as
 * in-tree does, and off when it goes.  kvs_net.lock held.
 */
int kvs_hooks_defrag6(struct kvs_net *kn)
{
	int err;

	lockdep_assert_held(&kn->lock);
	if (!IS_ENABLED(CONFIG_NF_DEFRAG_IPV6) || kn->defrag6)
		return 0;
	err = nf_defrag_ipv6_enable(kn->net);
	if (!err)
		kn->defrag6 = true;
	return err;
}

/* The same function serves the IPv4 and the IPv6 hooks. */
static unsigned int kvs_hook(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	struct kvs_net *kn = kvs_net(state->net);
	const struct kvs_proto *pp;
	struct kvs_iph iph;
	struct kvs_tuple t;
	struct kvs_conn *cp;
	enum kvs_dir dir;

	if (kvs_skb_owned(skb) || kvs_sync_standby(kn))
		return NF_ACCEPT;
	/*
	 * As in-tree: from another host, only a packet sent to this one
	 * (not a broadcast or multicast frame) is balanced; and one with no
	 * route yet is not ours to judge.
	 */
	if ((skb->pkt_type != PACKET_HOST &&
	     state->hook != NF_INET_LOCAL_OUT) || !skb_dst(skb))
		return NF_ACCEPT;
	if (state->pf == NFPROTO_IPV4 &&
	    defrag4(kn, skb, state->hook) == NF_STOLEN)
		return NF_STOLEN;
	if (parse(skb, state->pf, &iph))
		return malformed(kn, skb, &iph, state->hook);
	if (iph.fragment)
		return NF_ACCEPT;
	if (iph.protocol == (iph.af == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP))
		return kvs_icmp_hook(kn, skb, &iph, state->hook);
	if (iph.protocol == IPPROTO_ESP || iph.protocol == IPPROTO_AH)
		return ipsec_follow(kn, skb, &iph, state->hook);
	pp = kvs_proto_find(iph.protocol);
	if (!pp) {
		/*
		 * sysctl ignore_tunneled, as in-tree: a packet of a protocol
		 * kvs does not balance (IPIP, GRE, ...) is marked as ours, so
		 * that what it carries is not balanced should it come back
		 * with the mark.  The kernel's IP tunnels clear it as they
		 * decapsulate (skb_scrub_packet), so what comes out of them
		 * is balanced either way (e2e sysctl_route).
		 */
		if (READ_ONCE(kn->sysctl.ignore_tunneled))
			kvs_skb_set_owned(skb);
		return NF_ACCEPT;
	}

	kvs_tuple_from_iph(&t, &iph);
	cp = kvs_conn_lookup(&kn->conns, &t, &dir);
	if (!cp && state->hook != NF_INET_LOCAL_IN &&
	    direct_reply(kn, skb, &iph, &t))
		return NF_ACCEPT;
	if (!cp && state->hook != NF_INET_FORWARD)
		cp = fill_cport(kn, &t, &iph, &dir);
	if (!cp && nat_unknown_reply(kn, pp, skb, &iph)) {
		kvs_icmp_send_error(skb, iph.af, KVS_ICMP_PORT_UNREACH, 0);
		return NF_DROP;
	}
	if (state->hook == NF_INET_FORWARD)
		return cp ? conn_forward(kn, skb, cp, dir, &iph, state->hook) :
			    NF_ACCEPT;
	/*
	 * A client opening a connection on the tuple of one that has
	 * finished (its port came round again) gets a fresh schedule,
	 * not the old connection's real server, which may still hold
	 * the tuple in TIME_WAIT.
	 */
	if (cp && dir == KVS_DIR_ORIG &&
	    conn_reschedule(kn, cp, pp, skb, &iph)) {
		if (!conn_end(kn, cp, skb))
			return NF_DROP;
		cp = NULL;
	}
	if (cp && dir == KVS_DIR_ORIG &&
	    !test_bit(KVS_DEST_AVAILABLE, &cp->dest->flags)) {
		if (!conn_dest_gone(kn, cp, skb))
			return NF_DROP;
		cp = NULL;
	}
	if (cp)
		return conn_forward(kn, skb, cp, dir, &iph, state->hook);
	return conn_schedule(kn, skb, &iph, pp, state->hook);
}

/*
 * The same hook at the same points for both families, as in-tree, and
 * so where in-tree's are relative to conntrack: after it has attached
 * an entry (PRE_ROUTING and LOCAL_OUT, priority -200) and after NAT's
 * destination rules, before NAT's source rules of LOCAL_IN and before
 * conntrack confirms the entry (the last hook), so that an entry can
 * still be told its reply (core/nfct.c).
 */
#define KVS_HOOK_OPS(_pf, _hooknum, _priority)	{	\
	.hook		= kvs_hook,			\
	.pf		= _pf,				\
	.hooknum	= _hooknum,			\
	.priority	= _priority,			\
}

static const struct nf_hook_ops kvs_hook_ops[] = {
	KVS_HOOK_OPS(NFPROTO_IPV4, NF_INET_LOCAL_IN, NF_IP_PRI_NAT_SRC - 1),
	KVS_HOOK_OPS(NFPROTO_IPV4, NF_INET_LOCAL_OUT, NF_IP_PRI_NAT_DST + 1),
	KVS_HOOK_OPS(NFPROTO_IPV4, NF_INET_FORWARD, NF_IP_PRI_NAT_SRC),
#if IS_ENABLED(CONFIG_IPV6)
	KVS_HOOK_OPS(NFPROTO_IPV6, NF_INET_LOCAL_IN, NF_IP6_PRI_NAT_SRC - 1),
	KVS_HOOK_OPS(NFPROTO_IPV6, NF_INET_LOCAL_OUT, NF_IP6_PRI_NAT_DST + 1),
	KVS_HOOK_OPS(NFPROTO_IPV6, NF_INET_FORWARD, NF_IP6_PRI_NAT_SRC),
#endif
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
	if (kn->defrag6 && IS_ENABLED(CONFIG_NF_DEFRAG_IPV6))
		nf_defrag_ipv6_disable(kn->net);
	kn->defrag6 = false;
	if (!kn->hooks_registered)
		return;
	nf_unregister_net_hooks(kn->net, kvs_hook_ops,
				ARRAY_SIZE(kvs_hook_ops));
	kn->hooks_registered = false;
}

/*
 * For the xtables match "ipvs" (plugin.h): the connection of @skb, a
 * packet of family @family that kvs forwarded toward a real server, as
 * in-tree's match finds it: from the client, to the real server's
 * address and port when masquerading, still to the virtual service by
 * the other methods.  Under RCU (a netfilter hook's).  Returns 0 with
 * @xc filled, -ENOENT when there is no such connection (xc->protocol
 * set), or the parser's error.
 */
int kvs_xt_conn(struct net *net, const struct sk_buff *skb, u8 family,
		struct kvs_xt_conn *xc)
{
	struct kvs_net *kn = kvs_net(net);
	struct kvs_tuple t, rev;
	struct kvs_iph iph;
	struct kvs_conn *cp;
	enum kvs_dir dir;
	int err;

	err = parse(skb, family, &iph);
	if (err)
		return err;
	xc->protocol = iph.protocol;
	if (iph.fragment)
		return -ENOENT;
	kvs_tuple_from_iph(&t, &iph);
	rev = t;
	rev.src = t.dst;
	rev.dst = t.src;
	rev.sport = t.dport;
	rev.dport = t.sport;
	/* Masquerading: the reverse is the reply tuple, hashed for NAT only. */
	cp = kvs_conn_lookup(&kn->conns, &rev, &dir);
	if (!cp || dir != KVS_DIR_REPLY) {
		cp = kvs_conn_lookup(&kn->conns, &t, &dir);
		if (!cp || dir != KVS_DIR_ORIG ||
		    (cp->flags & IP_VS_CONN_F_FWD_MASK) == IP_VS_CONN_F_MASQ)
			return -ENOENT;
	}
	xc->vaddr = *kvs_conn_vaddr(cp);
	xc->vport = kvs_conn_vport(cp);
	xc->fwd = cp->flags & IP_VS_CONN_F_FWD_MASK;
	xc->ctl = !!cp->control;
	xc->ctl_vport = cp->control ? cp->control->key.vport : 0;
	/* A connection an application helper announced (FTP data). */
	if (!cp->control && cp->app && cp->app->ctl) {
		xc->ctl = true;
		xc->ctl_vport = cp->app->ctl->vport;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(kvs_xt_conn);
