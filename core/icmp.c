// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP and ICMPv6: the errors kvs sends itself (service unreachable,
 * packet too big, hop limit exceeded), and the errors other hosts send
 * about a balanced connection, which are matched to the connection
 * through the header they quote and passed on, translated, to the host
 * at the other end.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/netfilter.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>

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
