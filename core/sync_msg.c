// SPDX-License-Identifier: GPL-2.0
/*
 * The sync messages, in-tree IPVS's wire format: building them (a
 * master) and reading them (a backup).  Pure functions over bytes, so
 * KUnit checks them against packets built by hand.  All fields are in
 * network order; offsets in bytes.
 *
 * Version 1 (sent by default; sysctl sync_version=1):
 *   header, 8:  0 reserved (0)  1 syncid  2 size (be16, whole message)
 *               4 count  5 version (1)  6 spare (be16, 0)
 *   then count entries, each starting on a multiple of 4:
 *               0 type (bit 0: IPv6)  1 protocol
 *               2 ver_size (be16: version << 12 | entry size)
 *               4 flags (be32)  8 state (be16)  10 cport  12 vport
 *               14 dport  16 fwmark (be32)  20 timeout (be32, seconds)
 *               24 caddr, vaddr, daddr (4 bytes each, or 16 for IPv6)
 *   and, up to the entry's size, options: type, length, data.  Types 1
 *   (sequence numbers, 24 bytes), 2 (persistence engine data), 3 (its
 *   name); a type with bit 6 set is optional and may be skipped, any
 *   other unknown type makes the entry unusable.
 * Version 0 (sync_version=0; IPv4 only):
 *   header, 4:  0 count  1 syncid  2 size (be16)
 *   entries, 24: 0 reserved  1 protocol  2 cport  4 vport  6 dport
 *               8 caddr  12 vaddr  16 daddr  20 flags (be16)
 *               22 state (be16); 24 more bytes of sequence numbers
 *               follow when flags has IP_VS_CONN_F_SEQ_MASK bits.
 * A version 1 message starts with a 0 byte, which a version 0 receiver
 * takes for a count of 0; a receiver tells them apart by bytes 0, 5
 * and 6..7.
 *
 * Bad input, as in-tree: a broken header or entry length drops the
 * rest of the message, an entry with bad contents only itself.
 */
#include "compat.h"	/* the unaligned accessors */
#include "sync.h"

#define OPT_SEQ_DATA		1
#define OPT_PE_DATA		2
#define OPT_PE_NAME		3
#define OPT_F_OPTIONAL		0x40
#define SVER_SHIFT		12
#define SVER_MASK		0x0fff
#define TYPE_F_INET6		0x01
/* The states of a template: NONE and ASSURED. */
#define TPL_STATES		2

void kvs_sync_msg_init(struct kvs_sync_msg *m, u8 *buf, unsigned int cap,
		       u8 version, u8 syncid)
{
	unsigned int hdr = version ? KVS_SYNC_HDR_V1 : KVS_SYNC_HDR_V0;

	m->buf = buf;
	m->cap = cap;
	m->version = version;
	m->len = hdr;
	memset(buf, 0, hdr);
	buf[1] = syncid;
	if (version)
		buf[5] = 1;
	put_unaligned_be16(hdr, buf + 2);
}

unsigned int kvs_sync_msg_count(const struct kvs_sync_msg *m)
{
	return m->buf[m->version ? 4 : 0];
}

static void put_addr(u8 *p, u16 af, const union nf_inet_addr *a)
{
	memcpy(p, a, af == AF_INET6 ? 16 : 4);
}

/*
 * Append @e.  -ENOSPC: the message is full (send it, start another);
 * -EAFNOSUPPORT: version 0 carries no IPv6.
 */
int kvs_sync_msg_add(struct kvs_sync_msg *m, const struct kvs_sync_entry *e)
{
	unsigned int pad, size, alen = e->af == AF_INET6 ? 16 : 4;
	u8 *p;

	if (kvs_sync_msg_count(m) >= KVS_SYNC_MAX_CONNS)
		return -ENOSPC;
	if (!m->version) {
		if (e->af != AF_INET)
			return -EAFNOSUPPORT;
		if (m->len + KVS_SYNC_CONN_V0 > m->cap)
			return -ENOSPC;
		p = m->buf + m->len;
		p[0] = 0;
		p[1] = e->protocol;
		memcpy(p + 2, &e->cport, 2);
		memcpy(p + 4, &e->vport, 2);
		memcpy(p + 6, &e->dport, 2);
		put_addr(p + 8, AF_INET, &e->caddr);
		put_addr(p + 12, AF_INET, &e->vaddr);
		put_addr(p + 16, AF_INET, &e->daddr);
		put_unaligned_be16(e->flags & ~IP_VS_CONN_F_HASHED &
				   ~IP_VS_CONN_F_SEQ_MASK, p + 20);
		put_unaligned_be16(e->state, p + 22);
		m->len += KVS_SYNC_CONN_V0;
		m->buf[0]++;
		put_unaligned_be16(m->len, m->buf + 2);
		return 0;
	}

	size = 24 + 3 * alen;
	pad = -m->len & 3;
	if (m->len + pad + size > m->cap)
		return -ENOSPC;
	p = m->buf + m->len;
	memset(p, 0, pad + size);
	p += pad;
	p[0] = e->af == AF_INET6 ? TYPE_F_INET6 : 0;
	p[1] = e->protocol;
	put_unaligned_be16(size, p + 2);
	/* kvs never adjusts sequence numbers: no option to send. */
	put_unaligned_be32(e->flags & ~IP_VS_CONN_F_HASHED &
			   ~IP_VS_CONN_F_SEQ_MASK, p + 4);
	put_unaligned_be16(e->state, p + 8);
	memcpy(p + 10, &e->cport, 2);
	memcpy(p + 12, &e->vport, 2);
	memcpy(p + 14, &e->dport, 2);
	put_unaligned_be32(e->fwmark, p + 16);
	put_unaligned_be32(e->timeout, p + 20);
	put_addr(p + 24, e->af, &e->caddr);
	put_addr(p + 24 + alen, e->af, &e->vaddr);
	put_addr(p + 24 + 2 * alen, e->af, &e->daddr);
	m->len += pad + size;
	m->buf[4]++;
	put_unaligned_be16(m->len, m->buf + 2);
	return 0;
}

/* Flags a receiver refuses, and the state it checks against protocol. */
static int entry_check(struct kvs_sync_entry *e)
{
	const struct kvs_proto *pp;

	if ((e->flags & IP_VS_CONN_F_NO_CPORT &&
	     e->flags & IP_VS_CONN_F_TEMPLATE) ||
	    e->flags & IP_VS_CONN_F_ONE_PACKET)
		return KVS_SYNC_DROP_ENTRY;
	if (e->flags & IP_VS_CONN_F_TEMPLATE)
		return e->state < TPL_STATES ? -1 : KVS_SYNC_DROP_ENTRY;
	pp = kvs_proto_find(e->protocol);
	if (!pp || e->state >= pp->num_states)
		return KVS_SYNC_DROP_ENTRY;
	return -1;
}

static void rx_entry(struct kvs_sync_rx *rx, struct kvs_sync_entry *e)
{
	int why;

	/* Checked on the flags as sent: the mask below clears ONE_PACKET. */
	why = entry_check(e);
	e->flags = (e->flags & IP_VS_CONN_F_BACKUP_MASK) | IP_VS_CONN_F_SYNC;
	if (why < 0) {
		rx->entries++;
		why = rx->entry(rx->arg, e);
	}
	if (why >= 0)
		rx->drops[why]++;
}

static void get_addr(union nf_inet_addr *a, u16 af, const u8 *p)
{
	memset(a, 0, sizeof(*a));
	memcpy(a, p, af == AF_INET6 ? 16 : 4);
}

static void decode_v0(struct kvs_sync_rx *rx, const u8 *buf, size_t len)
{
	unsigned int i, n = buf[0], off = KVS_SYNC_HDR_V0;
	struct kvs_sync_entry e;

	for (i = 0; i < n; i++) {
		const u8 *p = buf + off;

		if (off + KVS_SYNC_CONN_V0 > len) {
			rx->drops[KVS_SYNC_DROP_TRUNCATED]++;
			return;
		}
		memset(&e, 0, sizeof(e));
		e.af = AF_INET;
		e.protocol = p[1];
		memcpy(&e.cport, p + 2, 2);
		memcpy(&e.vport, p + 4, 2);
		memcpy(&e.dport, p + 6, 2);
		get_addr(&e.caddr, AF_INET, p + 8);
		get_addr(&e.vaddr, AF_INET, p + 12);
		get_addr(&e.daddr, AF_INET, p + 16);
		e.flags = get_unaligned_be16(p + 20);
		e.state = get_unaligned_be16(p + 22);
		off += KVS_SYNC_CONN_V0;
		if (e.flags & IP_VS_CONN_F_SEQ_MASK) {
			off += KVS_SYNC_SEQ_OPT;
			if (off > len) {
				rx->drops[KVS_SYNC_DROP_TRUNCATED]++;
				return;
			}
		}
		rx_entry(rx, &e);
	}
}

/*
 * The options of a version 1 entry, @p to @end.  Returns -1 when the
 * entry is usable, KVS_SYNC_DROP_OPTION when only it is not, or
 * KVS_SYNC_DROP_TRUNCATED when the options are broken (the rest of the
 * message goes too, as in-tree).
 */
static int decode_opts(const u8 *p, const u8 *end)
{
	unsigned int seen = 0, type, plen, max;
	int ret = -1;

	while (p < end) {
		if (end - p < 2)
			return KVS_SYNC_DROP_TRUNCATED;
		type = p[0];
		plen = p[1];
		p += 2;
		if (!plen || plen > end - p)
			return KVS_SYNC_DROP_TRUNCATED;
		switch (type & ~OPT_F_OPTIONAL) {
		case OPT_SEQ_DATA:
		case OPT_PE_DATA:
		case OPT_PE_NAME:
			max = (type & ~OPT_F_OPTIONAL) == OPT_SEQ_DATA ?
			      KVS_SYNC_SEQ_OPT :
			      (type & ~OPT_F_OPTIONAL) == OPT_PE_DATA ?
			      IP_VS_PEDATA_MAXLEN : IP_VS_PENAME_MAXLEN;
			if ((type & ~OPT_F_OPTIONAL) == OPT_SEQ_DATA ?
			    plen != max : plen > max)
				return KVS_SYNC_DROP_TRUNCATED;
			if (seen & BIT(type & ~OPT_F_OPTIONAL))
				return KVS_SYNC_DROP_TRUNCATED;
			seen |= BIT(type & ~OPT_F_OPTIONAL);
			break;
		default:
			if (!(type & OPT_F_OPTIONAL))
				ret = KVS_SYNC_DROP_OPTION;
		}
		p += plen;
	}
	/* Persistence engine data: kvs has no engine to give it to. */
	if (ret < 0 && seen & BIT(OPT_PE_DATA))
		ret = KVS_SYNC_DROP_OPTION;
	return ret;
}

/* One version 1 entry of @size bytes at @p; false: drop the rest. */
static bool decode_v1_entry(struct kvs_sync_rx *rx, const u8 *p,
			    unsigned int size)
{
	struct kvs_sync_entry e;
	unsigned int alen;
	int why;

	memset(&e, 0, sizeof(e));
	if (p[0] & TYPE_F_INET6) {
		e.af = AF_INET6;
	} else if (!p[0]) {
		e.af = AF_INET;
	} else {
		rx->drops[KVS_SYNC_DROP_ENTRY]++;
		return false;
	}
	alen = e.af == AF_INET6 ? 16 : 4;
	if (size < 24 + 3 * alen) {
		rx->drops[KVS_SYNC_DROP_TRUNCATED]++;
		return false;
	}
	why = decode_opts(p + 24 + 3 * alen, p + size);
	if (why == KVS_SYNC_DROP_TRUNCATED) {
		rx->drops[why]++;
		return false;
	}
	if (why >= 0) {
		rx->drops[why]++;
		return true;
	}
	e.protocol = p[1];
	e.flags = get_unaligned_be32(p + 4);
	e.state = get_unaligned_be16(p + 8);
	memcpy(&e.cport, p + 10, 2);
	memcpy(&e.vport, p + 12, 2);
	memcpy(&e.dport, p + 14, 2);
	e.fwmark = get_unaligned_be32(p + 16);
	e.timeout = get_unaligned_be32(p + 20);
	get_addr(&e.caddr, e.af, p + 24);
	get_addr(&e.vaddr, e.af, p + 24 + alen);
	get_addr(&e.daddr, e.af, p + 24 + 2 * alen);
	rx_entry(rx, &e);
	return true;
}

static void decode_v1(struct kvs_sync_rx *rx, const u8 *buf, size_t len)
{
	unsigned int i, n = buf[4], off = KVS_SYNC_HDR_V1, vs, size;

	for (i = 0; i < n; i++) {
		/* Type, protocol and ver_size first: the size is in them. */
		if (off + KVS_SYNC_CONN_V4 > len) {
			rx->drops[KVS_SYNC_DROP_TRUNCATED]++;
			return;
		}
		vs = get_unaligned_be16(buf + off + 2);
		size = vs & SVER_MASK;
		if (off + size > len) {
			rx->drops[KVS_SYNC_DROP_TRUNCATED]++;
			return;
		}
		if (vs >> SVER_SHIFT) {
			rx->drops[KVS_SYNC_DROP_VERSION]++;
			return;
		}
		if (!decode_v1_entry(rx, buf + off, size))
			return;
		off += round_up(size, 4);
	}
}

void kvs_sync_decode(struct kvs_sync_rx *rx, const u8 *buf, size_t len)
{
	if (len < KVS_SYNC_HDR_V0 || get_unaligned_be16(buf + 2) != len) {
		rx->drops[KVS_SYNC_DROP_SHORT]++;
		return;
	}
	if (rx->syncid && buf[1] != rx->syncid) {
		rx->drops[KVS_SYNC_DROP_SYNCID]++;
		return;
	}
	if (len >= KVS_SYNC_HDR_V1 && !buf[0] && buf[5] == 1 && !buf[6] &&
	    !buf[7])
		decode_v1(rx, buf, len);
	else
		decode_v0(rx, buf, len);
}
