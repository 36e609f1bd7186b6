// SPDX-License-Identifier: GPL-2.0
/*
 * What every forwarding method shares: the method table, and sending a
 * packet the director has taken over toward its new destination.
 */
#include <linux/icmp.h>
#include <linux/netfilter_ipv6.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>

#include "../core/kvs.h"

/* The forwarding methods by IP_VS_CONN_F_FWD_MASK value. */
static const struct kvs_xmit *const kvs_xmit_methods[] = {
	[IP_VS_CONN_F_MASQ]		= &kvs_xmit_nat,
	[IP_VS_CONN_F_LOCALNODE]	= &kvs_xmit_localnode,
	[IP_VS_CONN_F_TUNNEL]		= &kvs_xmit_tunnel,
	[IP_VS_CONN_F_DROUTE]		= &kvs_xmit_dr,
};

const struct kvs_xmit *kvs_xmit_find(u32 conn_flags)
{
	u32 method = conn_flags & IP_VS_CONN_F_FWD_MASK;

	if (method < ARRAY_SIZE(kvs_xmit_methods) && kvs_xmit_methods[method])
		return kvs_xmit_methods[method];
	return &kvs_xmit_nat;
}

static bool is_ipv6(const struct sk_buff *skb)
{
	return IS_ENABLED(CONFIG_IPV6) && ip_hdr(skb)->version == 6;
}

/*
 * A packet forwarded on behalf of a remote host loses one hop, as if
 * routed; one that has none left is answered with time exceeded.  Call
 * before the packet is rewritten, so the ICMP quotes what the sender sent.
 * IPv4 or IPv6, as the packet's version says.
 */
bool kvs_xmit_ttl_ok(struct sk_buff *skb)
{
	if (is_ipv6(skb)) {
		if (ipv6_hdr(skb)->hop_limit > 1)
			return true;
		kvs_icmp_send_error(skb, AF_INET6, KVS_ICMP_TTL, 0);
		return false;
	}
	if (ip_hdr(skb)->ttl > 1)
		return true;
	kvs_icmp_send_error(skb, AF_INET, KVS_ICMP_TTL, 0);
	return false;
}

static bool exceeds_mtu(const struct sk_buff *skb, unsigned int mtu)
{
	if (skb->len <= mtu || !(ip_hdr(skb)->frag_off & htons(IP_DF)))
		return false;
	return !skb_is_gso(skb) || !skb_gso_validate_network_len(skb, mtu);
}

/*
 * Route @skb, already rewritten for its new destination @daddr, and send
 * it through LOCAL_OUT.  @forwarded: it came from another host (LOCAL_IN)
 * and loses a hop.  Returns the verdict for the hook that met it.
 */
unsigned int kvs_xmit_send_ipv4(struct kvs_net *kn, struct sk_buff *skb,
				__be32 daddr, bool forwarded)
{
	struct flowi4 fl4 = {
		.daddr		= daddr,
		.flowi4_mark	= skb->mark,
		.flowi4_tos	= RT_TOS(ip_hdr(skb)->tos),
	};
	struct rtable *rt;
	unsigned int mtu;

	rt = ip_route_output_key(kn->net, &fl4);
	if (IS_ERR(rt))
		goto drop;
	if (rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST))
		goto drop_rt;
	/* A real server on this host: up the local stack as rewritten. */
	if (rt->rt_flags & RTCF_LOCAL) {
		ip_rt_put(rt);
		kvs_skb_set_owned(skb);
		return NF_ACCEPT;
	}
	mtu = dst_mtu(&rt->dst);
	if (exceeds_mtu(skb, mtu)) {
		/*
		 * On the output route the (rewritten) destination is not
		 * ours, so icmp_send() answers from an address of ours;
		 * the error's LOCAL_OUT hook translates what it quotes.
		 */
		skb_dst_drop(skb);
		skb_dst_set(skb, &rt->dst);
		kvs_icmp_send_error(skb, AF_INET, KVS_ICMP_TOOBIG, mtu);
		goto drop;
	}

	skb_orphan(skb);
	skb_dst_drop(skb);
	skb_dst_set(skb, &rt->dst);
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	if (forwarded)
		ip_decrease_ttl(ip_hdr(skb));
	kvs_skb_set_owned(skb);
	kvs_skb_untrack(skb);
	NF_HOOK(NFPROTO_IPV4, NF_INET_LOCAL_OUT, kn->net, NULL, skb, NULL,
		rt->dst.dev, dst_output);
	return NF_STOLEN;

drop_rt:
	ip_rt_put(rt);
drop:
	kvs_drop_count(kn, KVS_DROP_XMIT);
	return NF_DROP;
}

#if IS_ENABLED(CONFIG_IPV6)
/*
 * IPv6 has no DF: whatever does not fit is too big, unless GSO will cut
 * it to size, or conntrack reassembled it from fragments that each fit.
 */
static bool exceeds_mtu6(const struct sk_buff *skb, unsigned int mtu)
{
	if (IP6CB(skb)->frag_max_size)
		return IP6CB(skb)->frag_max_size > mtu;
	if (skb->len <= mtu)
		return false;
	return !skb_is_gso(skb) || !skb_gso_validate_network_len(skb, mtu);
}

/*
 * kvs_xmit_send_ipv4() for IPv6: route @skb to @daddr, answer packet too
 * big if it does not fit, and send it through LOCAL_OUT.  @forwarded: it
 * came from another host and loses a hop (kvs_xmit_ttl_ok() checked that
 * one was left).  Returns the verdict for the hook that met it.
 */
unsigned int kvs_xmit_send_ipv6(struct kvs_net *kn, struct sk_buff *skb,
				const struct in6_addr *daddr, bool forwarded)
{
	struct flowi6 fl6 = {
		.daddr		= *daddr,
		.flowi6_mark	= skb->mark,
		.flowlabel	= ip6_flowinfo(ipv6_hdr(skb)),
	};
	struct dst_entry *dst;
	unsigned int mtu;

	dst = ip6_route_output(kn->net, NULL, &fl6);
	if (dst->error)
		goto drop_dst;
	/* Local real servers are a later forwarding method's job. */
	if ((dst->dev->flags & IFF_LOOPBACK) || ipv6_addr_is_multicast(daddr))
		goto drop_dst;
	mtu = dst_mtu(dst);
	if (exceeds_mtu6(skb, mtu)) {
		kvs_icmp_send_error(skb, AF_INET6, KVS_ICMP_TOOBIG, mtu);
		goto drop_dst;
	}
	if (forwarded && skb_ensure_writable(skb, sizeof(struct ipv6hdr)))
		goto drop_dst;

	skb_orphan(skb);
	skb_dst_drop(skb);
	skb_dst_set(skb, dst);
	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	if (forwarded)
		ipv6_hdr(skb)->hop_limit--;
	kvs_skb_set_owned(skb);
	kvs_skb_untrack(skb);
	NF_HOOK(NFPROTO_IPV6, NF_INET_LOCAL_OUT, kn->net, NULL, skb, NULL,
		dst->dev, dst_output);
	return NF_STOLEN;

drop_dst:
	dst_release(dst);
	kvs_drop_count(kn, KVS_DROP_XMIT);
	return NF_DROP;
}
#endif

/*
 * A local process's packet, rewritten in LOCAL_OUT: route it again for
 * its new destination and let it continue down the output path.
 */
unsigned int kvs_xmit_reroute_local(struct kvs_net *kn, struct sk_buff *skb)
{
	int err;

	if (is_ipv6(skb))
		err = ip6_route_me_harder(kn->net, skb->sk, skb);
	else
		err = ip_route_me_harder(kn->net, skb->sk, skb, RTN_UNSPEC);
	if (err) {
		kvs_drop_count(kn, KVS_DROP_XMIT);
		return NF_DROP;
	}
	kvs_skb_set_owned(skb);
	kvs_skb_untrack(skb);
	return NF_ACCEPT;
}
