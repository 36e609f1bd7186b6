// SPDX-License-Identifier: GPL-2.0
/*
 * Masquerading (NAT, ipvsadm -m): requests get the real server as their
 * destination, replies get the virtual service back as their source.
 */
#include <net/checksum.h>
#include <net/ip.h>

#include "../core/kvs.h"

/*
 * Rewrite the source (@src) or destination address and port of an IPv4
 * TCP/UDP packet, keeping the IP and transport checksums right whether
 * the transport checksum is complete, partial (offloaded) or, for UDP,
 * absent.  @iph describes the packet as parsed.
 */
int kvs_nat_rewrite_ipv4(struct sk_buff *skb, const struct kvs_iph *iph,
			 const struct kvs_proto *pp, bool src,
			 __be32 addr, __be16 port)
{
	unsigned int end = iph->thoff + max_t(unsigned int, pp->min_hdr,
					      pp->csum_offset + sizeof(__sum16));
	struct iphdr *ip;
	__sum16 *check;
	__be16 *portp;
	__be32 *addrp;

	if (skb_ensure_writable(skb, end))
		return -ENOMEM;
	ip = ip_hdr(skb);
	addrp = src ? &ip->saddr : &ip->daddr;
	portp = (__be16 *)(skb->data + iph->thoff) + (src ? 0 : 1);
	check = (__sum16 *)(skb->data + iph->thoff + pp->csum_offset);

	if (pp->nat_csum) {
		*portp = port;
		csum_replace4(&ip->check, *addrp, addr);
		*addrp = addr;
		pp->nat_csum(skb, iph->thoff);
		return 0;
	}
	/* A UDP checksum of zero means none, and stays none. */
	if (pp->protocol != IPPROTO_UDP || *check ||
	    skb->ip_summed == CHECKSUM_PARTIAL) {
		inet_proto_csum_replace4(check, skb, *addrp, addr, true);
		inet_proto_csum_replace2(check, skb, *portp, port, false);
		if (pp->protocol == IPPROTO_UDP && !*check)
			*check = CSUM_MANGLED_0;
	}
	*portp = port;
	csum_replace4(&ip->check, *addrp, addr);
	*addrp = addr;
	return 0;
}

static unsigned int nat_in(struct kvs_net *kn, struct sk_buff *skb,
			   struct kvs_conn *cp, const struct kvs_iph *iph,
			   unsigned int hooknum)
{
	bool forwarded = hooknum == NF_INET_LOCAL_IN;

	if (forwarded && !kvs_xmit_ttl_ok(skb))
		goto drop;
	if (kvs_nat_rewrite_ipv4(skb, iph, cp->proto, false,
				 kvs_conn_daddr(cp)->ip, kvs_conn_dport(cp)))
		goto drop;
	if (hooknum == NF_INET_LOCAL_OUT)
		return kvs_xmit_reroute_local(kn, skb);
	return kvs_xmit_send_ipv4(kn, skb, kvs_conn_daddr(cp)->ip, forwarded);

drop:
	kvs_drop_count(kn, KVS_DROP_XMIT);
	return NF_DROP;
}

static unsigned int nat_out(struct kvs_net *kn, struct sk_buff *skb,
			    struct kvs_conn *cp, const struct kvs_iph *iph,
			    unsigned int hooknum)
{
	if (kvs_nat_rewrite_ipv4(skb, iph, cp->proto, true,
				 kvs_conn_vaddr(cp)->ip, kvs_conn_vport(cp))) {
		kvs_drop_count(kn, KVS_DROP_XMIT);
		return NF_DROP;
	}
	kvs_skb_set_owned(skb);
	return NF_ACCEPT;
}

const struct kvs_xmit kvs_xmit_nat = {
	.in	= nat_in,
	.out	= nat_out,
};
