/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Application helpers, the core's side (core/app.c): a new masquerading
 * connection is bound to the helper registered for its protocol and
 * virtual port, as in-tree binds ip_vs_ftp; its packets, both ways, pass
 * through the helper before NAT rewrites their headers, and their TCP
 * sequence numbers are moved by what the helper added or took away.
 * The helpers' side of the contract is in core/plugin.h.
 *
 * Locking: the registry is an RCU list written under a mutex; the data
 * path reads it and calls helpers under RCU with BHs off.
 */
#ifndef _KVS_APP_H
#define _KVS_APP_H

#include "plugin.h"

struct kvs_conn_app *kvs_app_bind(const struct kvs_dest *dest,
				  const struct kvs_iph *iph);
int kvs_app_packet(struct kvs_net *kn, struct sk_buff *skb,
		   struct kvs_conn *cp, const struct kvs_iph *iph,
		   enum kvs_dir dir, unsigned int hooknum);
int kvs_app_seq_show(struct seq_file *seq, void *v);

#endif /* _KVS_APP_H */
