// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP and ICMPv6: the errors kvs sends itself (service unreachable,
 * packet too big, hop limit exceeded), and the errors other hosts send
 * about a balanced connection, which are matched to the connection
 * through the header they quote and passed on, translated, to the host
 * at the other end; among those, the errors a router beyond the first
 * hop sends about the director's own tunnel packets (path MTU).
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/netfilter.h>
#include <net/gre.h>
#include <net/gue.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/route.h>

#include "../xmit/xmit.h"
#include "icmp.h"
#include "nfct.h"
#include "packet.h"
#include "schedule.h"
#include "service.h"

/* The ICMP types that quote the packet they are about (in-tree's set). */
static bool icmp_is_error(u16 af, u8 type)
{
	if (af == AF_INET6)
		return !(type & ICMPV6_INFOMSG_MASK);
	return type == ICMP_DEST_UNREACH || type == ICMP_SOURCE_QUENCH ||
	       type == ICMP_TIME_EXCEEDED;
}

/* The quoted header follows the 8-byte ICMP (or ICMPv6) header. */
#define ICMP_QUOTE_OFF	8

/* Replace the 1 or 4 words of an address under a checksum. */
static void csum_replace_addr(__sum16 *check, u16 af, const __be32 *from,
			      const __be32 *to)
{
	int i;

	for (i = 0; i < (af == AF_INET6 ? 4 : 1); i++)
		csum_replace4(check, from[i], to[i]);
}

/*
 * Rewrite the ICMP error @skb about connection @cp, parsed as @iph, whose
 * quote is @ciph.  @to_client: it quotes a request as the real server
 * got it, and goes to the client: its source and the quoted destination
 * become the virtual service.  Otherwise it quotes a reply the client
 * got, and goes to the real server: its destination and the quoted
 * source become the real server.  The outer and quoted IPv4 header
 * checksums, the quoted transport checksum (when quoted and not SCTP's
 * CRC) and the ICMP checksum are all kept right.
 */
int kvs_icmp_nat(struct sk_buff *skb, const struct kvs_iph *iph,
		 const struct kvs_iph *ciph, const struct kvs_conn *cp,
		 bool to_client)
{
	const union nf_inet_addr *to = to_client ? kvs_conn_vaddr(cp) :
						   kvs_conn_daddr(cp);
	__be16 port = to_client ? kvs_conn_vport(cp) : kvs_conn_dport(cp);
	unsigned int coff = iph->thoff + ICMP_QUOTE_OFF;
	unsigned int cend = ciph->thoff + 2 * sizeof(__be16);
	const struct kvs_proto *pp = cp->proto;
	__sum16 *ccheck = NULL, *icheck;
	__be32 *outer, *inner;
	__be16 *cports;
	unsigned int len;
	__wsum sum;

	if (pp->protocol != IPPROTO_SCTP &&
	    ciph->thoff + pp->csum_offset + sizeof(__sum16) <= skb->len)
		cend = ciph->thoff + pp->csum_offset + sizeof(__sum16);
	if (skb_ensure_writable(skb, cend))
		return -ENOMEM;
	cports = (__be16 *)(skb->data + ciph->thoff);
	if (cend > ciph->thoff + 2 * sizeof(__be16)) {
		ccheck = (__sum16 *)(skb->data + ciph->thoff + pp->csum_offset);
		/* A UDP checksum of zero means none, and stays none. */
		if (pp->protocol == IPPROTO_UDP && !*ccheck)
			ccheck = NULL;
	}

	if (IS_ENABLED(CONFIG_IPV6) && iph->af == AF_INET6) {
		struct ipv6hdr *ip6 = ipv6_hdr(skb);
		struct ipv6hdr *cip6 = (struct ipv6hdr *)(skb->data + coff);

		outer = (to_client ? &ip6->saddr : &ip6->daddr)->s6_addr32;
		inner = (to_client ? &cip6->daddr : &cip6->saddr)->s6_addr32;
		icheck = &((struct icmp6hdr *)(skb->data + iph->thoff))->icmp6_cksum;
	} else {
		struct iphdr *ip = ip_hdr(skb);
		struct iphdr *cip = (struct iphdr *)(skb->data + coff);

		outer = to_client ? &ip->saddr : &ip->daddr;
		inner = to_client ? &cip->daddr : &cip->saddr;
		csum_replace4(&ip->check, *outer, to->ip);
		csum_replace4(&cip->check, *inner, to->ip);
		icheck = &((struct icmphdr *)(skb->data + iph->thoff))->checksum;
	}
	if (ccheck) {
		csum_replace_addr(ccheck, iph->af, inner, to->ip6);
		csum_replace2(ccheck, cports[to_client], port);
		if (pp->protocol == IPPROTO_UDP && !*ccheck)
			*ccheck = CSUM_MANGLED_0;
	}
	memcpy(outer, to->all, iph->af == AF_INET6 ? 16 : 4);
	memcpy(inner, to->all, iph->af == AF_INET6 ? 16 : 4);
	cports[to_client] = port;

	/* Errors are short and rare: sum the whole message again. */
	len = skb->len - iph->thoff;
	*icheck = 0;
	sum = skb_checksum(skb, iph->thoff, len, 0);
	if (IS_ENABLED(CONFIG_IPV6) && iph->af == AF_INET6)
		*icheck = csum_ipv6_magic(&ipv6_hdr(skb)->saddr,
					  &ipv6_hdr(skb)->daddr, len,
					  IPPROTO_ICMPV6, sum);
	else
		*icheck = csum_fold(sum);
	skb->ip_summed = CHECKSUM_NONE;
	return 0;
}

static bool is_masq(const struct kvs_conn *cp)
{
	return (cp->flags & IP_VS_CONN_F_FWD_MASK) == IP_VS_CONN_F_MASQ;
}

/* An error about a request, from the real server or a router before it. */
static unsigned int icmp_to_client(struct kvs_net *kn, struct sk_buff *skb,
				   const struct kvs_iph *iph,
				   const struct kvs_iph *ciph, struct kvs_conn *cp)
{
	kvs_stats_packet(cp, KVS_DIR_REPLY, skb->len);
	if (is_masq(cp) && kvs_icmp_nat(skb, iph, ciph, cp, true)) {
		kvs_drop_count(kn, KVS_DROP_XMIT);
		return NF_DROP;
	}
	kvs_skb_set_owned(skb);
	kvs_nfct_reply(skb, cp);
	return NF_ACCEPT;
}

/*
 * An error about a reply, from the client or a router on its side, sent
 * to the virtual service: on to the real server.  Other methods than NAT
 * pass it on untouched, as they pass requests.
 */
static unsigned int icmp_to_server(struct kvs_net *kn, struct sk_buff *skb,
				   const struct kvs_iph *iph,
				   const struct kvs_iph *ciph, struct kvs_conn *cp,
				   unsigned int hooknum)
{
	const union nf_inet_addr *daddr = kvs_conn_daddr(cp);

	kvs_stats_packet(cp, KVS_DIR_ORIG, skb->len);
	if (!is_masq(cp))
		return kvs_xmit_find(cp->flags)->in(kn, skb, cp, iph, hooknum);
	if (!kvs_xmit_ttl_ok(skb) || kvs_icmp_nat(skb, iph, ciph, cp, false)) {
		kvs_drop_count(kn, KVS_DROP_XMIT);
		return NF_DROP;
	}
	kvs_nfct_request(skb, cp);
	return kvs_xmit_send(kn, skb, iph->af, daddr, NULL, true);
}

/*
 * sysctl schedule_icmp: an error that quotes a packet from a virtual
 * service to a client, about no connection kvs knows (say, another
 * director balanced it before), schedules the request that packet
 * answered, as in-tree: the quote turned around.  The connection is
 * made and counted as any, and the error goes on to its real server.
 * NULL with *@verdict when there is nothing to schedule.
 */
static struct kvs_conn *icmp_schedule(struct kvs_net *kn, struct sk_buff *skb,
				      const struct kvs_iph *ciph,
				      struct kvs_conn *onep,
				      unsigned int *verdict)
{
	struct kvs_iph req = *ciph;
	struct kvs_service *svc;
	struct kvs_conn *cp;
	int err;

	swap(req.saddr, req.daddr);
	swap(req.sport, req.dport);
	*verdict = NF_ACCEPT;
	svc = kvs_service_for(kn, skb, &req);
	if (!svc)
		return NULL;
	err = kvs_conn_schedule(kn, svc, skb, &req,
				kvs_proto_find(req.protocol), onep, &cp);
	if (!err) {
		/*
		 * No packet of its own set its state: as in-tree, it lasts
		 * the few seconds of a new connection unless one follows.
		 */
		if (cp != onep)
			kvs_conn_set_timeout(cp, 3 * HZ);
		return cp;
	}
	/* No dest: the error is dropped, with nobody to tell. */
	if (err == -ENOENT)
		kvs_drop_count(kn, KVS_DROP_NO_DEST);
	*verdict = NF_DROP;
	return NULL;
}

/*
 * Where the packet the director tunnelled starts inside its own outer
 * IPv4 header @o, quoted by an error: past IPIP's outer header, GUE's
 * UDP and GUE headers (with their options), or the GRE header (with its
 * checksum word).  Only encapsulations kvs makes, of an IPv4 packet, as
 * in-tree.  Sets @type to the IP_VS_CONN_F_TUNNEL_TYPE_*; 0 for anything
 * else.
 */
static unsigned int tun_quote_inner(const struct sk_buff *skb,
				    const struct kvs_iph *o, u16 *type)
{
	unsigned int off = o->thoff;

	switch (o->protocol) {
	case IPPROTO_IPIP:
		*type = IP_VS_CONN_F_TUNNEL_TYPE_IPIP;
		return off;
	case IPPROTO_UDP: {
		const struct guehdr *gh;
		struct guehdr _gh;

		off += sizeof(struct udphdr);
		gh = skb_header_pointer(skb, off, sizeof(_gh), &_gh);
		if (!gh || gh->version || gh->control ||
		    gh->proto_ctype != IPPROTO_IPIP)
			return 0;
		*type = IP_VS_CONN_F_TUNNEL_TYPE_GUE;
		return off + sizeof(*gh) + (gh->hlen << 2);
	}
	case IPPROTO_GRE: {
		const struct gre_base_hdr *gh;
		struct gre_base_hdr _gh;

		gh = skb_header_pointer(skb, off, sizeof(_gh), &_gh);
		if (!gh || (gh->flags & ~GRE_CSUM) ||
		    gh->protocol != htons(ETH_P_IP))
			return 0;
		*type = IP_VS_CONN_F_TUNNEL_TYPE_GRE;
		return off + sizeof(*gh) + (gh->flags & GRE_CSUM ? 4 : 0);
	}
	default:
		return 0;
	}
}

/*
 * The tunnel connection whose request, at @inner in @skb, the director
 * sent inside the outer header @o (of type @type): the outer header went
 * to that connection's real server, by its tunnel.  NULL if none.
 */
static struct kvs_conn *tun_quote_conn(struct kvs_net *kn,
				       const struct sk_buff *skb,
				       const struct kvs_iph *o, u16 type,
				       unsigned int inner, struct kvs_iph *ciph)
{
	const struct kvs_dest *dest;
	struct kvs_conn *cp;
	struct kvs_tuple t;
	enum kvs_dir dir;

	if (kvs_parse_quote(skb, inner, AF_INET, ciph) || ciph->fragment ||
	    !kvs_proto_find(ciph->protocol))
		return NULL;
	/* The quoted request went the way the connection's requests go. */
	kvs_tuple_from_iph(&t, ciph);
	cp = kvs_conn_lookup(&kn->conns, &t, &dir);
	if (!cp || dir != KVS_DIR_ORIG ||
	    (cp->flags & IP_VS_CONN_F_FWD_MASK) != IP_VS_CONN_F_TUNNEL)
		return NULL;
	dest = cp->dest;
	if (dest->af != AF_INET || dest->addr.ip != o->daddr.ip ||
	    READ_ONCE(dest->tun_type) != type ||
	    (type == IP_VS_CONN_F_TUNNEL_TYPE_GUE &&
	     READ_ONCE(dest->tun_port) != o->dport))
		return NULL;
	return cp;
}

/*
 * "Fragmentation needed" about the tunnel packet of @cp, whose outer
 * header is now at skb->data and @tun_len long with its encapsulation:
 * the route toward the real server takes the @mtu the router reported
 * (the kernel's own exception for that destination, which the routes
 * kvs caches see too), and the MTU the client is told is what is left
 * of the route's resulting path MTU inside the tunnel.
 */
static u32 tun_pmtu_update(struct kvs_net *kn, struct sk_buff *skb,
			   struct kvs_conn *cp, unsigned int tun_len, u32 mtu)
{
	struct kvs_out o;

	ipv4_update_pmtu(skb, kn->net, mtu, 0, 0);
	/* As in-tree, the route's PMTU wins over a report it did not take. */
	if (!kvs_out_route(kn, skb, AF_INET, &cp->dest->addr,
			   kvs_dest_routes(cp), KVS_OUT_SADDR, &o)) {
		mtu = o.mtu;
		dst_release(o.dst);
	}
	return max_t(int, mtu - tun_len, 68);
}

/*
 * An IPv4 error, met in LOCAL_IN, that quotes the director's own IPIP,
 * GUE or GRE packet to a tunnel real server (a router beyond the first
 * hop refused it): as in-tree, "fragmentation needed" lowers the path
 * MTU toward the real server, and the error goes on to the client,
 * quoting the client's request alone, from the virtual address, with the
 * inner MTU; a request sent without DF is the tunnel's to fragment and
 * nothing is relayed.  The original error is consumed.  *@ours is false
 * (and the verdict NF_ACCEPT) when the quote is no tunnel packet of a
 * connection kvs knows: the caller goes on with it as with any error.
 */
static unsigned int icmp_tunnel(struct kvs_net *kn, struct sk_buff *skb,
				const struct kvs_iph *iph,
				const struct kvs_iph *o, bool *ours)
{
	unsigned int base = iph->thoff + ICMP_QUOTE_OFF;
	unsigned int inner, hlen;
	const struct icmphdr *ic;
	const struct iphdr *cip;
	struct icmphdr _ic;
	struct iphdr _cip;
	struct kvs_iph ciph;
	struct kvs_conn *cp;
	bool frag_needed, df;
	__be32 info;
	u16 type, mtu;
	u8 itype, icode;

	*ours = false;
	if (o->fragment)
		return NF_ACCEPT;
	inner = tun_quote_inner(skb, o, &type);
	if (!inner)
		return NF_ACCEPT;
	cp = tun_quote_conn(kn, skb, o, type, inner, &ciph);
	if (!cp)
		return NF_ACCEPT;
	*ours = true;

	if (nf_checksum(skb, NF_INET_LOCAL_IN, iph->thoff, IPPROTO_ICMP,
			AF_INET))
		goto malformed;
	ic = skb_header_pointer(skb, iph->thoff, sizeof(_ic), &_ic);
	cip = skb_header_pointer(skb, inner, sizeof(_cip), &_cip);
	if (!ic || !cip)
		goto malformed;
	itype = ic->type;
	icode = ic->code;
	info = ic->un.gateway;
	mtu = ntohs(ic->un.frag.mtu);
	frag_needed = itype == ICMP_DEST_UNREACH && icode == ICMP_FRAG_NEEDED;
	df = cip->frag_off & htons(IP_DF);
	hlen = ciph.thoff - inner;

	/* From here on the error is ours: consumed, whatever comes. */
	if (!pskb_pull(skb, base))
		goto consume;
	skb_reset_network_header(skb);
	if (!pskb_may_pull(skb, o->thoff - base))
		goto consume;
	if (frag_needed) {
		if (!df) {
			ipv4_update_pmtu(skb, kn->net, mtu, 0, 0);
			goto consume;
		}
		info = htonl(tun_pmtu_update(kn, skb, cp, inner - base, mtu));
	}

	/* The client's request alone, as the error it gets quotes it. */
	if (!pskb_pull(skb, inner - base))
		goto consume;
	skb_reset_network_header(skb);
	if (!pskb_may_pull(skb, hlen) || ip_hdr(skb)->ihl * 4 != hlen)
		goto consume;
	skb_set_transport_header(skb, hlen);
	memset(&IPCB(skb)->opt, 0, sizeof(IPCB(skb)->opt));
	kvs_stats_packet(cp, KVS_DIR_REPLY, skb->len);
	icmp_send(skb, itype, icode, info);
consume:
	consume_skb(skb);
	return NF_STOLEN;

malformed:
	kvs_drop_count(kn, KVS_DROP_MALFORMED);
	return NF_DROP;
}

/*
 * An ICMP or ICMPv6 packet met by a kvs hook.  Errors that quote a packet
 * of a balanced connection (or, with schedule_icmp, of a virtual
 * service) are translated for it and sent on (see above); anything else
 * is none of kvs's business.  An error whose quote
 * is garbage or cut short is dropped and counted, except in FORWARD,
 * where what only passes through is not ours to judge.
 */
unsigned int kvs_icmp_hook(struct kvs_net *kn, struct sk_buff *skb,
			   const struct kvs_iph *iph, unsigned int hooknum)
{
	struct kvs_conn onep, *cp;
	unsigned int verdict;
	struct kvs_iph ciph;
	struct kvs_tuple t;
	enum kvs_dir dir;
	u8 _type;
	const u8 *type;

	/*
	 * An ICMP message kvs cannot read, or an error quoting garbage,
	 * belongs to no connection: the stack judges it, as in-tree.
	 */
	type = skb_header_pointer(skb, iph->thoff, sizeof(_type), &_type);
	if (!type || !icmp_is_error(iph->af, *type))
		return NF_ACCEPT;
	if (kvs_parse_quote(skb, iph->thoff + ICMP_QUOTE_OFF, iph->af, &ciph))
		return NF_ACCEPT;
	if (iph->af == AF_INET && hooknum == NF_INET_LOCAL_IN) {
		bool ours;

		verdict = icmp_tunnel(kn, skb, iph, &ciph, &ours);
		if (ours)
			return verdict;
	}
	if (ciph.fragment || !kvs_proto_find(ciph.protocol))
		return NF_ACCEPT;

	/* The quoted packet went the other way: swap its ends. */
	kvs_tuple_from_iph(&t, &ciph);
	swap(t.src, t.dst);
	swap(t.sport, t.dport);
	cp = kvs_conn_lookup(&kn->conns, &t, &dir);
	if (!cp) {
		if (hooknum != NF_INET_LOCAL_IN ||
		    !READ_ONCE(kn->sysctl.schedule_icmp))
			return NF_ACCEPT;
		cp = icmp_schedule(kn, skb, &ciph, &onep, &verdict);
		if (!cp)
			return verdict;
		dir = KVS_DIR_ORIG;
	}
	if (dir == KVS_DIR_ORIG && hooknum != NF_INET_LOCAL_IN)
		return NF_ACCEPT;
	/* What came from elsewhere must add up before it is rewritten. */
	if (hooknum != NF_INET_LOCAL_OUT && is_masq(cp) &&
	    nf_checksum(skb, hooknum, iph->thoff, iph->protocol, iph->af))
		goto malformed;
	if (dir == KVS_DIR_REPLY)
		return icmp_to_client(kn, skb, iph, &ciph, cp);
	return icmp_to_server(kn, skb, iph, &ciph, cp, hooknum);

malformed:
	if (hooknum == NF_INET_FORWARD)
		return NF_ACCEPT;
	kvs_drop_count(kn, KVS_DROP_MALFORMED);
	return NF_DROP;
}
