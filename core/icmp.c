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
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "kvs.h"

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
