// SPDX-License-Identifier: GPL-2.0
/*
 * The transport protocols kvs balances, looked up by IP protocol number.
 */
#include "netns.h"
#include "proto.h"

const struct kvs_proto *kvs_proto_find(u8 protocol)
{
	switch (protocol) {
	case IPPROTO_TCP:
		return &kvs_proto_tcp;
	case IPPROTO_UDP:
		return &kvs_proto_udp;
	case IPPROTO_SCTP:
		return &kvs_proto_sctp;
	default:
		return NULL;
	}
}

void kvs_proto_timeouts_init(struct kvs_net *kn)
{
	kvs_tcp_timeouts_init(kn);
	kvs_udp_timeouts_init(kn);
}
