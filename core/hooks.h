/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netfilter hooks (core/hooks.c), the data path's entry: registered
 * by the control plane (netlink/ctl.c) with a namespace's first service,
 * under kvs_net.lock, and removed at namespace exit.
 */
#ifndef _KVS_HOOKS_H
#define _KVS_HOOKS_H

struct kvs_net;

int kvs_hooks_register(struct kvs_net *kn);
void kvs_hooks_unregister(struct kvs_net *kn);
int kvs_hooks_defrag6(struct kvs_net *kn);

#endif /* _KVS_HOOKS_H */
