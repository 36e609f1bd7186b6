/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between the IPVS genetlink family (genl.c) and its wire contract
 * (parse.c).  The parsers only translate attributes into kvs_*_conf (no
 * lookups, no locks), so KUnit suites can feed them attribute sets
 * without a socket.
 */
#ifndef _KVS_GENL_H
#define _KVS_GENL_H

#include <net/netlink.h>

#include "../core/service.h"

extern const struct nla_policy kvs_genl_cmd_policy[IPVS_CMD_ATTR_MAX + 1];
extern const struct nla_policy kvs_genl_daemon_policy[IPVS_DAEMON_ATTR_MAX + 1];

/* AF_INET, or AF_INET6 unless IPv6 is disabled: else -EAFNOSUPPORT. */
bool kvs_genl_af_supported(u16 af);

/*
 * @flags_mask receives the mask of the request's struct ip_vs_flags when
 * @full: c->flags holds only the masked-in bits, and the caller merges
 * the bits outside the mask from the existing service.
 */
int kvs_genl_parse_service(const struct nlattr *nest,
			   struct kvs_service_conf *c, u32 *flags_mask,
			   bool full);
/* c->af is 0 when the request leaves the family to the service's. */
int kvs_genl_parse_dest(const struct nlattr *nest, struct kvs_dest_conf *c,
			bool full);

#endif /* _KVS_GENL_H */
