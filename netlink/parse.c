// SPDX-License-Identifier: GPL-2.0
/*
 * The IPVS genetlink wire contract: attribute policies, and the parsers
 * that turn service and dest nests into kvs_*_conf.  The parsers look
 * nothing up and take no lock, so KUnit can drive them directly.
 */

#include <linux/ipv6.h>

#include "genl.h"

/*
 * The wire contract (uapi <linux/ip_vs.h>).  Requests may omit
 * NLA_F_NESTED, so nests are parsed leniently, but every attribute
 * below is checked against its policy.
 *
 * IPVS_CMD_ATTR_SERVICE            nest (service)
 *   AF                             u16     AF_INET or AF_INET6
 *   FWMARK                         u32     } a fwmark service, or
 *   PROTOCOL                       u16     } a protocol service
 *   ADDR                           16 B    } (union nf_inet_addr)
 *   PORT                           be16    }
 *   SCHED_NAME                     string  "none" for no scheduler
 *   PE_NAME                        string  persistence engine ("sip")
 *   FLAGS                          struct ip_vs_flags {flags, mask}
 *   TIMEOUT                        u32     persistence, seconds
 *   NETMASK                        be32    IPv6: prefix length
 *   STATS / STATS64                nest (stats), replies only
 * IPVS_CMD_ATTR_DEST               nest (dest)
 *   ADDR 16 B, PORT be16, ADDR_FAMILY u16 (0 or absent: the service's)
 *   FWD_METHOD u32, WEIGHT u32 (as s32), U_THRESH u32, L_THRESH u32
 *   TUN_TYPE u8, TUN_PORT be16, TUN_FLAGS u16
 *   ACTIVE_CONNS, INACT_CONNS, PERSIST_CONNS u32, STATS/STATS64: replies
 * IPVS_CMD_ATTR_DAEMON             nest (daemon)
 *   STATE u32, MCAST_IFN string, SYNC_ID u32, SYNC_MAXLEN u16,
 *   MCAST_GROUP be32, MCAST_GROUP6 16 B, MCAST_PORT u16, MCAST_TTL u8
 * IPVS_CMD_ATTR_TIMEOUT_{TCP,TCP_FIN,UDP}  u32 seconds, 0 = unchanged
 * GET_INFO replies IPVS_INFO_ATTR_VERSION and _CONN_TAB_SIZE, both u32.
 */
static const struct nla_policy stats_policy[IPVS_STATS_ATTR_MAX + 1] = {
	[IPVS_STATS_ATTR_CONNS]		= { .type = NLA_U32 },
	[IPVS_STATS_ATTR_INPKTS]	= { .type = NLA_U32 },
	[IPVS_STATS_ATTR_OUTPKTS]	= { .type = NLA_U32 },
	[IPVS_STATS_ATTR_INBYTES]	= { .type = NLA_U64 },
	[IPVS_STATS_ATTR_OUTBYTES]	= { .type = NLA_U64 },
	[IPVS_STATS_ATTR_CPS]		= { .type = NLA_U32 },
	[IPVS_STATS_ATTR_INPPS]		= { .type = NLA_U32 },
	[IPVS_STATS_ATTR_OUTPPS]	= { .type = NLA_U32 },
	[IPVS_STATS_ATTR_INBPS]		= { .type = NLA_U32 },
	[IPVS_STATS_ATTR_OUTBPS]	= { .type = NLA_U32 },
};

static const struct nla_policy stats64_policy[IPVS_STATS_ATTR_MAX + 1] = {
	[IPVS_STATS_ATTR_CONNS]		= { .type = NLA_U64 },
	[IPVS_STATS_ATTR_INPKTS]	= { .type = NLA_U64 },
	[IPVS_STATS_ATTR_OUTPKTS]	= { .type = NLA_U64 },
	[IPVS_STATS_ATTR_INBYTES]	= { .type = NLA_U64 },
	[IPVS_STATS_ATTR_OUTBYTES]	= { .type = NLA_U64 },
	[IPVS_STATS_ATTR_CPS]		= { .type = NLA_U64 },
	[IPVS_STATS_ATTR_INPPS]		= { .type = NLA_U64 },
	[IPVS_STATS_ATTR_OUTPPS]	= { .type = NLA_U64 },
	[IPVS_STATS_ATTR_INBPS]		= { .type = NLA_U64 },
	[IPVS_STATS_ATTR_OUTBPS]	= { .type = NLA_U64 },
};

static const struct nla_policy svc_policy[IPVS_SVC_ATTR_MAX + 1] = {
	[IPVS_SVC_ATTR_AF]		= { .type = NLA_U16 },
	[IPVS_SVC_ATTR_PROTOCOL]	= { .type = NLA_U16 },
	[IPVS_SVC_ATTR_ADDR]		= { .type = NLA_BINARY,
					    .len = sizeof(union nf_inet_addr) },
	[IPVS_SVC_ATTR_PORT]		= { .type = NLA_U16 },
	[IPVS_SVC_ATTR_FWMARK]		= { .type = NLA_U32 },
	[IPVS_SVC_ATTR_SCHED_NAME]	= { .type = NLA_NUL_STRING,
					    .len = IP_VS_SCHEDNAME_MAXLEN - 1 },
	[IPVS_SVC_ATTR_FLAGS]		= { .type = NLA_BINARY,
					    .len = sizeof(struct ip_vs_flags) },
	[IPVS_SVC_ATTR_TIMEOUT]		= { .type = NLA_U32 },
	[IPVS_SVC_ATTR_NETMASK]		= { .type = NLA_U32 },
	[IPVS_SVC_ATTR_STATS]		= NLA_POLICY_NESTED(stats_policy),
	/* One more byte than the field: the in-tree module accepts it. */
	[IPVS_SVC_ATTR_PE_NAME]		= { .type = NLA_NUL_STRING,
					    .len = IP_VS_PENAME_MAXLEN },
	[IPVS_SVC_ATTR_STATS64]		= NLA_POLICY_NESTED(stats64_policy),
};

static const struct nla_policy dest_policy[IPVS_DEST_ATTR_MAX + 1] = {
	[IPVS_DEST_ATTR_ADDR]		= { .type = NLA_BINARY,
					    .len = sizeof(union nf_inet_addr) },
	[IPVS_DEST_ATTR_PORT]		= { .type = NLA_U16 },
	[IPVS_DEST_ATTR_FWD_METHOD]	= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_WEIGHT]		= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_U_THRESH]	= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_L_THRESH]	= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_ACTIVE_CONNS]	= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_INACT_CONNS]	= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_PERSIST_CONNS]	= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_STATS]		= NLA_POLICY_NESTED(stats_policy),
	[IPVS_DEST_ATTR_ADDR_FAMILY]	= { .type = NLA_U16 },
	[IPVS_DEST_ATTR_STATS64]	= NLA_POLICY_NESTED(stats64_policy),
	[IPVS_DEST_ATTR_TUN_TYPE]	= { .type = NLA_U8 },
	[IPVS_DEST_ATTR_TUN_PORT]	= { .type = NLA_U16 },
	[IPVS_DEST_ATTR_TUN_FLAGS]	= { .type = NLA_U16 },
};

const struct nla_policy kvs_genl_daemon_policy[IPVS_DAEMON_ATTR_MAX + 1] = {
	[IPVS_DAEMON_ATTR_STATE]	= { .type = NLA_U32 },
	[IPVS_DAEMON_ATTR_MCAST_IFN]	= { .type = NLA_NUL_STRING,
					    .len = IP_VS_IFNAME_MAXLEN - 1 },
	[IPVS_DAEMON_ATTR_SYNC_ID]	= { .type = NLA_U32 },
	[IPVS_DAEMON_ATTR_SYNC_MAXLEN]	= { .type = NLA_U16 },
	[IPVS_DAEMON_ATTR_MCAST_GROUP]	= { .type = NLA_U32 },
	[IPVS_DAEMON_ATTR_MCAST_GROUP6]	= NLA_POLICY_MIN_LEN(sizeof(struct in6_addr)),
	[IPVS_DAEMON_ATTR_MCAST_PORT]	= { .type = NLA_U16 },
	[IPVS_DAEMON_ATTR_MCAST_TTL]	= { .type = NLA_U8 },
};

const struct nla_policy kvs_genl_cmd_policy[IPVS_CMD_ATTR_MAX + 1] = {
	[IPVS_CMD_ATTR_SERVICE]		= { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_DEST]		= { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_DAEMON]		= { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_TIMEOUT_TCP]	= { .type = NLA_U32 },
	[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN]	= { .type = NLA_U32 },
	[IPVS_CMD_ATTR_TIMEOUT_UDP]	= { .type = NLA_U32 },
};

bool kvs_genl_af_supported(u16 af)
{
	return af == AF_INET || (af == AF_INET6 && ipv6_mod_enabled());
}

int kvs_genl_parse_service(const struct nlattr *nest,
			   struct kvs_service_conf *c, u32 *flags_mask,
			   bool full)
{
	struct nlattr *a[IPVS_SVC_ATTR_MAX + 1];
	struct kvs_service_key *key = &c->key;
	struct ip_vs_flags flags = {};

	if (!nest || nla_parse_nested_deprecated(a, IPVS_SVC_ATTR_MAX, nest,
						 svc_policy, NULL))
		return -EINVAL;
	if (!a[IPVS_SVC_ATTR_AF] ||
	    !(a[IPVS_SVC_ATTR_FWMARK] || (a[IPVS_SVC_ATTR_PROTOCOL] &&
					  a[IPVS_SVC_ATTR_ADDR] &&
					  a[IPVS_SVC_ATTR_PORT])))
		return -EINVAL;

	memset(c, 0, sizeof(*c));
	key->af = nla_get_u16(a[IPVS_SVC_ATTR_AF]);
	if (!kvs_genl_af_supported(key->af))
		return -EAFNOSUPPORT;
	if (a[IPVS_SVC_ATTR_FWMARK]) {
		key->fwmark = nla_get_u32(a[IPVS_SVC_ATTR_FWMARK]);
		/* The in-tree module takes fwmark 0 as TCP 0.0.0.0:0. */
		if (!key->fwmark)
			key->protocol = IPPROTO_TCP;
	} else {
		key->protocol = nla_get_u16(a[IPVS_SVC_ATTR_PROTOCOL]);
		/* Only the family's bytes, so the key hashes canonically. */
		nla_memcpy(&key->addr, a[IPVS_SVC_ATTR_ADDR],
			   key->af == AF_INET ? sizeof(key->addr.ip) :
						sizeof(key->addr));
		key->port = nla_get_be16(a[IPVS_SVC_ATTR_PORT]);
	}
	if (!full)
		return 0;

	if (!a[IPVS_SVC_ATTR_SCHED_NAME] || !a[IPVS_SVC_ATTR_FLAGS] ||
	    !a[IPVS_SVC_ATTR_TIMEOUT] || !a[IPVS_SVC_ATTR_NETMASK])
		return -EINVAL;
	nla_memcpy(&flags, a[IPVS_SVC_ATTR_FLAGS], sizeof(flags));
	c->flags = flags.flags & flags.mask;
	*flags_mask = flags.mask;
	nla_strscpy(c->sched_name, a[IPVS_SVC_ATTR_SCHED_NAME],
		    sizeof(c->sched_name));
	/* Truncation is harmless: any non-empty name is refused. */
	if (a[IPVS_SVC_ATTR_PE_NAME])
		nla_strscpy(c->pe_name, a[IPVS_SVC_ATTR_PE_NAME],
			    sizeof(c->pe_name));
	c->timeout = nla_get_u32(a[IPVS_SVC_ATTR_TIMEOUT]);
	c->netmask = nla_get_be32(a[IPVS_SVC_ATTR_NETMASK]);
	return 0;
}

int kvs_genl_parse_dest(const struct nlattr *nest, struct kvs_dest_conf *c,
			bool full)
{
	struct nlattr *a[IPVS_DEST_ATTR_MAX + 1];

	if (!nest || nla_parse_nested_deprecated(a, IPVS_DEST_ATTR_MAX, nest,
						 dest_policy, NULL))
		return -EINVAL;
	if (!a[IPVS_DEST_ATTR_ADDR] || !a[IPVS_DEST_ATTR_PORT])
		return -EINVAL;

	memset(c, 0, sizeof(*c));
	nla_memcpy(&c->addr, a[IPVS_DEST_ATTR_ADDR], sizeof(c->addr));
	c->port = nla_get_be16(a[IPVS_DEST_ATTR_PORT]);
	if (a[IPVS_DEST_ATTR_ADDR_FAMILY])
		c->af = nla_get_u16(a[IPVS_DEST_ATTR_ADDR_FAMILY]);
	if (!full)
		return 0;

	if (!a[IPVS_DEST_ATTR_FWD_METHOD] || !a[IPVS_DEST_ATTR_WEIGHT] ||
	    !a[IPVS_DEST_ATTR_U_THRESH] || !a[IPVS_DEST_ATTR_L_THRESH])
		return -EINVAL;
	c->conn_flags = nla_get_u32(a[IPVS_DEST_ATTR_FWD_METHOD]) &
			IP_VS_CONN_F_FWD_MASK;
	/* Sent unsigned; a huge weight is a negative one, refused later. */
	c->weight = (int)nla_get_u32(a[IPVS_DEST_ATTR_WEIGHT]);
	c->u_threshold = nla_get_u32(a[IPVS_DEST_ATTR_U_THRESH]);
	c->l_threshold = nla_get_u32(a[IPVS_DEST_ATTR_L_THRESH]);
	if (a[IPVS_DEST_ATTR_TUN_TYPE])
		c->tun_type = nla_get_u8(a[IPVS_DEST_ATTR_TUN_TYPE]);
	if (a[IPVS_DEST_ATTR_TUN_PORT])
		c->tun_port = nla_get_be16(a[IPVS_DEST_ATTR_TUN_PORT]);
	if (a[IPVS_DEST_ATTR_TUN_FLAGS])
		c->tun_flags = nla_get_u16(a[IPVS_DEST_ATTR_TUN_FLAGS]);
	return 0;
}
