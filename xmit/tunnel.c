// SPDX-License-Identifier: GPL-2.0
/*
 * Tunnelling (ipvsadm -i): the client's packet, untouched but for its
 * hop count, travels inside a new IP header to the real server, which
 * decapsulates it and answers the client directly.  Encapsulations:
 * IPIP (IPv4 or IPv6 inside, by the inner family), GUE (UDP to
 * --tun-port, optionally with a checksum or remote checksum offload)
 * and GRE (optionally with a checksum).  The outer family is the real
 * server's, which may differ from the virtual service's.
 *
 * kvs_tun_encap() only builds headers, so KUnit drives it directly.
 */
#include <linux/if_tunnel.h>
#include <net/gue.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>
#include <net/udp.h>

#include "../core/nfct.h"
#include "../core/packet.h"
#include "../core/service.h"
#include "xmit.h"

struct kvs_gre_hdr {
	__be16 flags;
	__be16 protocol;
};

/* The encapsulation's own bytes, between the outer IP header and the inner one. */
static unsigned int encap_len(const struct kvs_tun *t, const struct sk_buff *skb)
{
	unsigned int len;

	switch (t->type) {
	case IP_VS_CONN_F_TUNNEL_TYPE_GUE:
		len = sizeof(struct udphdr) + sizeof(struct guehdr);
		if ((t->flags & IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM) &&
		    skb->ip_summed == CHECKSUM_PARTIAL)
			len += GUE_LEN_PRIV + GUE_PLEN_REMCSUM;
		return len;
	case IP_VS_CONN_F_TUNNEL_TYPE_GRE:
		len = sizeof(struct kvs_gre_hdr);
		if (t->flags & IP_VS_TUNNEL_ENCAP_FLAG_CSUM)
			len += 4;
		return len;
	default:
		return 0;
	}
}

/* Everything the tunnel puts in front of @skb: outer IP header included. */
unsigned int kvs_tun_hdr_len(const struct kvs_tun *t, const struct sk_buff *skb)
{
	unsigned int ip = t->af == AF_INET6 ? sizeof(struct ipv6hdr) :
					      sizeof(struct iphdr);

	return ip + encap_len(t, skb);
}

/* What the inner header lends the outer one. */
struct inner_info {
	u8 proto;		/* IPPROTO_IPIP or IPPROTO_IPV6 */
	u8 dsfield;
	u8 ttl;
	__be16 df;
};

static int inner_read(struct sk_buff *skb, struct inner_info *in)
{
	unsigned int len = skb->len;
	u8 ds;

	if (len < sizeof(struct iphdr))
		return -EINVAL;
	switch (ip_hdr(skb)->version) {
	case 4:
		if (ip_hdr(skb)->ihl < 5 ||
		    len < ip_hdr(skb)->ihl * 4 || len < skb_ip_totlen(skb))
			return -EINVAL;
		in->proto = IPPROTO_IPIP;
		ds = ipv4_get_dsfield(ip_hdr(skb));
		in->ttl = ip_hdr(skb)->ttl;
		in->df = ip_hdr(skb)->frag_off & htons(IP_DF);
		break;
	case 6:
		if (len < sizeof(struct ipv6hdr) ||
		    len < sizeof(struct ipv6hdr) +
			  ntohs(ipv6_hdr(skb)->payload_len))
			return -EINVAL;
		in->proto = IPPROTO_IPV6;
		ds = ipv6_get_dsfield(ipv6_hdr(skb));
		in->ttl = ipv6_hdr(skb)->hop_limit;
		in->df = 0;
		break;
	default:
		return -EINVAL;
	}
	in->dsfield = INET_ECN_encapsulate(ds, ds);
	return 0;
}

static int gso_type(const struct kvs_tun *t, const struct sk_buff *skb)
{
	int type = t->af == AF_INET6 ? SKB_GSO_IPXIP6 : SKB_GSO_IPXIP4;
	bool csum = t->flags & (IP_VS_TUNNEL_ENCAP_FLAG_CSUM |
				IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM);

	switch (t->type) {
	case IP_VS_CONN_F_TUNNEL_TYPE_GUE:
		type |= csum ? SKB_GSO_UDP_TUNNEL_CSUM : SKB_GSO_UDP_TUNNEL;
		if ((t->flags & IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM) &&
		    skb->ip_summed == CHECKSUM_PARTIAL)
			type |= SKB_GSO_TUNNEL_REMCSUM;
		break;
	case IP_VS_CONN_F_TUNNEL_TYPE_GRE:
		type |= (t->flags & IP_VS_TUNNEL_ENCAP_FLAG_CSUM) ?
			SKB_GSO_GRE_CSUM : SKB_GSO_GRE;
		break;
	}
	return type;
}

/*
 * GUE header (and, when the inner checksum is still to be done and the
 * real server offered remote checksum offload, the private flags and
 * the remcsum start/offset words), then UDP.
 */
static int push_gue(struct net *net, struct sk_buff *skb,
		    const struct kvs_tun *t, u8 *proto)
{
	bool remcsum = (t->flags & IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM) &&
		       skb->ip_summed == CHECKSUM_PARTIAL;
	unsigned int optlen = remcsum ? GUE_LEN_PRIV + GUE_PLEN_REMCSUM : 0;
	unsigned int hlen = sizeof(struct guehdr) + optlen;
	__be16 sport = udp_flow_src_port(net, skb, 0, 0, false);
	struct guehdr *gh;
	struct udphdr *uh;

	if (remcsum && skb_checksum_start_offset(skb) < 0)
		return -EINVAL;
	gh = skb_push(skb, hlen);
	memset(gh, 0, hlen);
	gh->hlen = optlen >> 2;
	gh->proto_ctype = *proto;
	if (remcsum) {
		__be32 *pflags = (__be32 *)(gh + 1);
		__be16 *pd = (__be16 *)(pflags + 1);
		/* Offsets from the end of the GUE header, as RFC'd for GUE. */
		u16 start = skb_checksum_start_offset(skb) - hlen;

		gh->flags = GUE_FLAG_PRIV;
		*pflags = GUE_PFLAG_REMCSUM;
		pd[0] = htons(start);
		pd[1] = htons(start + skb->csum_offset);
		if (!skb_is_gso(skb)) {
			skb->ip_summed = CHECKSUM_NONE;
			skb->encapsulation = 0;
		}
	}

	uh = skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh->source = sport;
	uh->dest = t->port;
	uh->len = htons(skb->len);
	uh->check = 0;
	*proto = IPPROTO_UDP;
	return 0;
}

/* RFC 2784 GRE with no key or sequence number; checksum on request. */
static void push_gre(struct sk_buff *skb, const struct kvs_tun *t, u8 *proto)
{
	bool csum = t->flags & IP_VS_TUNNEL_ENCAP_FLAG_CSUM;
	__be16 inner = *proto == IPPROTO_IPIP ? htons(ETH_P_IP) :
						htons(ETH_P_IPV6);
	struct kvs_gre_hdr *gh;
	__be32 *word;

	gh = skb_push(skb, encap_len(t, skb));
	skb_set_inner_protocol(skb, inner);
	skb_reset_transport_header(skb);
	gh->flags = csum ? GRE_CSUM : 0;
	gh->protocol = inner;
	*proto = IPPROTO_GRE;
	if (!csum)
		return;
	word = (__be32 *)(gh + 1);
	*word = 0;
	/* GSO computes it per segment. */
	if (skb_shinfo(skb)->gso_type & (SKB_GSO_GRE | SKB_GSO_GRE_CSUM))
		return;
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		/* The inner checksum is still pending: derive ours from it. */
		*(__sum16 *)word = csum_fold(lco_csum(skb));
	} else {
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = sizeof(*gh);
	}
}

static void push_ipv4(struct net *net, struct sk_buff *skb,
		      const struct kvs_tun *t, const struct inner_info *in,
		      u8 proto, bool keep_df)
{
	struct iphdr *iph;

	iph = skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph->version = 4;
	iph->ihl = sizeof(*iph) >> 2;
	iph->tos = in->dsfield;
	iph->tot_len = htons(skb->len);
	iph->frag_off = keep_df ? in->df : 0;
	iph->ttl = in->ttl;
	iph->protocol = proto;
	iph->saddr = t->saddr.ip;
	iph->daddr = t->daddr.ip;
	ip_select_ident(net, skb, NULL);
	ip_send_check(iph);
	skb->protocol = htons(ETH_P_IP);
}

static void push_ipv6(struct net *net, struct sk_buff *skb,
		      const struct kvs_tun *t, const struct inner_info *in,
		      u8 proto)
{
	struct ipv6hdr *ip6h;

	ip6h = skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6_flow_hdr(ip6h, in->dsfield,
		     ip6_make_flowlabel(net, skb, 0, false, NULL));
	ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
	ip6h->nexthdr = proto;
	ip6h->hop_limit = in->ttl;
	ip6h->saddr = t->saddr.in6;
	ip6h->daddr = t->daddr.in6;
	skb->protocol = htons(ETH_P_IPV6);
}

/*
 * Put @skb, an IPv4 or IPv6 packet starting at skb->data (its network
 * header), inside the tunnel @t: encapsulation and outer IP header, all
 * fields final.  @headroom is what the output device adds in front.
 * @keep_df: an IPv4 outer header copies the inner DF bit (pmtu_disc).
 * Returns 0, -EINVAL for an inner packet shorter than its own header
 * says, or -ENOMEM; on error the packet may have been reallocated but
 * still holds the inner packet at skb->data.
 */
int kvs_tun_encap(struct net *net, struct sk_buff *skb,
		  const struct kvs_tun *t, unsigned int headroom, bool keep_df)
{
	unsigned int hlen = kvs_tun_hdr_len(t, skb);
	struct inner_info in;
	u8 proto;
	int err;

	if (skb_network_offset(skb) != 0)
		return -EINVAL;
	err = inner_read(skb, &in);
	if (err)
		return err;
	err = skb_cow_head(skb, hlen + headroom);
	if (err)
		return err;
	if (in.proto == IPPROTO_IPIP)
		ip_send_check(ip_hdr(skb));

	err = iptunnel_handle_offloads(skb, gso_type(t, skb));
	if (err)
		return err;
	skb->transport_header = skb->network_header;
	skb_set_inner_ipproto(skb, in.proto);
	skb_set_inner_mac_header(skb, skb_inner_network_offset(skb));

	proto = in.proto;
	if (t->type == IP_VS_CONN_F_TUNNEL_TYPE_GUE) {
		err = push_gue(net, skb, t, &proto);
		if (err)
			return err;
	} else if (t->type == IP_VS_CONN_F_TUNNEL_TYPE_GRE) {
		push_gre(skb, t, &proto);
	}

	if (t->af == AF_INET6) {
		push_ipv6(net, skb, t, &in, proto);
		if (proto == IPPROTO_UDP)
			udp6_set_csum(!(t->flags & (IP_VS_TUNNEL_ENCAP_FLAG_CSUM |
						    IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM)),
				      skb, &t->saddr.in6, &t->daddr.in6,
				      skb->len - sizeof(struct ipv6hdr));
	} else {
		push_ipv4(net, skb, t, &in, proto, keep_df);
		if (proto == IPPROTO_UDP)
			udp_set_csum(!(t->flags & (IP_VS_TUNNEL_ENCAP_FLAG_CSUM |
						   IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM)),
				     skb, t->saddr.ip, t->daddr.ip,
				     skb->len - sizeof(struct iphdr));
	}
	return 0;
}

static unsigned int tunnel_in(struct kvs_net *kn, struct sk_buff *skb,
			      struct kvs_conn *cp, const struct kvs_iph *iph,
			      unsigned int hooknum)
{
	const struct kvs_dest *dest = cp->dest;
	bool pmtu = READ_ONCE(kn->sysctl.pmtu_disc);
	unsigned int mtu, min_mtu;
	struct kvs_out o;
	struct kvs_tun t;
	int ret;

	t.af = dest->af;
	t.type = READ_ONCE(dest->tun_type);
	t.flags = READ_ONCE(dest->tun_flags);
	t.port = READ_ONCE(dest->tun_port);
	t.daddr = dest->addr;
	ret = kvs_out_route(kn, skb, t.af, &t.daddr, kvs_dest_routes(cp),
			    KVS_OUT_SADDR, &o);
	if (ret < 0)
		goto drop;
	if (ret) {
		kvs_nfct_request(skb, cp);
		return kvs_xmit_local(kn, skb, cp, iph, hooknum);
	}
	t.saddr = o.saddr;

	if (hooknum == NF_INET_LOCAL_IN && !kvs_out_dec_ttl(skb, iph->af))
		goto drop_dst;
	min_mtu = t.af == AF_INET6 ? IPV6_MIN_MTU : 68;
	if (o.mtu < min_mtu + kvs_tun_hdr_len(&t, skb))
		goto drop_dst;
	mtu = o.mtu - kvs_tun_hdr_len(&t, skb);
	/* Without pmtu_disc an IPv4 packet is fragmented whatever its DF. */
	if ((pmtu || iph->af == AF_INET6) && kvs_out_too_big(skb, iph->af, mtu))
		goto drop_dst;
	if (kvs_nfct_tunnel(skb, cp) != NF_ACCEPT)
		goto drop_dst;
	if (kvs_tun_encap(kn->net, skb, &t, LL_RESERVED_SPACE(o.dst->dev),
			  pmtu))
		goto drop_dst;
	return kvs_out_send(kn, skb, t.af, &o);

drop_dst:
	dst_release(o.dst);
drop:
	kvs_drop_count(kn, KVS_DROP_XMIT);
	return NF_DROP;
}

const struct kvs_xmit kvs_xmit_tunnel = {
	.in	= tunnel_in,
};
