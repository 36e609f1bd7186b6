/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsers of the IPVS genetlink service and dest nests.  They only
 * translate attributes into kvs_*_conf (no lookups, no locks), so KUnit
 * suites can feed them attribute sets without a socket.
 */
#ifndef _KVS_GENL_H
#define _KVS_GENL_H

#include <net/netlink.h>

#include "../core/kvs.h"

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
