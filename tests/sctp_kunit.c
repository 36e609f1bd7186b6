// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of SCTP as the director sees it (core/proto_sctp.c): the
 * association state machine driven through kvs_proto_sctp.transition by
 * crafted packets in each direction, which packets open a connection,
 * state names, timeouts, ActiveConn, reuse, the CRC32c check of what
 * arrives and the CRC32c checksum NAT leaves behind.
 *
 * Expected states are the in-tree module's, read off sctp_states[] in
 * net/netfilter/ipvs/ip_vs_proto_sctp.c: INPUT for packets from the
 * client (KVS_DIR_ORIG), OUTPUT for the real server's (KVS_DIR_REPLY),
 * INPUT-ONLY for the client's while IP_VS_CONN_F_NOOUTPUT is set.
 */
#include <kunit/test.h>
#include <linux/ip.h>
#include <linux/sctp.h>
#include <net/ip.h>
#include <net/sctp/checksum.h>

#include "../core/conn.h"
#include "../core/packet.h"
#include "../core/proto.h"
#include "../xmit/xmit.h"

#define O	KVS_DIR_ORIG
#define R	KVS_DIR_REPLY
#define NOOUT	IP_VS_CONN_F_NOOUTPUT
/* No chunk at all: only the common header. */
#define NO_CHUNK	0xff

/*
 * An IPv4 SCTP packet whose first chunk is @type (8 bytes long), then
 * @second when not 0, and a valid CRC32c.
 */
static struct sk_buff *sctp_packet(struct kunit *test, enum kvs_dir dir,
				   u8 type, u8 second, struct kvs_iph *iph)
{
	struct sctp_chunkhdr *ch;
	struct sk_buff *skb;
	struct sctphdr *sh;
	struct iphdr *ip;
	int err;

	skb = alloc_skb(128, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 16);
	skb_reset_network_header(skb);
	ip = skb_put_zero(skb, sizeof(*ip));
	skb_set_transport_header(skb, sizeof(*ip));
	sh = skb_put_zero(skb, sizeof(*sh));
	if (type != NO_CHUNK) {
		ch = skb_put_zero(skb, 8);
		ch->type = type;
		ch->length = htons(8);
	}
	if (second) {
		ch = skb_put_zero(skb, 8);
		ch->type = second;
		ch->length = htons(8);
	}
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(skb->len);
	ip->ttl = 64;
	ip->protocol = IPPROTO_SCTP;
	ip->saddr = htonl(dir == O ? 0xc6336407 : 0x0a010203);
	ip->daddr = htonl(dir == O ? 0xc0000201 : 0xc6336407);
	ip_send_check(ip);
	sh->source = htons(dir == O ? 40000 : 3868);
	sh->dest = htons(dir == O ? 3868 : 40000);
	sh->vtag = htonl(0x01020304);
	sh->checksum = sctp_compute_cksum(skb, sizeof(*ip));

	err = kvs_parse_ipv4(skb, iph);
	/*
	 * The parser refuses a packet with no chunk (the hook drops it as
	 * malformed, as in-tree); the protocol still copes with one.
	 */
	if (type == NO_CHUNK && !second) {
		KUNIT_EXPECT_EQ(test, err, -EINVAL);
		KUNIT_EXPECT_EQ(test, iph->thoff, sizeof(*ip));
		iph->sport = sh->source;
		iph->dport = sh->dest;
		err = 0;
	}
	if (err)
		kfree_skb(skb);
	KUNIT_ASSERT_EQ(test, err, 0);
	return skb;
}

struct sctp_step {
	bool pkt;		/* false ends the sequence */
	enum kvs_dir dir;
	u8 type;
	u8 second;		/* a bundled chunk after the first, or 0 */
	enum kvs_sctp_state state;	/* expected after the packet */
	bool noout;		/* NOOUTPUT expected after it */
};

#define PKT(d, t, s)		{ true, d, SCTP_CID_##t, 0, KVS_SCTP_S_##s, false }
#define PKT_NOOUT(d, t, s)	{ true, d, SCTP_CID_##t, 0, KVS_SCTP_S_##s, true }

struct sctp_case {
	const char *desc;
	enum kvs_sctp_state start;
	u32 flags;
	struct sctp_step steps[10];
};

/* Comments: the in-tree table (I, O, IO), its row and the state. */
static const struct sctp_case sctp_cases[] = {
	{
		.desc = "NAT: handshake, data, client shuts down",
		.steps = {
			PKT(O, INIT, INIT1),			/* I i sNO */
			PKT(R, INIT_ACK, COOKIE_SENT),		/* O i_a sI1 */
			PKT(O, COOKIE_ECHO, COOKIE_REPLIED),	/* I c_e sCS */
			PKT(R, COOKIE_ACK, ESTABLISHED),	/* O c_a sCR */
			PKT(O, DATA, ESTABLISHED),		/* I d sES */
			PKT(R, SACK, ESTABLISHED),		/* O d sES */
			PKT(O, SHUTDOWN, SHUTDOWN_RECEIVED),	/* I s sES */
			PKT(R, SHUTDOWN_ACK, SHUTDOWN_ACK_SENT), /* O s_a sSR */
			PKT(O, SHUTDOWN_COMPLETE, CLOSED),	/* I s_c sSA */
		},
	},
	{
		.desc = "NAT: the real server shuts down",
		.start = KVS_SCTP_S_ESTABLISHED,
		.steps = {
			PKT(R, SHUTDOWN, SHUTDOWN_SENT),	/* O s sES */
			PKT(O, SHUTDOWN_ACK, CLOSED),		/* I s_a sSS */
			PKT(R, SHUTDOWN_COMPLETE, CLOSED),	/* O s_c sCL */
		},
	},
	{
		.desc = "INIT retransmitted, then rejected with ABORT",
		.steps = {
			PKT(O, INIT, INIT1),			/* I i sNO */
			PKT(O, INIT, INIT),			/* I i sI1 */
			PKT(R, ABORT, CLOSED),			/* O ab sIN */
			PKT(O, INIT, INIT),			/* I i sCL */
		},
	},
	{
		.desc = "the first INIT answered by ABORT is REJECTED",
		.steps = {
			PKT(O, INIT, INIT1),			/* I i sNO */
			PKT(R, ABORT, REJECTED),		/* O ab sI1 */
			PKT(O, DATA, REJECTED),			/* I d sRJ */
			PKT(O, INIT, INIT),			/* I i sRJ */
		},
	},
	{
		.desc = "client ABORT and ERROR in ESTABLISHED",
		.start = KVS_SCTP_S_ESTABLISHED,
		.steps = {
			PKT(O, ERROR, ESTABLISHED),		/* I err sES */
			PKT(O, HEARTBEAT, ESTABLISHED),		/* I d sES */
			PKT(O, ABORT, CLOSED),			/* I ab sES */
		},
	},
	{
		.desc = "DR: the client's packets alone (INPUT-ONLY)",
		.flags = NOOUT,
		.steps = {
			PKT_NOOUT(O, INIT, INIT1),		/* IO i sNO */
			PKT_NOOUT(O, COOKIE_ECHO, ESTABLISHED),	/* IO c_e sI1 */
			PKT_NOOUT(O, DATA, ESTABLISHED),	/* IO d sES */
			PKT_NOOUT(O, SHUTDOWN, SHUTDOWN_RECEIVED), /* IO s sES */
			PKT_NOOUT(O, SHUTDOWN_COMPLETE, CLOSED), /* IO s_c sSR */
		},
	},
	{
		.desc = "DR: the server closes, the client acks",
		.flags = NOOUT,
		.start = KVS_SCTP_S_ESTABLISHED,
		.steps = {
			PKT_NOOUT(O, SHUTDOWN_ACK, CLOSED),	/* IO s_a sES */
		},
	},
	{
		.desc = "a reply clears NOOUTPUT and switches tables",
		.flags = NOOUT,
		.steps = {
			PKT_NOOUT(O, INIT, INIT1),		/* IO i sNO */
			PKT(R, INIT_ACK, COOKIE_SENT),		/* O i_a sI1 */
			PKT(O, COOKIE_ECHO, COOKIE_REPLIED),	/* I c_e sCS */
		},
	},
	{
		.desc = "server-initiated association",
		.steps = {
			PKT(R, INIT, COOKIE_WAIT),		/* O i sNO */
			PKT(O, INIT_ACK, COOKIE),		/* I i_a sCW */
			PKT(R, COOKIE_ECHO, COOKIE_ECHOED),	/* O c_e sCO */
			PKT(O, COOKIE_ACK, ESTABLISHED),	/* I c_a sCE */
		},
	},
	{
		.desc = "COOKIE ECHO bundled with ABORT counts as ABORT",
		.start = KVS_SCTP_S_COOKIE_SENT,
		.steps = {
			{ true, O, SCTP_CID_COOKIE_ECHO, SCTP_CID_ABORT,
			  KVS_SCTP_S_CLOSED, false },		/* I ab sCS */
		},
	},
	{
		.desc = "COOKIE ECHO bundled with DATA is a COOKIE ECHO",
		.start = KVS_SCTP_S_COOKIE_SENT,
		.steps = {
			{ true, O, SCTP_CID_COOKIE_ECHO, SCTP_CID_DATA,
			  KVS_SCTP_S_COOKIE_REPLIED, false },	/* I c_e sCS */
		},
	},
	{
		.desc = "a packet without a chunk changes nothing",
		.start = KVS_SCTP_S_ESTABLISHED,
		.steps = {
			{ true, O, NO_CHUNK, 0, KVS_SCTP_S_ESTABLISHED, false },
			{ true, R, NO_CHUNK, 0, KVS_SCTP_S_ESTABLISHED, false },
		},
	},
};

static void sctp_case_desc(const struct sctp_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sctp_seq, sctp_cases, sctp_case_desc);

static void sctp_sequence_test(struct kunit *test)
{
	const struct sctp_case *c = test->param_value;
	const struct kvs_proto *pp = &kvs_proto_sctp;
	struct kvs_conn *cp;
	unsigned int i;

	cp = kunit_kzalloc(test, sizeof(*cp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cp);
	cp->state = c->start;
	cp->flags = c->flags;
	for (i = 0; i < ARRAY_SIZE(c->steps) && c->steps[i].pkt; i++) {
		const struct sctp_step *st = &c->steps[i];
		struct kvs_iph iph;
		struct sk_buff *skb;

		skb = sctp_packet(test, st->dir, st->type, st->second, &iph);
		pp->transition(cp, st->dir, skb, &iph);
		kfree_skb(skb);
		/* The values: two states may share a name. */
		KUNIT_EXPECT_EQ_MSG(test, (unsigned int)cp->state,
				    (unsigned int)st->state,
				    "step %u: %s, want %s", i + 1,
				    pp->state_name(cp->state),
				    pp->state_name(st->state));
		KUNIT_EXPECT_EQ_MSG(test, !!(cp->flags & NOOUT), st->noout,
				    "step %u", i + 1);
	}
}

struct sctp_sched_case {
	const char *desc;
	u8 type;
	bool opens;
	bool sloppy;	/* opens with sysctl sloppy_sctp */
};

static const struct sctp_sched_case sctp_sched_cases[] = {
	{ "INIT opens", SCTP_CID_INIT, true, true },
	{ "DATA does not, but sloppy", SCTP_CID_DATA, false, true },
	{ "ABORT does not, not even sloppy", SCTP_CID_ABORT, false, false },
	{ "COOKIE ECHO does not, but sloppy", SCTP_CID_COOKIE_ECHO, false, true },
	{ "SHUTDOWN does not, but sloppy", SCTP_CID_SHUTDOWN, false, true },
	{ "no chunk does not, not even sloppy", NO_CHUNK, false, false },
};

static void sctp_sched_desc(const struct sctp_sched_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sctp_sched, sctp_sched_cases, sctp_sched_desc);

static void sctp_can_schedule_test(struct kunit *test)
{
	const struct sctp_sched_case *c = test->param_value;
	struct kvs_iph iph;
	struct sk_buff *skb;

	skb = sctp_packet(test, O, c->type, 0, &iph);
	KUNIT_EXPECT_EQ(test, kvs_proto_sctp.can_schedule(skb, &iph), c->opens);
	KUNIT_EXPECT_EQ(test, kvs_proto_sctp.not_reset(skb, &iph), c->sloppy);
	kfree_skb(skb);
}

static void sctp_proto_test(struct kunit *test)
{
	const struct kvs_proto *pp = kvs_proto_find(IPPROTO_SCTP);
	struct kvs_conn cp = {};

	KUNIT_ASSERT_PTR_EQ(test, pp, &kvs_proto_sctp);
	KUNIT_EXPECT_STREQ(test, pp->name, "SCTP");
	KUNIT_EXPECT_EQ(test, pp->num_states, 14);
	KUNIT_EXPECT_EQ(test, pp->csum_offset, 8);
	KUNIT_EXPECT_EQ(test, pp->min_hdr, 12);
	KUNIT_EXPECT_STREQ(test, pp->state_name(KVS_SCTP_S_COOKIE_SENT), "C-SENT");
	KUNIT_EXPECT_STREQ(test, pp->state_name(KVS_SCTP_S_SHUTDOWN_ACK_SENT),
			   "S-ACK-SENT");
	KUNIT_EXPECT_STREQ(test, pp->state_name(KVS_SCTP_S_LAST), "ERR!");
	KUNIT_EXPECT_EQ(test, pp->timeout(NULL, KVS_SCTP_S_ESTABLISHED), 900 * HZ);
	KUNIT_EXPECT_EQ(test, pp->timeout(NULL, KVS_SCTP_S_INIT1), 4 * HZ);
	KUNIT_EXPECT_EQ(test, pp->timeout(NULL, KVS_SCTP_S_REJECTED), 4 * HZ);
	KUNIT_EXPECT_EQ(test, pp->timeout(NULL, KVS_SCTP_S_CLOSED), 61 * HZ);
	KUNIT_EXPECT_EQ(test, pp->timeout(NULL, KVS_SCTP_S_NONE), 2 * HZ);
	KUNIT_EXPECT_TRUE(test, pp->state_active(KVS_SCTP_S_ESTABLISHED));
	KUNIT_EXPECT_FALSE(test, pp->state_active(KVS_SCTP_S_COOKIE_ECHOED));
	KUNIT_EXPECT_FALSE(test, pp->state_active(KVS_SCTP_S_SHUTDOWN_SENT));
	cp.state = KVS_SCTP_S_CLOSED;
	KUNIT_EXPECT_TRUE(test, pp->reusable(&cp, 1));
	cp.state = KVS_SCTP_S_SHUTDOWN_ACK_SENT;
	KUNIT_EXPECT_FALSE(test, pp->reusable(&cp, 1));
}

/* NAT in both directions leaves a valid CRC32c and IP checksum. */
static void sctp_nat_csum_test(struct kunit *test)
{
	const struct kvs_proto *pp = &kvs_proto_sctp;
	struct kvs_iph iph;
	struct sk_buff *skb;
	struct sctphdr *sh;
	__le32 before;

	skb = sctp_packet(test, O, SCTP_CID_DATA, 0, &iph);
	sh = (struct sctphdr *)(skb->data + iph.thoff);
	before = sh->checksum;
	KUNIT_ASSERT_EQ(test, kvs_nat_rewrite_ipv4(skb, &iph, pp, false,
						   htonl(0x0a010203),
						   htons(3869)), 0);
	sh = (struct sctphdr *)(skb->data + iph.thoff);
	KUNIT_EXPECT_EQ(test, ntohs(sh->dest), 3869);
	KUNIT_EXPECT_EQ(test, ip_hdr(skb)->daddr, htonl(0x0a010203));
	KUNIT_EXPECT_NE(test, sh->checksum, before);
	KUNIT_EXPECT_EQ(test, sh->checksum, sctp_compute_cksum(skb, iph.thoff));
	KUNIT_EXPECT_EQ(test, ip_fast_csum(ip_hdr(skb), 5), 0);

	KUNIT_ASSERT_EQ(test, kvs_nat_rewrite_ipv4(skb, &iph, pp, true,
						   htonl(0xc0000201),
						   htons(80)), 0);
	sh = (struct sctphdr *)(skb->data + iph.thoff);
	KUNIT_EXPECT_EQ(test, ntohs(sh->source), 80);
	KUNIT_EXPECT_EQ(test, sh->checksum, sctp_compute_cksum(skb, iph.thoff));
	KUNIT_EXPECT_EQ(test, ip_fast_csum(ip_hdr(skb), 5), 0);
	kfree_skb(skb);
}

enum crc_damage {
	CRC_INTACT,
	CRC_FIELD,		/* the checksum field itself is off by a bit */
	CRC_PAYLOAD,		/* a chunk byte flipped, the field kept */
	CRC_PORT,		/* a port flipped, as NAT would rewrite */
	CRC_ZERO,		/* the field zeroed */
};

struct crc_case {
	const char *desc;
	enum crc_damage damage;
	u8 ip_summed;
	bool paged;		/* the chunks in a page fragment */
	bool ok;
};

static const struct crc_case crc_cases[] = {
	{ "intact", CRC_INTACT, CHECKSUM_NONE, false, true },
	{ "intact, in a page", CRC_INTACT, CHECKSUM_NONE, true, true },
	{ "field off by a bit", CRC_FIELD, CHECKSUM_NONE, false, false },
	{ "payload byte flipped", CRC_PAYLOAD, CHECKSUM_NONE, false, false },
	{ "payload byte flipped, in a page", CRC_PAYLOAD, CHECKSUM_NONE,
	  true, false },
	{ "port flipped", CRC_PORT, CHECKSUM_NONE, false, false },
	{ "field zeroed", CRC_ZERO, CHECKSUM_NONE, false, false },
	{ "bad, CHECKSUM_COMPLETE (no CRC32c in it)", CRC_PAYLOAD,
	  CHECKSUM_COMPLETE, false, false },
	{ "bad, but a device verified it", CRC_PAYLOAD, CHECKSUM_UNNECESSARY,
	  false, true },
	{ "bad, but from this host (CHECKSUM_PARTIAL)", CRC_ZERO,
	  CHECKSUM_PARTIAL, false, true },
};

static void crc_case_desc(const struct crc_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sctp_crc, crc_cases, crc_case_desc);

/* Move the chunks after the common header into a page fragment. */
static void sctp_to_paged(struct kunit *test, struct sk_buff *skb,
			  unsigned int thoff)
{
	unsigned int head = thoff + sizeof(struct sctphdr);
	unsigned int len = skb->len - head;
	struct page *page = alloc_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, page);
	memcpy(page_address(page), skb->data + head, len);
	skb_trim(skb, head);
	skb_fill_page_desc(skb, 0, page, 0, len);
	skb->len += len;
	skb->data_len += len;
	skb->truesize += PAGE_SIZE;
}

/* The CRC32c of what arrives is checked, wherever the bytes lie. */
static void sctp_crc_test(struct kunit *test)
{
	const struct crc_case *c = test->param_value;
	struct kvs_iph iph;
	struct sk_buff *skb;
	struct sctphdr *sh;
	u8 *chunk;

	skb = sctp_packet(test, O, SCTP_CID_INIT, SCTP_CID_DATA, &iph);
	sh = (struct sctphdr *)(skb->data + iph.thoff);
	chunk = (u8 *)(sh + 1);
	switch (c->damage) {
	case CRC_INTACT:
		break;
	case CRC_FIELD:
		sh->checksum ^= cpu_to_le32(0x100);
		break;
	case CRC_PAYLOAD:	/* the INIT chunk's value (DATA, 0, adds no chunk) */
		chunk[4] ^= 0x01;
		break;
	case CRC_PORT:
		sh->dest ^= htons(1);
		break;
	case CRC_ZERO:
		sh->checksum = 0;
		break;
	}
	if (c->paged)
		sctp_to_paged(test, skb, iph.thoff);
	skb->ip_summed = c->ip_summed;
	KUNIT_ASSERT_NOT_NULL(test, kvs_proto_sctp.csum_ok);
	KUNIT_EXPECT_EQ(test, kvs_proto_sctp.csum_ok(skb, &iph), c->ok);
	/* The check reads, it never writes. */
	if (!c->paged && c->damage == CRC_ZERO)
		KUNIT_EXPECT_EQ(test, sh->checksum, 0);
	kfree_skb(skb);
}

/* TCP and UDP checksums are updated incrementally: nothing to check. */
static void sctp_crc_only_test(struct kunit *test)
{
	KUNIT_EXPECT_NULL(test, kvs_proto_tcp.csum_ok);
	KUNIT_EXPECT_NULL(test, kvs_proto_udp.csum_ok);
}

static struct kunit_case sctp_test_cases[] = {
	KUNIT_CASE_PARAM(sctp_sequence_test, sctp_seq_gen_params),
	KUNIT_CASE_PARAM(sctp_can_schedule_test, sctp_sched_gen_params),
	KUNIT_CASE(sctp_proto_test),
	KUNIT_CASE(sctp_nat_csum_test),
	KUNIT_CASE_PARAM(sctp_crc_test, sctp_crc_gen_params),
	KUNIT_CASE(sctp_crc_only_test),
	{}
};

static struct kunit_suite sctp_test_suite = {
	.name = "kvs_sctp",
	.test_cases = sctp_test_cases,
};

kunit_test_suite(sctp_test_suite);
