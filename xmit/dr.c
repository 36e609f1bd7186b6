// SPDX-License-Identifier: GPL-2.0
/*
 * Direct routing (ipvsadm -g) and local delivery.  Direct routing sends
 * the client's packet unchanged, still addressed to the virtual service,
 * to the real server's link-layer address: the route is the real
 * server's, its neighbour entry supplies the MAC.  The real server owns
 * the virtual address too (on lo or a dummy, not answering ARP for it)
 * and replies to the client directly.
 */
#include <net/ip.h>

#include "../core/netns.h"
#include "../core/nfct.h"
#include "../core/packet.h"
#include "xmit.h"

/*
 * The real server is this host: the packet goes on up the local stack
 * (from LOCAL_IN) or on its way to the local VIP (from LOCAL_OUT) as it
 * is, marked so that no hook balances it again.  Also the in-tree
 * "Local" forwarding method.
 */
unsigned int kvs_xmit_local(struct kvs_net *kn, struct sk_buff *skb,
			    struct kvs_conn *cp, const struct kvs_iph *iph,
			    unsigned int hooknum)
{
	kvs_skb_set_owned(skb);
	return NF_ACCEPT;
}

const struct kvs_xmit kvs_xmit_localnode = {
	.in	= kvs_xmit_local,
};

static unsigned int dr_in(struct kvs_net *kn, struct sk_buff *skb,
			  struct kvs_conn *cp, const struct kvs_iph *iph,
			  unsigned int hooknum)
{
	kvs_nfct_request(skb, cp);
	return kvs_xmit_forward(kn, skb, iph->af, kvs_conn_daddr(cp),
				kvs_dest_routes(cp),
				KVS_OUT_KNOWN_NH | KVS_OUT_LOCAL_OK, hooknum);
}

const struct kvs_xmit kvs_xmit_dr = {
	.in	= dr_in,
};
