// SPDX-License-Identifier: GPL-2.0
/*
 * What every forwarding method shares: the method table, the hop check
 * made before a packet is rewritten, and re-routing a local process's
 * packet.  Routing and sending toward a real server is xmit/route.c.
 */
#include <linux/netfilter_ipv6.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>

#include "../core/icmp.h"
#include "../core/netns.h"
#include "xmit.h"

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
