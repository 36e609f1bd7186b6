// SPDX-License-Identifier: GPL-2.0
/*
 * The way out to a real server, for either address family: the route
 * (and the source address an outer header uses), whether the server is
 * this host, the path MTU checks that answer the sender with ICMP, and
 * handing the finished packet to the output path.  Shared by every
 * forwarding method, with the ICMP errors kvs answers with, the hop
 * check made before a packet is rewritten, and re-routing a local
 * process's packet.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/netfilter_ipv6.h>
#include <net/addrconf.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>

#include "../core/service.h"
#include "xmit.h"

/*
 * Send the error @what about @skb to its sender, in the packet's family;
 * @info is the MTU for KVS_ICMP_TOOBIG.  The ICMP layers rate-limit.
 */
void kvs_icmp_send_error(struct sk_buff *skb, u16 af, enum kvs_icmp_error what,
			 u32 info)
{
	static const u8 v4[KVS_ICMP_MAX][2] = {
		[KVS_ICMP_PORT_UNREACH]	= { ICMP_DEST_UNREACH, ICMP_PORT_UNREACH },
		[KVS_ICMP_TOOBIG]	= { ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED },
		[KVS_ICMP_TTL]		= { ICMP_TIME_EXCEEDED, ICMP_EXC_TTL },
	};
	static const u8 v6[KVS_ICMP_MAX][2] = {
		[KVS_ICMP_PORT_UNREACH]	= { ICMPV6_DEST_UNREACH,
					    ICMPV6_PORT_UNREACH },
		[KVS_ICMP_TOOBIG]	= { ICMPV6_PKT_TOOBIG, 0 },
		[KVS_ICMP_TTL]		= { ICMPV6_TIME_EXCEED,
					    ICMPV6_EXC_HOPLIMIT },
	};

	if (IS_ENABLED(CONFIG_IPV6) && af == AF_INET6) {
		/* A local sender's packet has no input device to answer on. */
		if (!skb->dev && skb_dst(skb))
			skb->dev = dev_net(skb_dst(skb)->dev)->loopback_dev;
		icmpv6_send(skb, v6[what][0], v6[what][1],
			    what == KVS_ICMP_TOOBIG ? info : 0);
		return;
	}
	icmp_send(skb, v4[what][0], v4[what][1],
		  what == KVS_ICMP_TOOBIG ? htonl(info) : 0);
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
 * its new destination and let it continue down the output path (its
 * conntrack entry as the method left it).
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
	return NF_ACCEPT;
}

static int route4(struct kvs_net *kn, const struct sk_buff *skb,
		  __be32 daddr, bool known_nh, struct kvs_out *o)
{
	struct flowi4 fl4 = {
		.daddr		= daddr,
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
		.flowi6_flags	= known_nh ? FLOWI_FLAG_KNOWN_NH : 0,
	};
	struct dst_entry *dst;
	int err;

	if (!IS_ENABLED(CONFIG_IPV6))
		return -EAFNOSUPPORT;
	if (ipv6_addr_is_multicast(daddr))
		return -EINVAL;
	dst = ip6_route_output(kn->net, NULL, &fl6);
	err = dst->error;
	if (err)
		goto err_put;
	if (((struct rt6_info *)dst)->rt6i_flags & RTF_LOCAL ||
	    (dst->dev->flags & IFF_LOOPBACK)) {
		dst_release(dst);
		return 1;
	}
	o->dst = dst;
	o->mtu = dst_mtu(dst);
	return 0;

err_put:
	dst_release(dst);
	return err ?: -EHOSTUNREACH;
}

/* A route in @routes, with the source address cached beside it. */
static struct dst_entry *out_cached(struct dst_cache *routes, u16 af,
				    struct kvs_out *o)
{
	struct rtable *rt;

	if (af == AF_INET6) {
		if (!IS_ENABLED(CONFIG_IPV6))
			return NULL;
		return dst_cache_get_ip6(routes, &o->saddr.in6);
	}
	rt = dst_cache_get_ip4(routes, &o->saddr.ip);
	return rt ? &rt->dst : NULL;
}

/*
 * A dest's route cache gets its per-CPU storage when it first has a
 * route to keep, not when the dest is added: a restore of thousands of
 * dests then makes one per-CPU allocation per dest rather than two, and
 * a dest that never carries traffic none.  Once per dest, not per
 * packet; BHs are off.  Another CPU may publish first (its storage is
 * kept, ours freed); short of atomic per-CPU memory the route simply
 * goes uncached and the next packet tries again.  The pointer is set
 * once and freed with the dest, after a grace period (dest_free_rcu()),
 * and the dst_cache calls treat NULL storage as an empty cache.
 */
static bool out_cache_ready(struct dst_cache *routes)
{
	struct dst_cache fresh;

	if (likely(READ_ONCE(routes->cache)))
		return true;
	if (dst_cache_init(&fresh, GFP_ATOMIC))
		return false;
	if (cmpxchg(&routes->cache, NULL, fresh.cache))
		dst_cache_destroy(&fresh);
	return true;
}

static void out_cache(struct dst_cache *routes, u16 af,
		      const struct kvs_out *o)
{
	if (!out_cache_ready(routes))
		return;
	if (af == AF_INET6) {
		if (IS_ENABLED(CONFIG_IPV6))
			dst_cache_set_ip6(routes, o->dst, &o->saddr.in6);
		return;
	}
	dst_cache_set_ip4(routes, o->dst, o->saddr.ip);
}

/*
 * The dest's route cache for @cp, unless @cp was made with another
 * method than the dest has now (the cache holds that method's routes).
 */
struct dst_cache *kvs_dest_routes(const struct kvs_conn *cp)
{
	struct kvs_dest *dest = cp->dest;

	if ((READ_ONCE(dest->conn_flags) ^ cp->flags) & IP_VS_CONN_F_FWD_MASK)
		return NULL;
	return &dest->routes;
}

static int out_lookup(struct kvs_net *kn, const struct sk_buff *skb, u16 af,
		      const union nf_inet_addr *daddr, unsigned int flags,
		      struct kvs_out *o)
{
	bool known_nh = flags & KVS_OUT_KNOWN_NH;
	int ret;

	if (af != AF_INET6)
		return route4(kn, skb, daddr->ip, known_nh, o);
	ret = route6(kn, skb, &daddr->in6, known_nh, o);
	/* IPv4 routing chose a source; IPv6 asks source selection. */
	if (ret || !(flags & KVS_OUT_SADDR))
		return ret;
	if (ipv6_dev_get_saddr(kn->net, ip6_dst_idev(o->dst)->dev,
			       &daddr->in6, 0, &o->saddr.in6)) {
		dst_release(o->dst);
		o->dst = NULL;
		return -EHOSTUNREACH;
	}
	return 0;
}

/*
 * Route toward @daddr (family @af), a real server's address.  @flags:
 * KVS_OUT_KNOWN_NH, the packet keeps another destination address (direct
 * routing), so the next hop must be @daddr; KVS_OUT_SADDR, o->saddr is
 * wanted.  @routes: the real server's route cache for this method, or
 * NULL.  As in-tree, the route depends on @daddr only, not on the
 * packet's TOS or mark (a policy route by mark, as transparent caches
 * use to make marked packets local, would lead back to this host).
 * Returns 0 with @o filled (the caller owns o->dst), 1 when @daddr is an
 * address of this host (never cached), or a negative errno.
 */
int kvs_out_route(struct kvs_net *kn, const struct sk_buff *skb, u16 af,
		  const union nf_inet_addr *daddr, struct dst_cache *routes,
		  unsigned int flags, struct kvs_out *o)
{
	int ret;

	memset(o, 0, sizeof(*o));
	/* The cache is per CPU, and a LOCAL_OUT caller may be preemptible. */
	local_bh_disable();
	if (routes) {
		o->dst = out_cached(routes, af, o);
		if (o->dst) {
			o->mtu = dst_mtu(o->dst);
			local_bh_enable();
			return 0;
		}
	}
	ret = out_lookup(kn, skb, af, daddr, flags, o);
	if (!ret && routes)
		out_cache(routes, af, o);
	local_bh_enable();
	return ret;
}

/*
 * Is the packet at skb->data (family @af) too big for @mtu?  IPv4
 * without DF may be fragmented; GSO packets are cut to size later; an
 * IPv6 packet conntrack reassembled is judged by its largest fragment.
 */
static bool out_exceeds(const struct sk_buff *skb, u16 af, unsigned int mtu)
{
	if (af == AF_INET6 && IP6CB(skb)->frag_max_size)
		return IP6CB(skb)->frag_max_size > mtu;
	if (skb->len <= mtu)
		return false;
	if (skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu))
		return false;
	return af == AF_INET6 || (ip_hdr(skb)->frag_off & htons(IP_DF));
}

/* The MTU an error tells the sender: IPv6 links carry at least 1280. */
static u32 out_told_mtu(u16 af, unsigned int mtu)
{
	return af == AF_INET6 ? max_t(u32, mtu, IPV6_MIN_MTU) : mtu;
}

/*
 * Too big for @mtu?  Then the sender is told the MTU it may use, as a
 * router would, and the caller drops the packet.
 */
bool kvs_out_too_big(struct sk_buff *skb, u16 af, unsigned int mtu)
{
	if (!out_exceeds(skb, af, mtu))
		return false;
	kvs_icmp_send_error(skb, af, KVS_ICMP_TOOBIG, out_told_mtu(af, mtu));
	return true;
}

/* Take one hop off a packet whose sender has one left to give. */
static bool out_dec_hop(struct sk_buff *skb, u16 af)
{
	if (af == AF_INET6) {
		if (skb_ensure_writable(skb, sizeof(struct ipv6hdr)))
			return false;
		ipv6_hdr(skb)->hop_limit--;
		return true;
	}
	if (skb_ensure_writable(skb, sizeof(struct iphdr)))
		return false;
	ip_decrease_ttl(ip_hdr(skb));
	return true;
}

/*
 * A packet forwarded for a remote host loses a hop; one with none left
 * is answered with time exceeded and must be dropped (false).
 */
bool kvs_out_dec_ttl(struct sk_buff *skb, u16 af)
{
	return kvs_xmit_ttl_ok(skb) && out_dec_hop(skb, af);
}

/*
 * Send @skb, whose network header (family @af) is at skb->data and
 * complete, along o->dst (the reference passes to the packet).  The
 * packet goes through LOCAL_OUT marked as ours, so no hook balances it
 * again.  As in-tree, a packet from another host (skb->dev set: met in
 * LOCAL_IN) leaves the socket early demux may have given it, and its
 * receive time stamp, which fq would take for a departure time and drop
 * the packet as beyond its horizon; a local process's packet keeps its
 * socket, whose accounting (TCP small queues) waits for it to leave,
 * and its time.  Its conntrack entry is as the method left it
 * (core/nfct.c).  Always NF_STOLEN: the packet is sent or freed.
 */
unsigned int kvs_out_send(struct kvs_net *kn, struct sk_buff *skb, u16 af,
			  struct kvs_out *o)
{
	if (skb->dev) {
		skb_orphan(skb);
		skb_clear_tstamp(skb);
	}
	skb_dst_drop(skb);
	skb_dst_set(skb, o->dst);
	o->dst = NULL;
	skb->ignore_df = 1;
	kvs_skb_set_owned(skb);
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

/*
 * Route @skb, already rewritten for its new destination @daddr (family
 * @af; @routes its cache, or NULL), and send it: masquerading's way out, and the way on of an ICMP
 * error it translated.  @forwarded: it came from another host and loses
 * a hop (kvs_xmit_ttl_ok() checked before the rewrite that one is left).
 * A real server on this host gets it up the local stack as rewritten.
 * Returns the verdict for the hook that met it.
 */
unsigned int kvs_xmit_send(struct kvs_net *kn, struct sk_buff *skb, u16 af,
			   const union nf_inet_addr *daddr,
			   struct dst_cache *routes, bool forwarded)
{
	struct kvs_out o;
	int ret;

	ret = kvs_out_route(kn, skb, af, daddr, routes, 0, &o);
	if (ret < 0)
		goto drop;
	if (ret) {
		kvs_skb_set_owned(skb);
		return NF_ACCEPT;
	}
	if (out_exceeds(skb, af, o.mtu)) {
		/*
		 * On the output route the (rewritten) destination is not
		 * ours, so the error is answered from an address of ours;
		 * its LOCAL_OUT hook translates what it quotes.
		 */
		skb_dst_drop(skb);
		skb_dst_set(skb, o.dst);
		kvs_icmp_send_error(skb, af, KVS_ICMP_TOOBIG,
				    out_told_mtu(af, o.mtu));
		goto drop;
	}
	if (forwarded && !out_dec_hop(skb, af)) {
		dst_release(o.dst);
		goto drop;
	}
	return kvs_out_send(kn, skb, af, &o);

drop:
	kvs_drop_count(kn, KVS_DROP_XMIT);
	return NF_DROP;
}

/*
 * Send @skb unchanged (its addresses kept) toward @daddr: direct routing,
 * and cache bypass.  @flags: kvs_out_route()'s, and KVS_OUT_LOCAL_OK: an
 * address of this host takes the packet up the local stack (else it is
 * dropped).  A packet met at LOCAL_IN came from another host and loses a
 * hop.  Returns the verdict for hook @hooknum.
 */
unsigned int kvs_xmit_forward(struct kvs_net *kn, struct sk_buff *skb, u16 af,
			      const union nf_inet_addr *daddr,
			      struct dst_cache *routes, unsigned int flags,
			      unsigned int hooknum)
{
	struct kvs_out o;
	int ret;

	ret = kvs_out_route(kn, skb, af, daddr, routes, flags, &o);
	if (ret < 0)
		goto drop;
	if (ret) {
		if (!(flags & KVS_OUT_LOCAL_OK))
			goto drop;
		kvs_skb_set_owned(skb);
		return NF_ACCEPT;
	}
	if (hooknum == NF_INET_LOCAL_IN && !kvs_out_dec_ttl(skb, af))
		goto drop_dst;
	if (kvs_out_too_big(skb, af, o.mtu))
		goto drop_dst;
	return kvs_out_send(kn, skb, af, &o);

drop_dst:
	dst_release(o.dst);
drop:
	kvs_drop_count(kn, KVS_DROP_XMIT);
	return NF_DROP;
}
