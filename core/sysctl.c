// SPDX-License-Identifier: GPL-2.0
/*
 * The /proc/sys/net/ipv4/vs/ settings of each namespace, with the
 * in-tree names, defaults and meaning.
 */
#include "kvs.h"

/* What a new namespace starts with: the in-tree defaults. */
void kvs_sysctl_defaults(struct kvs_net *kn)
{
	struct kvs_sysctl *s = &kn->sysctl;

	memset(s, 0, sizeof(*s));
	s->conn_reuse_mode = 1;
	s->pmtu_disc = 1;
	s->snat_reroute = 1;
	s->run_estimation = 1;
	s->amemthresh = 1024;
	s->am_droprate = 10;
}
