// SPDX-License-Identifier: GPL-2.0
/*
 * UDP as the director sees it: every datagram may open a connection,
 * which has a single state kept alive by traffic.
 */
#include <linux/udp.h>

#include "netns.h"
#include "packet.h"

void kvs_udp_timeouts_init(struct kvs_net *kn)
{
	kn->udp_timeout[KVS_UDP_S_NORMAL] = 5 * 60 * HZ;
}

static bool udp_can_schedule(const struct sk_buff *skb,
			     const struct kvs_iph *iph)
{
	return true;
}

static unsigned int udp_timeout(const struct kvs_net *kn, unsigned int state)
{
	return READ_ONCE(kn->udp_timeout[KVS_UDP_S_NORMAL]);
}

static const char *udp_state_name(unsigned int state)
{
	return "UDP";
}

static bool udp_state_active(unsigned int state)
{
	return false;
}

static bool udp_reusable(const struct kvs_conn *cp, int mode)
{
	return false;
}

const struct kvs_proto kvs_proto_udp = {
	.protocol	= IPPROTO_UDP,
	.name		= "UDP",
	.num_states	= KVS_UDP_S_LAST,
	.csum_offset	= offsetof(struct udphdr, check),
	.min_hdr	= sizeof(struct udphdr),
	.can_schedule	= udp_can_schedule,
	.timeout	= udp_timeout,
	.state_name	= udp_state_name,
	.state_active	= udp_state_active,
	.reusable	= udp_reusable,
};
