/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection sync between directors (core/sync.c, core/sync_msg.c): a
 * master multicasts the connections and persistence templates it
 * makes, a backup receives them into its own tables, so that it can
 * take the traffic over without breaking a connection.  The messages
 * are in-tree IPVS's, versions 0 and 1, so that kvs and in-tree
 * directors sync with each other.
 */
#ifndef _KVS_SYNC_H
#define _KVS_SYNC_H

#include <linux/jump_label.h>

#include "conn.h"
#include "netns.h"
#include "packet.h"
#include "persist.h"
#include "proto.h"
#include "service.h"

/* Defaults of --start-daemon, as in-tree: 224.0.0.81:8848, TTL 1. */
#define KVS_SYNC_GROUP		htonl(0xe0000051)
#define KVS_SYNC_PORT		8848
#define KVS_SYNC_PORTS_MAX	64

/* Message layout (see sync_msg.c for the byte-by-byte picture). */
#define KVS_SYNC_HDR_V0		4
#define KVS_SYNC_HDR_V1		8
#define KVS_SYNC_CONN_V0	24
#define KVS_SYNC_SEQ_OPT	24	/* two struct ip_vs_seq, 12 bytes each */
#define KVS_SYNC_CONN_V4	36
#define KVS_SYNC_CONN_V6	72
#define KVS_SYNC_MAX_CONNS	255	/* the count is one byte */

/* One connection or template as a sync message carries it. */
struct kvs_sync_entry {
	u16 af;
	u8 protocol;
	u16 state;
	u32 flags;			/* IP_VS_CONN_F_* */
	u32 fwmark;
	u32 timeout;			/* seconds; 0: not carried (v0) */
	__be16 cport;
	__be16 vport;
	__be16 dport;
	union nf_inet_addr caddr;
	union nf_inet_addr vaddr;
	union nf_inet_addr daddr;
};

/* Why (part of) a received message was not used, counted per namespace. */
enum kvs_sync_drop {
	KVS_SYNC_DROP_SHORT,	/* no header, or its size is not the length */
	KVS_SYNC_DROP_SYNCID,	/* another syncid than the backup's */
	KVS_SYNC_DROP_TRUNCATED, /* an entry runs past the message: the rest */
	KVS_SYNC_DROP_VERSION,	/* an entry of unknown version: the rest */
	KVS_SYNC_DROP_OPTION,	/* a malformed or unknown mandatory option */
	KVS_SYNC_DROP_ENTRY,	/* bad type, flags, protocol or state */
	KVS_SYNC_DROP_NODEST,	/* no such service or real server here */
	KVS_SYNC_DROP_NOMEM,	/* no memory for the connection */
	KVS_SYNC_DROP_MAX,
};

/*
 * A decoding: @entry is called for each valid entry (and returns one of
 * KVS_SYNC_DROP_*, or -1 when used); what is dropped is counted in
 * @drops.  @syncid 0 takes every message.
 */
struct kvs_sync_rx {
	u8 syncid;
	int (*entry)(void *arg, const struct kvs_sync_entry *e);
	void *arg;
	unsigned int entries;		/* handed to @entry */
	unsigned long drops[KVS_SYNC_DROP_MAX];
};

void kvs_sync_decode(struct kvs_sync_rx *rx, const u8 *buf, size_t len);

/* A message being built in @buf (@cap bytes), of @version 0 or 1. */
struct kvs_sync_msg {
	u8 *buf;
	unsigned int len;
	unsigned int cap;
	u8 version;
};

void kvs_sync_msg_init(struct kvs_sync_msg *m, u8 *buf, unsigned int cap,
		       u8 version, u8 syncid);
int kvs_sync_msg_add(struct kvs_sync_msg *m, const struct kvs_sync_entry *e);
unsigned int kvs_sync_msg_count(const struct kvs_sync_msg *m);

/* The daemons (core/sync.c). */
struct kvs_sync_conf {
	u32 state;			/* IP_VS_STATE_MASTER or _BACKUP */
	char ifname[IP_VS_IFNAME_MAXLEN];
	u8 syncid;
	u16 maxlen;			/* 0: from the MTU */
	u16 af;				/* of the group; 0: IPv4 default */
	union nf_inet_addr group;
	u16 port;			/* 0: 8848 */
	u8 ttl;				/* 0: 1 */
};

int kvs_sync_start(struct net *net, struct kvs_sync_conf *c);
int kvs_sync_stop(struct net *net, u32 state);
/* The running daemon of @state, filled in @c; false if none. */
bool kvs_sync_get(struct net *net, u32 state, struct kvs_sync_conf *c);
int kvs_sync_init(void);
void kvs_sync_exit(void);

/*
 * What decides whether a master sends an entry now (kvs_sync_due()):
 * the sysctls, then what the entry holds.
 */
struct kvs_sync_due {
	int threshold;			/* sync_threshold: at that request */
	int period;			/* sync_period: and every N after it */
	unsigned long refresh;		/* sync_refresh_period, jiffies */
	int retries;			/* sync_retries */
	unsigned long timeout;		/* the entry's, jiffies */
	u32 pkts;			/* its requests; a template's: tries */
	bool tpl;
	bool at_once;			/* it moved to a state sent at once */
};

bool kvs_sync_due(const struct kvs_sync_due *d, unsigned long now,
		  unsigned long last, unsigned long *next);

/* Data path: a master runs somewhere, a backup with backup_only. */
DECLARE_STATIC_KEY_FALSE(kvs_sync_master_key);
DECLARE_STATIC_KEY_FALSE(kvs_sync_backup_key);

void kvs_sync_conn(struct kvs_net *kn, struct kvs_conn *cp);
bool kvs_sync_backup_only(struct kvs_net *kn);

/* A packet of @cp from the client was handled: sync it if a master runs. */
static inline void kvs_sync_seen(struct kvs_net *kn, struct kvs_conn *cp)
{
	if (static_branch_unlikely(&kvs_sync_master_key))
		kvs_sync_conn(kn, cp);
}

/* sysctl backup_only with a backup running: balance nothing. */
static inline bool kvs_sync_standby(struct kvs_net *kn)
{
	return static_branch_unlikely(&kvs_sync_backup_key) &&
	       kvs_sync_backup_only(kn);
}

#endif /* _KVS_SYNC_H */
