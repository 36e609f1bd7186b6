/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Control operations shared by the control-plane front ends: the IPVS
 * genetlink family (genl.c) and the legacy sockopt interface
 * (sockopt.c).  Each front end parses its wire format into kvs_*_conf,
 * then calls these.
 */
#ifndef _KVS_CTL_H
#define _KVS_CTL_H

#include "genl.h"

/* What GET_INFO reports; ipvsadm prints it as "1.2.1". */
#define KVS_VERSION_CODE	0x010201

enum kvs_ctl_op {
	KVS_CTL_NEW,
	KVS_CTL_SET,
	KVS_CTL_DEL,
};

/* The timeouts of ipvsadm --set, in its order. */
enum {
	KVS_CTL_TIMEOUT_TCP,
	KVS_CTL_TIMEOUT_TCP_FIN,
	KVS_CTL_TIMEOUT_UDP,
	KVS_CTL_TIMEOUTS,
};

int kvs_ctl_service(struct kvs_net *kn, enum kvs_ctl_op op,
		    struct kvs_service_conf *c, u32 mask);
int kvs_ctl_dest(struct kvs_service *svc, enum kvs_ctl_op op,
		 struct kvs_dest_conf *d);
int kvs_ctl_zero(struct kvs_net *kn, const struct kvs_service_key *key);
void kvs_ctl_get_timeouts(struct kvs_net *kn, u32 secs[KVS_CTL_TIMEOUTS]);
int kvs_ctl_set_timeouts(struct kvs_net *kn, const u32 secs[KVS_CTL_TIMEOUTS]);
struct kvs_sync_conf;
int kvs_ctl_daemon_start(struct net *net, struct kvs_sync_conf *c);
int kvs_ctl_daemon_stop(struct net *net, u32 state);

/* The front ends, registered at module load (core/main.c). */
int kvs_genl_init(void);
void kvs_genl_exit(void);
int kvs_sockopt_init(void);
void kvs_sockopt_exit(void);

#endif /* _KVS_CTL_H */
