// SPDX-License-Identifier: GPL-2.0
/*
 * Masquerading (NAT, ipvsadm -m): requests get the real server as their
 * destination, replies get the virtual service back as their source.
 * A connection bound to an application helper (FTP) has its payload and
 * TCP sequence numbers seen to first (core/app.c), both ways.
 */
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/route.h>

#include "../core/app.h"
#include "../core/netns.h"
#include "../core/nfct.h"
#include "../core/packet.h"
#include "xmit.h"

/*
 * The transport half of a rewrite: the source (@src) or destination port
 * becomes @port, and the checksum follows the port and the pseudo-header
 * address @from -> @to (4 words for IPv6, 1 for IPv4), whether it is
 * complete, partial (offloaded) or, for UDP over IPv4, absent.  The caller
 * made the packet writable up to the checksum.
 */
static void nat_rewrite_l4(struct sk_buff *skb, const struct kvs_iph *iph,
			   const struct kvs_proto *pp, bool src,
			   const __be32 *from, const __be32 *to, __be16 port)
{
	__be16 *portp = (__be16 *)(skb->data + iph->thoff) + (src ? 0 : 1);
	__sum16 *check = (__sum16 *)(skb->data + iph->thoff + pp->csum_offset);

	/* A checksum over the payload only (SCTP's CRC32c) is redone. */
	if (pp->nat_csum) {
		*portp = port;
		pp->nat_csum(skb, iph->thoff);
		return;
	}
	/* A UDP checksum of zero means none, and stays none. */
	if (pp->protocol != IPPROTO_UDP || *check ||
	    skb->ip_summed == CHECKSUM_PARTIAL) {
		if (iph->af == AF_INET6)
			inet_proto_csum_replace16(check, skb, from, to, true);
		else
			inet_proto_csum_replace4(check, skb, *from, *to, true);
		inet_proto_csum_replace2(check, skb, *portp, port, false);
		if (pp->protocol == IPPROTO_UDP && !*check)
			*check = CSUM_MANGLED_0;
	}
	*portp = port;
}

/*
 * How far a rewrite writes: through @pp's checksum, or only the IP
 * header for a packet of another protocol than its connection's (ESP
 * and AH following their IKE connection), which has no ports to change
 * and whose transport checksum, if any, does not cover the addresses.
 */
static unsigned int nat_end(const struct kvs_iph *iph,
			    const struct kvs_proto *pp)
{
	if (iph->protocol != pp->protocol)
		return iph->thoff;
	return iph->thoff + max_t(unsigned int, pp->min_hdr,
				  pp->csum_offset + sizeof(__sum16));
}

/*
 * Rewrite the source (@src) or destination address and port of an IPv4
 * TCP/UDP packet, keeping the IP and transport checksums right.  @iph
 * describes the packet as parsed.
 */
int kvs_nat_rewrite_ipv4(struct sk_buff *skb, const struct kvs_iph *iph,
			 const struct kvs_proto *pp, bool src,
			 __be32 addr, __be16 port)
{
	struct iphdr *ip;
	__be32 *addrp;

	if (skb_ensure_writable(skb, nat_end(iph, pp)))
		return -ENOMEM;
	ip = ip_hdr(skb);
	addrp = src ? &ip->saddr : &ip->daddr;
	if (iph->protocol == pp->protocol)
		nat_rewrite_l4(skb, iph, pp, src, addrp, &addr, port);
	csum_replace4(&ip->check, *addrp, addr);
	*addrp = addr;
	return 0;
}

/*
 * The same for IPv6, which has no header checksum: only the transport
 * checksum covers the addresses (through the pseudo-header).
 */
int kvs_nat_rewrite_ipv6(struct sk_buff *skb, const struct kvs_iph *iph,
			 const struct kvs_proto *pp, bool src,
			 const struct in6_addr *addr, __be16 port)
{
	struct in6_addr *addrp;
	struct ipv6hdr *ip6;

	if (skb_ensure_writable(skb, nat_end(iph, pp)))
		return -ENOMEM;
	ip6 = ipv6_hdr(skb);
	addrp = src ? &ip6->saddr : &ip6->daddr;
	if (iph->protocol == pp->protocol)
		nat_rewrite_l4(skb, iph, pp, src, addrp->s6_addr32,
			       addr->s6_addr32, port);
	*addrp = *addr;
	return 0;
}

/*
 * A packet of @cp, bound to an application helper, before its headers
 * are rewritten.  False when it is to be dropped (counted).
 */
static bool nat_app(struct kvs_net *kn, struct sk_buff *skb,
		    struct kvs_conn *cp, const struct kvs_iph *iph,
		    enum kvs_dir dir, unsigned int hooknum)
{
	int err;

	if (likely(!cp->app))
		return true;
	err = kvs_app_packet(kn, skb, cp, iph, dir, hooknum);
	if (!err)
		return true;
	kvs_drop_count(kn, err == -EBADMSG ? KVS_DROP_MALFORMED :
					     KVS_DROP_XMIT);
	return false;
}

/* Rewrite a packet of @cp in either family; @src for replies. */
static int nat_rewrite(struct sk_buff *skb, const struct kvs_iph *iph,
		       const struct kvs_conn *cp, bool src)
{
	const union nf_inet_addr *addr = src ? kvs_conn_vaddr(cp) :
					       kvs_conn_daddr(cp);
	__be16 port = src ? kvs_conn_vport(cp) : kvs_conn_dport(cp);

	if (IS_ENABLED(CONFIG_IPV6) && iph->af == AF_INET6)
		return kvs_nat_rewrite_ipv6(skb, iph, cp->proto, src,
					    &addr->in6, port);
	return kvs_nat_rewrite_ipv4(skb, iph, cp->proto, src, addr->ip, port);
}

static unsigned int nat_in(struct kvs_net *kn, struct sk_buff *skb,
			   struct kvs_conn *cp, const struct kvs_iph *iph,
			   unsigned int hooknum)
{
	bool forwarded = hooknum == NF_INET_LOCAL_IN;

	if (forwarded && !kvs_xmit_ttl_ok(skb))
		goto drop;
	if (!nat_app(kn, skb, cp, iph, KVS_DIR_ORIG, hooknum))
		return NF_DROP;
	if (nat_rewrite(skb, iph, cp, false))
		goto drop;
	kvs_nfct_request(skb, cp);
	if (hooknum == NF_INET_LOCAL_OUT)
		return kvs_xmit_reroute_local(kn, skb);
	return kvs_xmit_send(kn, skb, iph->af, kvs_conn_daddr(cp),
			     kvs_dest_routes(cp), forwarded);

drop:
	kvs_drop_count(kn, KVS_DROP_XMIT);
	return NF_DROP;
}

/*
 * sysctl snat_reroute (on by default, as in-tree): a reply whose source
 * became the VIP is routed again as if sent from the VIP, so that policy
 * routing by source (a multi-homed director answering each VIP on its
 * own uplink) sees the address the client will see.  Only for a client
 * elsewhere (FORWARD, LOCAL_OUT), never for one on this host.
 */
static int nat_reroute(struct kvs_net *kn, struct sk_buff *skb, u16 af,
		       unsigned int hooknum)
{
	struct dst_entry *dst = skb_dst(skb);

	if (!READ_ONCE(kn->sysctl.snat_reroute) ||
	    hooknum == NF_INET_LOCAL_IN || !dst)
		return 0;
	if (IS_ENABLED(CONFIG_IPV6) && af == AF_INET6) {
		if (!dst->dev || (dst->dev->flags & IFF_LOOPBACK))
			return 0;
		return ip6_route_me_harder(kn->net, skb->sk, skb);
	}
	if (skb_rtable(skb)->rt_flags & RTCF_LOCAL)
		return 0;
	return ip_route_me_harder(kn->net, skb->sk, skb, RTN_LOCAL);
}

static unsigned int nat_out(struct kvs_net *kn, struct sk_buff *skb,
			    struct kvs_conn *cp, const struct kvs_iph *iph,
			    unsigned int hooknum)
{
	if (!nat_app(kn, skb, cp, iph, KVS_DIR_REPLY, hooknum))
		return NF_DROP;
	if (nat_rewrite(skb, iph, cp, true) ||
	    nat_reroute(kn, skb, iph->af, hooknum)) {
		kvs_drop_count(kn, KVS_DROP_XMIT);
		return NF_DROP;
	}
	kvs_nfct_reply(skb, cp);
	kvs_skb_set_owned(skb);
	return NF_ACCEPT;
}

const struct kvs_xmit kvs_xmit_nat = {
	.in	= nat_in,
	.out	= nat_out,
};
