// SPDX-License-Identifier: GPL-2.0
/*
 * What every forwarding method shares: the method table, and sending a
 * packet the director has taken over toward its new destination.
 */
#include <linux/icmp.h>
#include <net/icmp.h>
#include <net/ip.h>
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

/*
 * A packet forwarded on behalf of a remote host loses one hop, as if
 * routed; one that has none left is answered with time exceeded.  Call
 * before the packet is rewritten, so the ICMP quotes what the sender sent.
 */
bool kvs_xmit_ttl_ok(struct sk_buff *skb)
{
	if (ip_hdr(skb)->ttl > 1)
		return true;
	icmp_send(skb, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
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
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
		goto drop_rt;
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

/*
 * A local process's packet, rewritten in LOCAL_OUT: route it again for
 * its new destination and let it continue down the output path.
 */
unsigned int kvs_xmit_reroute_local(struct kvs_net *kn, struct sk_buff *skb)
{
	if (ip_route_me_harder(kn->net, skb->sk, skb, RTN_UNSPEC)) {
		kvs_drop_count(kn, KVS_DROP_XMIT);
		return NF_DROP;
	}
	kvs_skb_set_owned(skb);
	kvs_skb_untrack(skb);
	return NF_ACCEPT;
}
