/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Persistence engines (ipvsadm --pe NAME): plug-ins that let a
 * persistent service keep its templates by something in the packet
 * besides the client's network, such as a SIP Call-ID.  Registered by
 * their modules like schedulers (core/pe.c), loaded on demand.
 */
#ifndef _KVS_PE_H
#define _KVS_PE_H

#include <linux/ip_vs.h>
#include <linux/list.h>
#include <linux/skbuff.h>

/* The most an engine keeps per template, as in-tree. */
#define KVS_PE_DATA_MAX		IP_VS_PEDATA_MAXLEN

struct kvs_iph;

/*
 * A persistence engine.  @fill runs in the data path under RCU with BHs
 * off, for a new connection of a persistent service using the engine:
 * it copies what the template is to be keyed by from @skb into @data
 * (KVS_PE_DATA_MAX bytes) and returns its length, or 0 when the packet
 * has none, for which the connection falls back to plain persistence.
 * It must cope with any bytes at all.  Templates are listed with the
 * engine's name and their data as @fill returned it.
 */
struct kvs_pe {
	struct list_head list;
	const char *name;
	struct module *owner;
	unsigned int (*fill)(const struct sk_buff *skb,
			     const struct kvs_iph *iph, u8 *data);
};

int kvs_register_pe(struct kvs_pe *pe);
void kvs_unregister_pe(struct kvs_pe *pe);
struct kvs_pe *kvs_pe_get(const char *name);
void kvs_pe_put(struct kvs_pe *pe);

#define module_kvs_pe(__pe) \
	module_driver(__pe, kvs_register_pe, kvs_unregister_pe)

#endif /* _KVS_PE_H */
