// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the sync messages (core/sync_msg.c): what kvs sends,
 * compared byte by byte with messages written out from the in-tree
 * layout; what it reads from such messages, including in-tree's
 * options and alignment; and bad input (short, truncated, counts past
 * the end, unknown versions and options, another syncid), which must be
 * dropped and counted.  A fuzz pass decodes random and mangled messages
 * held in buffers of exactly their length, so KASAN sees any overread.
 * And when a master sends an entry: sync_threshold, sync_period,
 * sync_refresh_period and sync_retries (kvs_sync_due()).
 */
#include <kunit/test.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "../core/sync.h"

#define V4(a, b, c, d)	((a) << 24 | (b) << 16 | (c) << 8 | (d))
#define MAX_MSG		256
#define MAX_ENTRIES	4

/* ---- encoding ---- */

static void entry_v4(struct kvs_sync_entry *e, u8 protocol, u32 flags,
		     u16 state)
{
	memset(e, 0, sizeof(*e));
	e->af = AF_INET;
	e->protocol = protocol;
	e->flags = flags;
	e->state = state;
	e->cport = htons(40000);
	e->vport = htons(80);
	e->dport = htons(8000);
	e->caddr.ip = htonl(V4(10, 0, 1, 2));
	e->vaddr.ip = htonl(V4(100, 100, 100, 100));
	e->daddr.ip = htonl(V4(10, 0, 2, 11));
	e->timeout = 900;
}

/* A version 1 IPv4 TCP connection, established, NAT, syncid 7. */
static const u8 msg_v1_tcp[] = {
	0x00, 0x07, 0x00, 0x2c,		/* reserved, syncid, size 44 */
	0x01, 0x01, 0x00, 0x00,		/* 1 entry, version 1, spare */
	0x00, 0x06, 0x00, 0x24,		/* IPv4, TCP, version 0 size 36 */
	0x00, 0x00, 0x00, 0x00,		/* flags: Masq, active */
	0x00, 0x01, 0x9c, 0x40,		/* ESTABLISHED, cport 40000 */
	0x00, 0x50, 0x1f, 0x40,		/* vport 80, dport 8000 */
	0x00, 0x00, 0x00, 0x00,		/* fwmark */
	0x00, 0x00, 0x03, 0x84,		/* timeout 900 s */
	0x0a, 0x00, 0x01, 0x02,		/* caddr */
	0x64, 0x64, 0x64, 0x64,		/* vaddr */
	0x0a, 0x00, 0x02, 0x0b,		/* daddr */
};

/* The same connection in version 0, with the hashed flag to strip. */
static const u8 msg_v0_tcp[] = {
	0x01, 0x07, 0x00, 0x1c,		/* 1 entry, syncid, size 28 */
	0x00, 0x06, 0x9c, 0x40,		/* reserved, TCP, cport */
	0x00, 0x50, 0x1f, 0x40,		/* vport, dport */
	0x0a, 0x00, 0x01, 0x02,
	0x64, 0x64, 0x64, 0x64,
	0x0a, 0x00, 0x02, 0x0b,
	0x01, 0x03, 0x00, 0x02,		/* flags: inactive, DR; SYN_SENT */
};

/* A persistence template of fwmark 5, direct routing, assured. */
static const u8 msg_v1_tpl[] = {
	0x00, 0x01, 0x00, 0x2c,
	0x01, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x24,		/* IPv4, protocol IP (a mark) */
	0x00, 0x00, 0x11, 0x83,		/* template, inactive, nooutput, DR */
	0x00, 0x01, 0x00, 0x00,		/* ASSURED, cport 0 */
	0x00, 0x00, 0x00, 0x00,		/* vport 0, dport 0 */
	0x00, 0x00, 0x00, 0x05,		/* fwmark 5 */
	0x00, 0x00, 0x01, 0x68,		/* 360 s */
	0x0a, 0x00, 0x01, 0x00,		/* the client's /24 */
	0x00, 0x00, 0x00, 0x05,		/* the mark as the address */
	0x0a, 0x00, 0x02, 0x0c,
};

/* An IPv6 UDP connection. */
static const u8 msg_v1_udp6[] = {
	0x00, 0x00, 0x00, 0x50,		/* syncid 0, size 80 */
	0x01, 0x01, 0x00, 0x00,
	0x01, 0x11, 0x00, 0x48,		/* IPv6, UDP, size 72 */
	0x00, 0x00, 0x01, 0x00,		/* inactive, Masq */
	0x00, 0x00, 0x13, 0x88,		/* NORMAL, cport 5000 */
	0x00, 0x35, 0x23, 0x28,		/* vport 53, dport 9000 */
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x2c,		/* 300 s */
	0xfd, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0,
	0xfd, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11,
};

static void tpl_entry(struct kvs_sync_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->af = AF_INET;
	e->protocol = IPPROTO_IP;
	e->flags = IP_VS_CONN_F_TEMPLATE | IP_VS_CONN_F_INACTIVE |
		   IP_VS_CONN_F_NOOUTPUT | IP_VS_CONN_F_DROUTE;
	e->state = 1;
	e->fwmark = 5;
	e->timeout = 360;
	e->caddr.ip = htonl(V4(10, 0, 1, 0));
	e->vaddr.ip = htonl(5);
	e->daddr.ip = htonl(V4(10, 0, 2, 12));
}

static void udp6_entry(struct kvs_sync_entry *e)
{
	static const u8 c[16] = { 0xfd, 0, 0, 1, [15] = 2 };
	static const u8 v[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 1 };
	static const u8 d[16] = { 0xfd, 0, 0, 2, [15] = 0x11 };

	memset(e, 0, sizeof(*e));
	e->af = AF_INET6;
	e->protocol = IPPROTO_UDP;
	e->flags = IP_VS_CONN_F_INACTIVE;
	e->cport = htons(5000);
	e->vport = htons(53);
	e->dport = htons(9000);
	e->timeout = 300;
	memcpy(&e->caddr, c, 16);
	memcpy(&e->vaddr, v, 16);
	memcpy(&e->daddr, d, 16);
}

enum enc_kind { ENC_V1_TCP, ENC_V0_TCP, ENC_V1_TPL, ENC_V1_UDP6 };

struct enc_case {
	const char *desc;
	enum enc_kind kind;
	u8 version;
	u8 syncid;
	const u8 *want;
	size_t want_len;
};

static const struct enc_case enc_cases[] = {
	{ "v1 ipv4 tcp", ENC_V1_TCP, 1, 7, msg_v1_tcp, sizeof(msg_v1_tcp) },
	{ "v0 ipv4 tcp", ENC_V0_TCP, 0, 7, msg_v0_tcp, sizeof(msg_v0_tcp) },
	{ "v1 template", ENC_V1_TPL, 1, 1, msg_v1_tpl, sizeof(msg_v1_tpl) },
	{ "v1 ipv6 udp", ENC_V1_UDP6, 1, 0, msg_v1_udp6, sizeof(msg_v1_udp6) },
};

static void enc_desc(const struct enc_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(enc, enc_cases, enc_desc);

static void make_entry(enum enc_kind kind, struct kvs_sync_entry *e)
{
	switch (kind) {
	case ENC_V1_TCP:
		entry_v4(e, IPPROTO_TCP, 0, KVS_TCP_S_ESTABLISHED);
		break;
	case ENC_V0_TCP:
		entry_v4(e, IPPROTO_TCP, IP_VS_CONN_F_HASHED |
			 IP_VS_CONN_F_INACTIVE | IP_VS_CONN_F_DROUTE,
			 KVS_TCP_S_SYN_SENT);
		break;
	case ENC_V1_TPL:
		tpl_entry(e);
		break;
	case ENC_V1_UDP6:
		udp6_entry(e);
		break;
	}
}

static void sync_encode_test(struct kunit *test)
{
	const struct enc_case *c = test->param_value;
	struct kvs_sync_entry e;
	struct kvs_sync_msg m;
	u8 buf[MAX_MSG];

	make_entry(c->kind, &e);
	kvs_sync_msg_init(&m, buf, sizeof(buf), c->version, c->syncid);
	KUNIT_ASSERT_EQ(test, kvs_sync_msg_add(&m, &e), 0);
	KUNIT_EXPECT_EQ(test, kvs_sync_msg_count(&m), 1U);
	KUNIT_ASSERT_EQ(test, (size_t)m.len, c->want_len);
	KUNIT_EXPECT_EQ(test, memcmp(buf, c->want, c->want_len), 0);
}

/* Version 0 has no IPv6; a full message refuses, then the next takes it. */
static void sync_encode_limits_test(struct kunit *test)
{
	struct kvs_sync_entry e;
	struct kvs_sync_msg m;
	u8 buf[8 + 3 * KVS_SYNC_CONN_V4];
	unsigned int n = 0;

	udp6_entry(&e);
	kvs_sync_msg_init(&m, buf, sizeof(buf), 0, 1);
	KUNIT_EXPECT_EQ(test, kvs_sync_msg_add(&m, &e), -EAFNOSUPPORT);

	entry_v4(&e, IPPROTO_UDP, 0, 0);
	kvs_sync_msg_init(&m, buf, sizeof(buf), 1, 1);
	while (!kvs_sync_msg_add(&m, &e))
		n++;
	KUNIT_EXPECT_EQ(test, n, 3U);
	KUNIT_EXPECT_EQ(test, m.len, (unsigned int)sizeof(buf));
	KUNIT_EXPECT_EQ(test, buf[2] << 8 | buf[3], (int)sizeof(buf));
}

/* ---- decoding ---- */

struct got {
	unsigned int n;
	struct kvs_sync_entry e[MAX_ENTRIES];
};

static int take(void *arg, const struct kvs_sync_entry *e)
{
	struct got *g = arg;

	if (g->n < MAX_ENTRIES)
		g->e[g->n] = *e;
	g->n++;
	return -1;
}

/* A message built in the test, field by field, for the decoding cases. */
struct mb {
	u8 b[MAX_MSG];
	unsigned int len;
	unsigned int last;	/* where the last entry began */
};

static void mb_hdr(struct mb *m, u8 version, u8 syncid, u8 count)
{
	memset(m, 0, sizeof(*m));
	if (version) {
		m->b[1] = syncid;
		m->b[4] = count;
		m->b[5] = 1;
		m->len = 8;
	} else {
		m->b[0] = count;
		m->b[1] = syncid;
		m->len = 4;
	}
}

static void mb_u8(struct mb *m, u8 v)
{
	m->b[m->len++] = v;
}

static void mb_be16(struct mb *m, u16 v)
{
	mb_u8(m, v >> 8);
	mb_u8(m, v);
}

static void mb_be32(struct mb *m, u32 v)
{
	mb_be16(m, v >> 16);
	mb_be16(m, v);
}

/* A version 1 IPv4 entry of @size (0: 36), options to be added after. */
static void mb_v1(struct mb *m, u8 proto, u16 ver_size, u32 flags, u16 state,
		  u16 cport)
{
	while (m->len & 3)
		mb_u8(m, 0);
	m->last = m->len;
	mb_u8(m, 0);
	mb_u8(m, proto);
	mb_be16(m, ver_size ?: 36);
	mb_be32(m, flags);
	mb_be16(m, state);
	mb_be16(m, cport);
	mb_be16(m, 80);
	mb_be16(m, 8000);
	mb_be32(m, 0);
	mb_be32(m, 60);
	mb_be32(m, V4(10, 0, 1, 2));
	mb_be32(m, V4(100, 100, 100, 100));
	mb_be32(m, V4(10, 0, 2, 11));
}

/* An option, growing the last entry's size to cover it. */
static void mb_opt(struct mb *m, u8 type, u8 len)
{
	unsigned int size;
	u8 i;

	mb_u8(m, type);
	mb_u8(m, len);
	for (i = 0; i < len; i++)
		mb_u8(m, i);
	size = m->len - m->last;
	m->b[m->last + 2] = size >> 8;
	m->b[m->last + 3] = size;
}

static void mb_v0(struct mb *m, u8 proto, u16 flags, u16 state, u16 cport)
{
	mb_u8(m, 0);
	mb_u8(m, proto);
	mb_be16(m, cport);
	mb_be16(m, 80);
	mb_be16(m, 8000);
	mb_be32(m, V4(10, 0, 1, 2));
	mb_be32(m, V4(100, 100, 100, 100));
	mb_be32(m, V4(10, 0, 2, 11));
	mb_be16(m, flags);
	mb_be16(m, state);
}

static void mb_size(struct mb *m)
{
	m->b[2] = m->len >> 8;
	m->b[3] = m->len;
}

enum dec_kind {
	DEC_V1_TWO, DEC_V1_SEQ_ALIGN, DEC_V1_OPTIONAL, DEC_V1_MANDATORY,
	DEC_V1_PE_DATA, DEC_V1_BAD_OPTLEN, DEC_SIZE_MISMATCH, DEC_TOO_SHORT,
	DEC_COUNT_PAST, DEC_ENTRY_PAST, DEC_VERSION, DEC_SYNCID, DEC_SYNCID_ANY,
	DEC_BAD_STATE, DEC_ONE_PACKET, DEC_BAD_PROTO, DEC_BAD_TYPE,
	DEC_SMALL_ENTRY, DEC_V0_TWO, DEC_V0_SEQ, DEC_V0_TRUNC, DEC_TPL_STATE,
};

struct dec_case {
	const char *desc;
	enum dec_kind kind;
	u8 syncid;		/* the backup's */
	unsigned int entries;	/* handed on */
	u16 cports[MAX_ENTRIES];	/* of those, in order */
	enum kvs_sync_drop drop; /* counted once */
	bool dropped;
};

#define OK(d, k, n, ...) { d, k, 3, n, { __VA_ARGS__ }, 0, false }
#define BAD(d, k, n, why, ...) { d, k, 3, n, { __VA_ARGS__ }, why, true }

static const struct dec_case dec_cases[] = {
	OK("v1 two entries", DEC_V1_TWO, 2, 1001, 1002),
	OK("v1 sequence option, next entry aligned", DEC_V1_SEQ_ALIGN, 2,
	   1001, 1002),
	OK("v1 unknown optional option skipped", DEC_V1_OPTIONAL, 1, 1001),
	BAD("v1 unknown mandatory option: entry only", DEC_V1_MANDATORY, 1,
	    KVS_SYNC_DROP_OPTION, 1002),
	BAD("v1 engine data: no engine", DEC_V1_PE_DATA, 0,
	    KVS_SYNC_DROP_OPTION),
	BAD("v1 option past its entry", DEC_V1_BAD_OPTLEN, 0,
	    KVS_SYNC_DROP_TRUNCATED),
	BAD("size field is not the length", DEC_SIZE_MISMATCH, 0,
	    KVS_SYNC_DROP_SHORT),
	BAD("shorter than a header", DEC_TOO_SHORT, 0, KVS_SYNC_DROP_SHORT),
	BAD("count past the message", DEC_COUNT_PAST, 1,
	    KVS_SYNC_DROP_TRUNCATED, 1001),
	BAD("entry size past the message", DEC_ENTRY_PAST, 1,
	    KVS_SYNC_DROP_TRUNCATED, 1001),
	BAD("unknown entry version", DEC_VERSION, 0, KVS_SYNC_DROP_VERSION),
	BAD("another syncid", DEC_SYNCID, 0, KVS_SYNC_DROP_SYNCID),
	{ "syncid 0 takes any", DEC_SYNCID_ANY, 0, 2, { 1001, 1002 }, 0,
	  false },
	BAD("tcp state past the last", DEC_BAD_STATE, 1, KVS_SYNC_DROP_ENTRY,
	    1002),
	BAD("one-packet flag", DEC_ONE_PACKET, 1, KVS_SYNC_DROP_ENTRY, 1002),
	BAD("unknown protocol", DEC_BAD_PROTO, 1, KVS_SYNC_DROP_ENTRY, 1002),
	BAD("unknown entry type: the rest", DEC_BAD_TYPE, 0,
	    KVS_SYNC_DROP_ENTRY),
	BAD("entry smaller than its addresses", DEC_SMALL_ENTRY, 0,
	    KVS_SYNC_DROP_TRUNCATED),
	OK("v0 two entries", DEC_V0_TWO, 2, 1001, 1002),
	OK("v0 sequence numbers skipped", DEC_V0_SEQ, 2, 1001, 1002),
	BAD("v0 count past the message", DEC_V0_TRUNC, 1,
	    KVS_SYNC_DROP_TRUNCATED, 1001),
	BAD("template state past assured", DEC_TPL_STATE, 0,
	    KVS_SYNC_DROP_ENTRY),
};

static void dec_desc(const struct dec_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(dec, dec_cases, dec_desc);

#define TCP	IPPROTO_TCP
#define EST	KVS_TCP_S_ESTABLISHED

static void build(enum dec_kind kind, struct mb *m)
{
	switch (kind) {
	case DEC_V1_TWO:
	case DEC_SYNCID:
	case DEC_SYNCID_ANY:
		mb_hdr(m, 1, kind == DEC_SYNCID ? 4 : 3, 2);
		mb_v1(m, TCP, 0, 0, EST, 1001);
		mb_v1(m, IPPROTO_UDP, 0, IP_VS_CONN_F_INACTIVE, 0, 1002);
		break;
	case DEC_V1_SEQ_ALIGN:
		/* 36 + 2 + 24 = 62 bytes: the next entry starts at 8 + 64. */
		mb_hdr(m, 1, 3, 2);
		mb_v1(m, TCP, 0, IP_VS_CONN_F_IN_SEQ, EST, 1001);
		mb_opt(m, 1, 24);
		mb_v1(m, TCP, 0, 0, EST, 1002);
		break;
	case DEC_V1_OPTIONAL:
		mb_hdr(m, 1, 3, 1);
		mb_v1(m, TCP, 0, 0, EST, 1001);
		mb_opt(m, 0x40 | 9, 3);
		break;
	case DEC_V1_MANDATORY:
		mb_hdr(m, 1, 3, 2);
		mb_v1(m, TCP, 0, 0, EST, 1001);
		mb_opt(m, 9, 2);
		mb_v1(m, TCP, 0, 0, EST, 1002);
		break;
	case DEC_V1_PE_DATA:
		mb_hdr(m, 1, 3, 1);
		mb_v1(m, TCP, 0, 0, EST, 1001);
		mb_opt(m, 2, 4);
		mb_opt(m, 3, 3);
		break;
	case DEC_V1_BAD_OPTLEN:
		mb_hdr(m, 1, 3, 1);
		mb_v1(m, TCP, 0, 0, EST, 1001);
		mb_opt(m, 0x40 | 9, 3);
		m->b[m->len - 4] = 200;		/* its length, past the end */
		break;
	case DEC_SIZE_MISMATCH:
		mb_hdr(m, 1, 3, 1);
		mb_v1(m, TCP, 0, 0, EST, 1001);
		mb_size(m);
		m->b[3]++;
		return;
	case DEC_TOO_SHORT:
		mb_hdr(m, 0, 3, 0);
		m->len = 3;
		m->b[3] = 3;
		return;
	case DEC_COUNT_PAST:
		mb_hdr(m, 1, 3, 3);
		mb_v1(m, TCP, 0, 0, EST, 1001);
		break;
	case DEC_ENTRY_PAST:
		mb_hdr(m, 1, 3, 2);
		mb_v1(m, TCP, 0, 0, EST, 1001);
		mb_v1(m, TCP, 40, 0, EST, 1002);
		break;
	case DEC_VERSION:
		mb_hdr(m, 1, 3, 1);
		mb_v1(m, TCP, 0x1000 | 36, 0, EST, 1001);
		break;
	case DEC_BAD_STATE:
	case DEC_ONE_PACKET:
	case DEC_BAD_PROTO:
		mb_hdr(m, 1, 3, 2);
		mb_v1(m, kind == DEC_BAD_PROTO ? IPPROTO_ICMP : TCP, 0,
		      kind == DEC_ONE_PACKET ? IP_VS_CONN_F_ONE_PACKET : 0,
		      kind == DEC_BAD_STATE ? KVS_TCP_S_LAST : EST, 1001);
		mb_v1(m, TCP, 0, 0, EST, 1002);
		break;
	case DEC_BAD_TYPE:
		mb_hdr(m, 1, 3, 2);
		mb_v1(m, TCP, 0, 0, EST, 1001);
		m->b[m->last] = 2;
		mb_v1(m, TCP, 0, 0, EST, 1002);
		break;
	case DEC_SMALL_ENTRY:
		/* IPv6 in 36 bytes: room for no addresses. */
		mb_hdr(m, 1, 3, 1);
		mb_v1(m, TCP, 0, 0, EST, 1001);
		m->b[m->last] = 1;
		break;
	case DEC_V0_TWO:
		mb_hdr(m, 0, 3, 2);
		mb_v0(m, TCP, 0, EST, 1001);
		mb_v0(m, IPPROTO_UDP, IP_VS_CONN_F_INACTIVE, 0, 1002);
		break;
	case DEC_V0_SEQ:
		mb_hdr(m, 0, 3, 2);
		mb_v0(m, TCP, IP_VS_CONN_F_OUT_SEQ, EST, 1001);
		m->len += KVS_SYNC_SEQ_OPT;
		mb_v0(m, TCP, 0, EST, 1002);
		break;
	case DEC_V0_TRUNC:
		mb_hdr(m, 0, 3, 2);
		mb_v0(m, TCP, 0, EST, 1001);
		mb_v0(m, TCP, IP_VS_CONN_F_IN_SEQ, EST, 1002);
		break;
	case DEC_TPL_STATE:
		mb_hdr(m, 1, 3, 1);
		mb_v1(m, IPPROTO_TCP, 0, IP_VS_CONN_F_TEMPLATE, 2, 0);
		break;
	}
	mb_size(m);
}

/* Decode @len bytes from a buffer of exactly that size. */
static void decode_exact(struct kunit *test, struct kvs_sync_rx *rx,
			 const u8 *buf, size_t len)
{
	u8 *copy = kunit_kmalloc(test, len ?: 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, copy);
	memcpy(copy, buf, len);
	kvs_sync_decode(rx, copy, len);
	kunit_kfree(test, copy);
}

static void sync_decode_test(struct kunit *test)
{
	const struct dec_case *c = test->param_value;
	struct got g = {};
	struct kvs_sync_rx rx = { .syncid = c->syncid, .entry = take,
				  .arg = &g };
	unsigned long total = 0;
	struct mb m;
	unsigned int i;

	build(c->kind, &m);
	decode_exact(test, &rx, m.b, m.len);
	KUNIT_ASSERT_EQ(test, g.n, c->entries);
	for (i = 0; i < c->entries; i++) {
		KUNIT_EXPECT_EQ(test, ntohs(g.e[i].cport), c->cports[i]);
		KUNIT_EXPECT_EQ(test, g.e[i].af, AF_INET);
		KUNIT_EXPECT_EQ(test, ntohs(g.e[i].dport), 8000);
		KUNIT_EXPECT_EQ(test, g.e[i].daddr.ip, htonl(V4(10, 0, 2, 11)));
		/* Marked as synced, whatever the master sent. */
		KUNIT_EXPECT_TRUE(test, g.e[i].flags & IP_VS_CONN_F_SYNC);
	}
	for (i = 0; i < KVS_SYNC_DROP_MAX; i++)
		total += rx.drops[i];
	if (c->dropped) {
		KUNIT_EXPECT_EQ(test, rx.drops[c->drop], 1UL);
		KUNIT_EXPECT_EQ(test, total, 1UL);
	} else {
		KUNIT_EXPECT_EQ(test, total, 0UL);
	}
}

static void expect_entry(struct kunit *test, const struct kvs_sync_entry *e,
			 const struct kvs_sync_entry *w)
{
	KUNIT_EXPECT_EQ(test, e->af, w->af);
	KUNIT_EXPECT_EQ(test, e->protocol, w->protocol);
	KUNIT_EXPECT_EQ(test, e->state, w->state);
	KUNIT_EXPECT_EQ(test, e->flags, w->flags);
	KUNIT_EXPECT_EQ(test, e->fwmark, w->fwmark);
	KUNIT_EXPECT_EQ(test, e->timeout, w->timeout);
	KUNIT_EXPECT_EQ(test, e->cport, w->cport);
	KUNIT_EXPECT_EQ(test, e->vport, w->vport);
	KUNIT_EXPECT_EQ(test, e->dport, w->dport);
	KUNIT_EXPECT_EQ(test, memcmp(&e->caddr, &w->caddr, sizeof(e->caddr)),
			0);
	KUNIT_EXPECT_EQ(test, memcmp(&e->vaddr, &w->vaddr, sizeof(e->vaddr)),
			0);
	KUNIT_EXPECT_EQ(test, memcmp(&e->daddr, &w->daddr, sizeof(e->daddr)),
			0);
}

/* What kvs sends reads back as it was, from kvs and from the tables. */
static void sync_round_trip_test(struct kunit *test)
{
	static const struct { const u8 *b; size_t len; } msgs[] = {
		{ msg_v1_tcp, sizeof(msg_v1_tcp) },
		{ msg_v0_tcp, sizeof(msg_v0_tcp) },
		{ msg_v1_tpl, sizeof(msg_v1_tpl) },
		{ msg_v1_udp6, sizeof(msg_v1_udp6) },
	};
	static const enum enc_kind kinds[] = {
		ENC_V1_TCP, ENC_V0_TCP, ENC_V1_TPL, ENC_V1_UDP6,
	};
	struct kvs_sync_entry want;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(msgs); i++) {
		struct got g = {};
		struct kvs_sync_rx rx = { .entry = take, .arg = &g };

		decode_exact(test, &rx, msgs[i].b, msgs[i].len);
		KUNIT_ASSERT_EQ(test, g.n, 1U);
		make_entry(kinds[i], &want);
		want.flags = (want.flags & IP_VS_CONN_F_BACKUP_MASK) |
			     IP_VS_CONN_F_SYNC;
		/* Version 0 carries neither timeout nor mark. */
		if (kinds[i] == ENC_V0_TCP)
			want.timeout = 0;
		expect_entry(test, &g.e[0], &want);
	}
}

/* ---- fuzz ---- */

static int check_sane(void *arg, const struct kvs_sync_entry *e)
{
	struct kunit *test = arg;

	KUNIT_EXPECT_TRUE(test, e->af == AF_INET || e->af == AF_INET6);
	KUNIT_EXPECT_FALSE(test, e->flags & IP_VS_CONN_F_ONE_PACKET);
	KUNIT_EXPECT_TRUE(test, e->flags & IP_VS_CONN_F_SYNC);
	if (!(e->flags & IP_VS_CONN_F_TEMPLATE))
		KUNIT_EXPECT_LT(test, e->state,
				kvs_proto_find(e->protocol)->num_states);
	return -1;
}

/*
 * Random bytes, and valid messages with bytes flipped, counts raised or
 * cut short anywhere: never a read past the buffer (KASAN), never an
 * entry that should have been refused.
 */
static void sync_fuzz_test(struct kunit *test)
{
	struct rnd_state rnd;
	unsigned int round;
	struct mb m;

	prandom_seed_state(&rnd, 20261202);
	for (round = 0; round < 20000; round++) {
		struct kvs_sync_rx rx = { .entry = check_sane, .arg = test };
		unsigned int len, k, flips;

		build(round % (DEC_TPL_STATE + 1), &m);
		switch (round % 4) {
		case 0:
			len = prandom_u32_state(&rnd) % MAX_MSG;
			prandom_bytes_state(&rnd, m.b, len);
			/* Mostly a consistent size, to reach the entries. */
			if (len >= 4 && prandom_u32_state(&rnd) % 4) {
				m.b[2] = len >> 8;
				m.b[3] = len;
			}
			if (len >= 8 && prandom_u32_state(&rnd) % 2) {
				m.b[0] = 0;
				m.b[5] = 1;
				m.b[6] = 0;
				m.b[7] = 0;
			}
			break;
		case 1:
			len = m.len;
			flips = 1 + prandom_u32_state(&rnd) % 4;
			for (k = 0; k < flips; k++)
				m.b[prandom_u32_state(&rnd) % len] ^=
					1 << (prandom_u32_state(&rnd) % 8);
			break;
		case 2:
			len = prandom_u32_state(&rnd) % (m.len + 1);
			if (len >= 4) {
				m.b[2] = len >> 8;
				m.b[3] = len;
			}
			break;
		default:
			len = m.len;
			m.b[m.b[0] ? 0 : 4] = prandom_u32_state(&rnd);
			break;
		}
		decode_exact(test, &rx, m.b, len);
	}
}

/* ---- when a master sends ---- */

/*
 * A case of kvs_sync_due(): the sysctls, the entry, and when it was last
 * sent (@ago_ms before now, with @last_timeout_s or its timeout, @resent
 * times again; -1: never, just made), with what it must decide.
 */
struct due_case {
	const char *desc;
	int threshold;
	int period;
	unsigned int refresh_ms;
	int retries;
	unsigned int timeout_s;
	u32 pkts;
	bool tpl;
	bool at_once;
	int ago_ms;
	unsigned int last_timeout_s;
	unsigned int resent;
	bool want;
	unsigned int want_resent;	/* the low bits of @next when sent */
};

static const struct due_case due_cases[] = {
	{ "defaults: the third request", 3, 50, 0, 0, 900, 3,
	  false, false, -1, 0, 0, true, 0 },
	{ "defaults: not the fourth", 3, 50, 0, 0, 900, 4,
	  false, false, -1, 0, 0, false, 0 },
	{ "defaults: the 53rd (period 50)", 3, 50, 0, 0, 900, 53,
	  false, false, 100, 0, 0, true, 0 },
	{ "defaults: a template at each try", 3, 50, 0, 0, 300, 4,
	  true, false, 100, 0, 0, true, 0 },
	{ "no period: not the 53rd", 3, 0, 0, 0, 900, 53,
	  false, false, 100, 0, 0, false, 0 },
	{ "no period: a template at its third try", 3, 0, 0, 0, 300, 3,
	  true, false, -1, 0, 0, true, 0 },
	{ "no period: not at its fourth", 3, 0, 0, 0, 300, 4,
	  true, false, 100, 0, 0, false, 0 },
	{ "a move to a closing state: at once", 3, 50, 2000, 0, 120, 4,
	  false, true, 10, 0, 0, true, 0 },
	{ "refresh 2 s: its end moved 3 s", 3, 0, 2000, 0, 900, 20,
	  false, false, 3000, 0, 0, true, 0 },
	{ "refresh 2 s: its end moved 1 s", 3, 0, 2000, 0, 900, 20,
	  false, false, 1000, 0, 0, false, 0 },
	{ "refresh 2 s, 2 retries: moved 1 s, a first resend", 3, 0, 2000, 2,
	  900, 20, false, false, 1000, 0, 0, true, 1 },
	{ "refresh 2 s, 2 retries: resent twice already", 3, 0, 2000, 2,
	  900, 20, false, false, 1000, 0, 2, false, 0 },
	{ "refresh 8 s, 3 retries: sent 0.5 s ago, under an eighth", 3, 0,
	  8000, 3, 900, 20, false, false, 500, 0, 1, false, 0 },
	{ "refresh 8 s, 3 retries: sent 1.5 s ago, resent", 3, 0, 8000, 3,
	  900, 20, false, false, 1500, 0, 1, true, 2 },
	{ "refresh 8 s: moved past it, the resends start over", 3, 0, 8000,
	  3, 900, 20, false, false, 9000, 0, 3, true, 0 },
	{ "refresh 100 s, timeout 30 s: moved 20 s, past half of it", 3, 0,
	  100000, 0, 30, 20, false, false, 20000, 0, 0, true, 0 },
	{ "refresh 100 s, timeout 30 s: moved 12 s", 3, 0, 100000, 0, 30, 20,
	  false, false, 12000, 0, 0, false, 0 },
	{ "refresh 100 s, timeout 8 s: at least 10 s, moved 9 s", 3, 0,
	  100000, 0, 8, 20, false, false, 9000, 0, 0, false, 0 },
	{ "refresh 2 s with period 50: moved 3 s, not its request", 3, 50,
	  2000, 0, 900, 20, false, false, 3000, 0, 0, false, 0 },
	{ "refresh 2 s with period 50: moved 3 s, the 53rd request", 3, 50,
	  2000, 0, 900, 53, false, false, 3000, 0, 0, true, 0 },
	{ "refresh 2 s with period 50: a template moved 3 s", 3, 50, 2000, 0,
	  300, 20, true, false, 3000, 0, 0, true, 0 },
	{ "refresh 2 s: the timeout shrank, its end moved back", 3, 0, 2000,
	  0, 60, 20, false, false, 500, 900, 0, true, 0 },
	{ "refresh 2 s: never sent", 3, 0, 2000, 0, 900, 20,
	  false, false, -1, 0, 0, true, 0 },
};

static void due_desc(const struct due_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(due, due_cases, due_desc);

static void sync_due_test(struct kunit *test)
{
	const struct due_case *c = test->param_value;
	unsigned long now = 100000UL * HZ, last, next = 0, end;
	unsigned int last_timeout = c->last_timeout_s ?: c->timeout_s;
	struct kvs_sync_due d = {
		.threshold = c->threshold,
		.period = c->period,
		.refresh = msecs_to_jiffies(c->refresh_ms),
		.retries = c->retries,
		.timeout = c->timeout_s * HZ,
		.pkts = c->pkts,
		.tpl = c->tpl,
		.at_once = c->at_once,
	};
	bool got;

	/* Never sent: what a new entry holds, its end now. */
	last = now & ~3UL;
	if (c->ago_ms >= 0)
		last = ((now - msecs_to_jiffies(c->ago_ms) +
			 last_timeout * HZ) & ~3UL) | c->resent;
	got = kvs_sync_due(&d, now, last, &next);
	KUNIT_EXPECT_EQ(test, got, c->want);
	if (!got)
		return;
	/* A send records the entry's new end, and the resends of it. */
	end = (now + d.timeout) & ~3UL;
	KUNIT_EXPECT_EQ(test, next & ~3UL, end);
	KUNIT_EXPECT_EQ(test, next & 3, (unsigned long)c->want_resent);
}

static struct kunit_case sync_cases[] = {
	KUNIT_CASE_PARAM(sync_encode_test, enc_gen_params),
	KUNIT_CASE(sync_encode_limits_test),
	KUNIT_CASE_PARAM(sync_decode_test, dec_gen_params),
	KUNIT_CASE(sync_round_trip_test),
	KUNIT_CASE(sync_fuzz_test),
	KUNIT_CASE_PARAM(sync_due_test, due_gen_params),
	{}
};

static struct kunit_suite sync_suite = {
	.name = "kvs_sync",
	.test_cases = sync_cases,
};

kunit_test_suite(sync_suite);
