// SPDX-License-Identifier: GPL-2.0
/*
 * The method table: a connection's forwarding method by its
 * IP_VS_CONN_F_FWD_MASK bits.  What the methods share is xmit/route.c.
 */
#include "xmit.h"

/* The forwarding methods by IP_VS_CONN_F_FWD_MASK value. */
static const struct kvs_xmit *const kvs_xmit_methods[] = {
	[IP_VS_CONN_F_MASQ]		= &kvs_xmit_nat,
	[IP_VS_CONN_F_LOCALNODE]	= &kvs_xmit_localnode,
	[IP_VS_CONN_F_TUNNEL]		= &kvs_xmit_tunnel,
	[IP_VS_CONN_F_DROUTE]		= &kvs_xmit_dr,
};

const struct kvs_xmit *kvs_xmit_find(u32 conn_flags)
{
	u32 method = conn_flags & IP_VS_CONN_F_FWD_MASK;

	if (method < ARRAY_SIZE(kvs_xmit_methods) && kvs_xmit_methods[method])
		return kvs_xmit_methods[method];
	return &kvs_xmit_nat;
}
