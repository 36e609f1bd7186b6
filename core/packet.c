// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the headers the data path balances on.  Nothing here trusts
 * the packet: every header is fetched with skb_header_pointer() against
 * the real length, so a truncated packet is reported, never read past.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/sctp.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "conn.h"
#include "packet.h"

/*
 * The first bytes of a transport header an ICMP error quotes: RFC 792
 * promises 8, which hold the ports of TCP, UDP and SCTP.
 */
#define QUOTE_MIN_L4	8

/*
 * Check that the transport header of a TCP, UDP or SCTP packet lies
 * within @end and read its ports; other protocols carry none.  In a
 * @quote (the packet an ICMP error carries) only QUOTE_MIN_L4 bytes need
 * to be there.
 */
static int parse_ports(const struct sk_buff *skb, struct kvs_iph *iph,
		       unsigned int end, bool quote)
{
	const struct tcphdr *th;
	struct tcphdr _th;
	const __be16 *ports;
	__be16 _ports[2];
	unsigned int need;

	switch (iph->protocol) {
	case IPPROTO_TCP:
		need = sizeof(struct tcphdr);
		break;
	case IPPROTO_UDP:
		need = sizeof(struct udphdr);
		break;
	case IPPROTO_SCTP:
		/* A packet carries a chunk at least, as in-tree expects. */
		need = sizeof(struct sctphdr) + sizeof(struct sctp_chunkhdr);
		break;
	default:
		return 0;
	}
	if (quote)
		need = QUOTE_MIN_L4;
	/*
	 * The ports first, where they are there: a packet refused below
	 * still says which service it was sent to (see the hooks).
	 */
	if (iph->thoff + sizeof(_ports) <= end) {
		ports = skb_header_pointer(skb, iph->thoff, sizeof(_ports),
					   _ports);
		if (!ports)
			return -EINVAL;
		iph->sport = ports[0];
		iph->dport = ports[1];
	}
	if (iph->thoff + need > end)
		return -EINVAL;
	if (iph->protocol == IPPROTO_TCP && !quote) {
		th = skb_header_pointer(skb, iph->thoff, sizeof(_th), &_th);
		if (!th || th->doff < 5 || iph->thoff + th->doff * 4 > end)
			return -EINVAL;
	}
	return 0;
}

/*
 * Fill @iph from the IPv4 header at @nhoff: the packet's own, or the one
 * an ICMP error quotes (@quote), which is cut short: its length field
 * tells what was sent, not what is quoted, and the quote ends with @skb.
 */
static int parse_ipv4(const struct sk_buff *skb, unsigned int nhoff,
		      struct kvs_iph *iph, bool quote)
{
	const struct iphdr *ip;
	struct iphdr _ip;
	unsigned int hlen, tot;

	memset(iph, 0, sizeof(*iph));
	ip = skb_header_pointer(skb, nhoff, sizeof(_ip), &_ip);
	if (!ip || ip->version != 4 || ip->ihl < 5)
		return -EINVAL;
	hlen = ip->ihl * 4;
	tot = ntohs(ip->tot_len);
	/* BIG TCP (6.3+) GSO packets carry 0 and their length in the skb. */
	if (!tot && skb_is_gso(skb))
		tot = skb->len - nhoff;
	if (quote && tot >= hlen)
		tot = min(tot, skb->len - nhoff);
	if (tot < hlen || nhoff + tot > skb->len)
		return -EINVAL;

	iph->af = AF_INET;
	iph->protocol = ip->protocol;
	iph->thoff = nhoff + hlen;
	iph->len = skb->len;
	iph->saddr.ip = ip->saddr;
	iph->daddr.ip = ip->daddr;
	iph->fragment = !!(ip->frag_off & htons(IP_OFFSET));
	if (iph->fragment)
		return 0;

	return parse_ports(skb, iph, nhoff + tot, quote);
}

/*
 * Fill @iph from an IPv4 packet whose network header is at
 * skb_network_offset().  Returns 0, or -EINVAL when the IP header or the
 * transport header of a TCP/UDP/SCTP first fragment does not fit.
 */
int kvs_parse_ipv4(const struct sk_buff *skb, struct kvs_iph *iph)
{
	return parse_ipv4(skb, skb_network_offset(skb), iph, false);
}

/*
 * Fill @iph from the IPv6 header at @nhoff (the packet's own, or a @quote
 * as for IPv4), walking its extension headers to the transport one with
 * the kernel's ipv6_skip_exthdr().  A packet that is not the
 * first fragment is flagged and has no ports.  Returns 0, or -EINVAL when
 * the fixed header, the extension chain or the transport header of a
 * TCP/UDP/SCTP packet does not fit in the payload length.  A chain ending
 * in "no next header" carries nothing to balance and is refused too.
 */
static int parse_ipv6(const struct sk_buff *skb, unsigned int nhoff,
		      struct kvs_iph *iph, bool quote)
{
	const struct ipv6hdr *ip6;
	struct ipv6hdr _ip6;
	unsigned int end;
	__be16 frag_off;
	u8 nexthdr;
	int thoff;

	memset(iph, 0, sizeof(*iph));
	ip6 = skb_header_pointer(skb, nhoff, sizeof(_ip6), &_ip6);
	if (!ip6 || ip6->version != 6)
		return -EINVAL;
	end = nhoff + sizeof(*ip6) + ntohs(ip6->payload_len);
	/*
	 * BIG TCP GSO packets carry 0 and their length in the skb; a
	 * jumbogram's hop-by-hop header then lies past @end: refused.
	 */
	if ((!ip6->payload_len && skb_is_gso(skb)) || quote)
		end = skb->len;
	if (end > skb->len)
		return -EINVAL;

	nexthdr = ip6->nexthdr;
	thoff = ipv6_skip_exthdr(skb, nhoff + sizeof(*ip6), &nexthdr,
				 &frag_off);
	/* The walk reads within the skb; the chain must fit the payload. */
	if (thoff < 0 || thoff > end)
		return -EINVAL;

	iph->af = AF_INET6;
	iph->len = skb->len;
	iph->saddr.in6 = ip6->saddr;
	iph->daddr.in6 = ip6->daddr;
	iph->fragment = !!(frag_off & htons(IP6_OFFSET));
	if (iph->fragment) {
		const struct frag_hdr *fh;
		struct frag_hdr _fh;

		/* The walk stopped at the fragment header: step over it. */
		fh = skb_header_pointer(skb, thoff, sizeof(_fh), &_fh);
		if (!fh || thoff + sizeof(_fh) > end)
			return -EINVAL;
		iph->protocol = fh->nexthdr;
		iph->thoff = thoff + sizeof(_fh);
		return 0;
	}
	iph->protocol = nexthdr;
	iph->thoff = thoff;

	return parse_ports(skb, iph, end, quote);
}

int kvs_parse_ipv6(const struct sk_buff *skb, struct kvs_iph *iph)
{
	return parse_ipv6(skb, skb_network_offset(skb), iph, false);
}

/*
 * Fill @iph from the header an ICMP error quotes at @off, of family @af.
 * The quote may be cut anywhere after the first QUOTE_MIN_L4 bytes of a
 * TCP, UDP or SCTP header; a shorter one, or garbage, gives -EINVAL.
 */
int kvs_parse_quote(const struct sk_buff *skb, unsigned int off, u16 af,
		    struct kvs_iph *iph)
{
	if (IS_ENABLED(CONFIG_IPV6) && af == AF_INET6)
		return parse_ipv6(skb, off, iph, true);
	return parse_ipv4(skb, off, iph, true);
}

/* The tuple a packet travels on, as the connection table keys it. */
void kvs_tuple_from_iph(struct kvs_tuple *t, const struct kvs_iph *iph)
{
	memset(t, 0, sizeof(*t));
	t->af = iph->af;
	t->protocol = iph->protocol;
	t->src = iph->saddr;
	t->dst = iph->daddr;
	t->sport = iph->sport;
	t->dport = iph->dport;
}
