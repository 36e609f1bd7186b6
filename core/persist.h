/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Persistence (core/persist.c): the templates of persistent services, by
 * client network and service, in a table of their own per namespace; and
 * one-packet scheduling.
 *
 * Locking: lookups under RCU; a template holds its dest until unlinked
 * and is freed after a grace period once its last reference (the table's,
 * or a connection's) is put.  gc runs from a delayed work.
 */
#ifndef _KVS_PERSIST_H
#define _KVS_PERSIST_H

#include <linux/netfilter.h>
#include <linux/rhashtable.h>
#include <linux/workqueue.h>

#include "kvs.h"

/* Persistence templates, by client network and service (core/persist.c). */
struct kvs_tpl_table {
	struct rhashtable ht;		/* kvs_template by kvs_tpl_key */
	atomic_t count;
	struct delayed_work gc;		/* reaps expired templates */
	unsigned int gc_interval;	/* jiffies between gc passes */
	bool dying;			/* set once at teardown: no new inserts */
};

struct kvs_conn;
struct kvs_dest;
struct kvs_net;
struct kvs_iph;
struct kvs_service;
struct seq_file;
struct sk_buff;

/*
 * What a template is found by: the client's network (its address masked
 * by the service's netmask or prefix), the virtual address and port (port
 * 0 for a port-0 service; for a fwmark service protocol IPPROTO_IP, the
 * mark in place of the address and port 0).  Zeroed before filling: it
 * is hashed as bytes.
 */
struct kvs_tpl_key {
	union nf_inet_addr caddr;
	union nf_inet_addr vaddr;
	__be16 vport;
	u16 af;
	u16 protocol;
	/*
	 * With a persistence engine's data (a SIP Call-ID): its length
	 * and a keyed hash of it; the data itself is compared on a hit.
	 */
	u16 pe_len;
	u32 pe_hash;
};

/* kvs_template.flags bits */
enum {
	KVS_TPL_DEAD,		/* unhashed, waiting for its last reference */
	KVS_TPL_ASSURED,	/* a connection it made got an answer */
};

struct kvs_template {
	struct rhash_head node;		/* in kvs_tpl_table.ht */
	struct kvs_tpl_key key;
	struct kvs_dest *dest;		/* holds a reference until unlinked */
	__be16 dport;			/* as listed: 0 unless the vport is */
	unsigned long flags;		/* KVS_TPL_* bits */
	unsigned long expires;		/* jiffies, READ_ONCE/WRITE_ONCE */
	unsigned int timeout;		/* jiffies added on each use */
	/* For the sync daemon (core/sync.c): sends tried, last end sent. */
	atomic_t sync_pkts;
	unsigned long sync_endtime;
	/* One for the table while hashed, one per connection it controls. */
	refcount_t refcnt;
	struct rcu_head rcu;
	/* The engine of key.pe_len bytes of @pe_data: a module reference. */
	struct kvs_pe *pe;
	u8 pe_data[];
};

int kvs_persist_init(struct kvs_tpl_table *tbl);
void kvs_persist_destroy(struct kvs_tpl_table *tbl);
void kvs_persist_gc(struct kvs_tpl_table *tbl, bool all);
void kvs_persist_drop_random(struct kvs_tpl_table *tbl);
void kvs_persist_key(const struct kvs_service *svc, const struct kvs_iph *iph,
		     struct kvs_tpl_key *key);
int kvs_persist_schedule(struct kvs_service *svc, const struct sk_buff *skb,
			 const struct kvs_iph *iph, struct kvs_dest **dest,
			 __be16 *dport, struct kvs_template **tpl);
void kvs_persist_put(struct kvs_template *tpl);
int kvs_persist_sync(struct kvs_net *kn, const struct kvs_tpl_key *key,
		     struct kvs_dest *dest, __be16 dport, unsigned int timeout,
		     bool assured);
void kvs_persist_seen(struct kvs_conn *cp, enum kvs_dir dir);
void kvs_persist_seq_show(struct seq_file *seq,
			  const struct kvs_template *tpl, bool origin);
bool kvs_svc_onepacket(const struct kvs_service *svc, u8 protocol);

#endif /* _KVS_PERSIST_H */
