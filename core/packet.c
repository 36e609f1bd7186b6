// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the headers the data path balances on.  Nothing here trusts
 * the packet: every header is fetched with skb_header_pointer() against
 * the real length, so a truncated packet is reported, never read past.
 */
#include <linux/ip.h>
#include <linux/sctp.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>

#include "kvs.h"

/*
 * Check that the transport header of a TCP, UDP or SCTP packet lies
 * within @end and read its ports; other protocols carry none.
 */
static int parse_ports(const struct sk_buff *skb, struct kvs_iph *iph,
		       unsigned int end)
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
		need = sizeof(struct sctphdr);
		break;
	default:
		return 0;
	}
	if (iph->thoff + need > end)
		return -EINVAL;
	if (iph->protocol == IPPROTO_TCP) {
		th = skb_header_pointer(skb, iph->thoff, sizeof(_th), &_th);
		if (!th || th->doff < 5 || iph->thoff + th->doff * 4 > end)
			return -EINVAL;
	}
	ports = skb_header_pointer(skb, iph->thoff, sizeof(_ports), _ports);
	if (!ports)
		return -EINVAL;
	iph->sport = ports[0];
	iph->dport = ports[1];
	return 0;
}

/*
 * Fill @iph from an IPv4 packet whose network header is at
 * skb_network_offset().  Returns 0, or -EINVAL when the IP header or the
 * transport header of a TCP/UDP/SCTP first fragment does not fit.
 */
int kvs_parse_ipv4(const struct sk_buff *skb, struct kvs_iph *iph)
{
	unsigned int nhoff = skb_network_offset(skb);
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

	return parse_ports(skb, iph, nhoff + tot);
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
