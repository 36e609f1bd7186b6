/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A new connection for a packet (core/schedule.c): the service it is
 * for, persistence or the scheduler, and the connection made.  Called by
 * the hooks and the ICMP path, under RCU with BHs off; calls neither.
 */
#ifndef _KVS_SCHEDULE_H
#define _KVS_SCHEDULE_H

#include <linux/skbuff.h>

struct kvs_conn;
struct kvs_dest;
struct kvs_iph;
struct kvs_net;
struct kvs_proto;
struct kvs_service;
struct kvs_template;

int kvs_schedule(struct kvs_service *svc, const struct sk_buff *skb,
		 const struct kvs_iph *iph, struct kvs_dest **dest,
		 __be16 *dport, struct kvs_template **tpl);

struct kvs_service *kvs_service_for(struct kvs_net *kn,
				    const struct sk_buff *skb,
				    const struct kvs_iph *iph);
int kvs_conn_schedule(struct kvs_net *kn, struct kvs_service *svc,
		      struct sk_buff *skb, const struct kvs_iph *iph,
		      const struct kvs_proto *pp, struct kvs_conn *onep,
		      struct kvs_conn **cpp);

#endif /* _KVS_SCHEDULE_H */
