// SPDX-License-Identifier: GPL-2.0
/*
 * The way out to a real server, for either address family: the route
 * (and the source address an outer header uses), whether the server is
 * this host, the path MTU checks that answer the sender with ICMP, and
 * handing the finished packet to the output path.  Used by direct
 * routing and the tunnels; masquerading keeps its own IPv4 path.
 */
#include <linux/icmpv6.h>
#include <net/addrconf.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>

#include "../core/kvs.h"

static int route4(struct kvs_net *kn, const struct sk_buff *skb,
		  __be32 daddr, bool known_nh, struct kvs_out *o)
{
	struct flowi4 fl4 = {
		.daddr		= daddr,
		.flowi4_mark	= skb->mark,
		.flowi4_flags	= known_nh ? FLOWI_FLAG_KNOWN_NH : 0,
	};
	struct rtable *rt;

	rt = ip_route_output_key(kn->net, &fl4);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	if (rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST)) {
		ip_rt_put(rt);
		return -EINVAL;
	}
	if (rt->rt_flags & RTCF_LOCAL) {
		ip_rt_put(rt);
		return 1;
	}
	o->dst = &rt->dst;
	o->saddr.ip = fl4.saddr;
	o->mtu = dst_mtu(&rt->dst);
	return 0;
}

static int route6(struct kvs_net *kn, const struct sk_buff *skb,
		  const struct in6_addr *daddr, bool known_nh,
		  struct kvs_out *o)
{
	struct flowi6 fl6 = {
		.daddr		= *daddr,
		.flowi6_mark	= skb->mark,
		.flowi6_flags	= known_nh ? FLOWI_FLAG_KNOWN_NH : 0,
	};
	struct dst_entry *dst;
	int err;

	if (!IS_ENABLED(CONFIG_IPV6))
		return -EAFNOSUPPORT;
	dst = ip6_route_output(kn->net, NULL, &fl6);
	err = dst->error;
	if (err)
		goto err_put;
	if (((struct rt6_info *)dst)->rt6i_flags & RTF_LOCAL ||
	    (dst->dev->flags & IFF_LOOPBACK)) {
		dst_release(dst);
		return 1;
	}
	err = ipv6_dev_get_saddr(kn->net, ip6_dst_idev(dst)->dev, daddr, 0,
				 &o->saddr.in6);
	if (err)
		goto err_put;
	o->dst = dst;
	o->mtu = dst_mtu(dst);
	return 0;

err_put:
	dst_release(dst);
	return err ?: -EHOSTUNREACH;
}

/*
 * Route toward @daddr (family @af).  @known_nh: the packet keeps another
 * destination address (direct routing), the next hop must be @daddr.
 * Returns 0 with @o filled (the caller owns o->dst), 1 when @daddr is
 * an address of this host, or a negative errno.
 */
int kvs_out_route(struct kvs_net *kn, const struct sk_buff *skb, u16 af,
		  const union nf_inet_addr *daddr, bool known_nh,
		  struct kvs_out *o)
{
	memset(o, 0, sizeof(*o));
	if (af == AF_INET6)
		return route6(kn, skb, &daddr->in6, known_nh, o);
	return route4(kn, skb, daddr->ip, known_nh, o);
}

/*
 * Is the packet at skb->data (family @af) too big for @mtu?  Then its
 * sender is told the MTU it may use, as a router would, and the caller
 * drops it.  IPv4 without DF may be fragmented; ICMP never answers ICMP.
 */
bool kvs_out_too_big(struct sk_buff *skb, u16 af, unsigned int mtu)
{
	if (skb->len <= mtu)
		return false;
	if (skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu))
		return false;
	if (af == AF_INET6) {
		if (!IS_ENABLED(CONFIG_IPV6))
			return true;
		if (ipv6_hdr(skb)->nexthdr != IPPROTO_ICMPV6)
			icmpv6_send(skb, ICMPV6_PKT_TOOBIG, 0,
				    max(mtu, IPV6_MIN_MTU));
		return true;
	}
	if (!(ip_hdr(skb)->frag_off & htons(IP_DF)))
		return false;
	if (ip_hdr(skb)->protocol != IPPROTO_ICMP)
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
	return true;
}

/*
 * A packet forwarded for a remote host loses a hop; one with none left
 * is answered with time exceeded and must be dropped (false).
 */
bool kvs_out_dec_ttl(struct sk_buff *skb, u16 af)
{
	if (af == AF_INET6) {
		if (!IS_ENABLED(CONFIG_IPV6))
			return false;
		if (ipv6_hdr(skb)->hop_limit <= 1) {
			icmpv6_send(skb, ICMPV6_TIME_EXCEED,
				    ICMPV6_EXC_HOPLIMIT, 0);
			return false;
		}
		if (skb_ensure_writable(skb, sizeof(struct ipv6hdr)))
			return false;
		ipv6_hdr(skb)->hop_limit--;
		return true;
	}
	if (!kvs_xmit_ttl_ok(skb))
		return false;
	if (skb_ensure_writable(skb, sizeof(struct iphdr)))
		return false;
	ip_decrease_ttl(ip_hdr(skb));
	return true;
}

/*
 * Send @skb, whose network header (family @af) is at skb->data and
 * complete, along o->dst (the reference passes to the packet).  The
 * packet goes through LOCAL_OUT marked as ours, so no hook balances it
 * again.  Always NF_STOLEN: the packet is sent or freed.
 */
unsigned int kvs_out_send(struct kvs_net *kn, struct sk_buff *skb, u16 af,
			  struct kvs_out *o)
{
	skb_orphan(skb);
	skb_dst_drop(skb);
	skb_dst_set(skb, o->dst);
	o->dst = NULL;
	skb->ignore_df = 1;
	kvs_skb_set_owned(skb);
	kvs_skb_untrack(skb);
	if (af == AF_INET6) {
		skb->protocol = htons(ETH_P_IPV6);
		memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
		ip6_local_out(kn->net, NULL, skb);
	} else {
		skb->protocol = htons(ETH_P_IP);
		memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
		ip_local_out(kn->net, NULL, skb);
	}
	return NF_STOLEN;
}
