// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of TCP as the director sees it (core/proto_tcp.c): the
 * connection state machine driven through kvs_proto_tcp.transition by
 * crafted segments in each direction, which segments may open a
 * connection, state names, ActiveConn, and the default timeouts.
 *
 * Every expected state and ActiveConn flag is the in-tree module's, read
 * off tcp_states[], tcp_state_active_table[] and set_tcp_state() in
 * net/netfilter/ipvs/ip_vs_proto_tcp.c, not off kvs's own tables.  Its
 * INPUT table is for packets from the client (KVS_DIR_ORIG), OUTPUT for
 * packets from the real server (KVS_DIR_REPLY), and INPUT-ONLY for packets
 * from the client while IP_VS_CONN_F_NOOUTPUT is set (no reply seen yet,
 * as with DR and tunnels); any reply clears that flag.  The most
 * significant flag picks the row: RST, then SYN, then FIN, then ACK; a
 * segment with none of them closes.  Note that in-tree names a close
 * from the real server's side: the client's FIN leads to CLOSE_WAIT, the
 * server's to FIN_WAIT.
 */
#include <kunit/test.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/tcp.h>

#include "../core/packet.h"
#include "../core/service.h"

#define O	KVS_DIR_ORIG
#define R	KVS_DIR_REPLY

#define SYN	TCPHDR_SYN
#define ACK	TCPHDR_ACK
#define FIN	TCPHDR_FIN
#define RST	TCPHDR_RST
#define PSH	TCPHDR_PSH
#define URG	TCPHDR_URG

#define NOOUT	IP_VS_CONN_F_NOOUTPUT

/* A segment in each direction of a client/virtual service connection. */
static struct sk_buff *tcp_segment(struct kunit *test, enum kvs_dir dir,
				   u8 flags, unsigned int payload,
				   struct kvs_iph *iph)
{
	struct sk_buff *skb;
	struct tcphdr *th;
	struct iphdr *ip;
	int err;

	skb = alloc_skb(sizeof(*ip) + sizeof(*th) + payload + 32, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 16);
	skb_reset_network_header(skb);
	ip = skb_put_zero(skb, sizeof(*ip));
	th = skb_put_zero(skb, sizeof(*th));
	memset(skb_put(skb, payload), 'd', payload);

	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(skb->len);
	ip->ttl = 64;
	ip->protocol = IPPROTO_TCP;
	ip->saddr = htonl(dir == O ? 0xc6336407 : 0x0a010203);
	ip->daddr = htonl(dir == O ? 0xc0000201 : 0xc6336407);
	ip_send_check(ip);
	th->source = htons(dir == O ? 40000 : 8080);
	th->dest = htons(dir == O ? 80 : 40000);
	th->doff = 5;
	tcp_flag_byte(th) = flags;
	th->window = htons(1024);

	err = kvs_parse_ipv4(skb, iph);
	if (err)
		kfree_skb(skb);
	KUNIT_ASSERT_EQ(test, err, 0);
	return skb;
}

struct tcp_step {
	bool seg;		/* false ends the sequence */
	enum kvs_dir dir;
	u8 flags;		/* 0 is a segment with no flags at all */
	enum kvs_tcp_state state;	/* expected after the segment */
	bool noout;		/* IP_VS_CONN_F_NOOUTPUT expected after it */
};

/* A segment after which NOOUTPUT is clear, and one after which it is set. */
#define SEG(d, f, s)		{ true, d, f, KVS_TCP_S_##s, false }
#define SEG_NOOUT(d, f, s)	{ true, d, f, KVS_TCP_S_##s, true }

struct tcp_case {
	const char *desc;
	enum kvs_tcp_state start;
	u32 flags;		/* cp->flags to start with */
	struct tcp_step steps[12];
};

/*
 * Each step's comment names the in-tree table (I INPUT, O OUTPUT, IO
 * INPUT-ONLY), its row, and the current state by in-tree's short name.
 */
static const struct tcp_case tcp_cases[] = {
	{
		.desc = "client closes first: CLOSE_WAIT, then TIME_WAIT",
		.steps = {
			SEG(O, SYN, SYN_RECV),			/* I syn sNO */
			SEG(R, SYN | ACK, SYN_RECV),		/* O syn sSR */
			SEG(O, ACK, ESTABLISHED),		/* I ack sSR */
			SEG(O, PSH | ACK, ESTABLISHED),		/* I ack sES */
			SEG(R, PSH | ACK, ESTABLISHED),		/* O ack sES */
			SEG(O, FIN | ACK, CLOSE_WAIT),		/* I fin sES */
			SEG(R, ACK, CLOSE_WAIT),		/* O ack sCW */
			SEG(R, PSH | ACK, CLOSE_WAIT),		/* O ack sCW */
			SEG(O, ACK, CLOSE_WAIT),		/* I ack sCW */
			SEG(R, FIN | ACK, TIME_WAIT),		/* O fin sCW */
			SEG(O, ACK, TIME_WAIT),			/* I ack sTW */
		},
	},
	{
		.desc = "server closes first: FIN_WAIT, then TIME_WAIT",
		.steps = {
			SEG(O, SYN, SYN_RECV),			/* I syn sNO */
			SEG(R, SYN | ACK, SYN_RECV),		/* O syn sSR */
			SEG(O, ACK, ESTABLISHED),		/* I ack sSR */
			SEG(R, PSH | ACK, ESTABLISHED),		/* O ack sES */
			SEG(R, FIN | ACK, FIN_WAIT),		/* O fin sES */
			SEG(O, ACK, FIN_WAIT),			/* I ack sFW */
			SEG(O, PSH | ACK, FIN_WAIT),		/* I ack sFW */
			SEG(R, ACK, FIN_WAIT),			/* O ack sFW */
			SEG(O, FIN | ACK, TIME_WAIT),		/* I fin sFW */
			SEG(R, ACK, TIME_WAIT),			/* O ack sTW */
		},
	},
	{
		.desc = "simultaneous close, the client's fin seen first",
		.start = KVS_TCP_S_ESTABLISHED,
		.steps = {
			SEG(O, FIN | ACK, CLOSE_WAIT),		/* I fin sES */
			SEG(R, FIN | ACK, TIME_WAIT),		/* O fin sCW */
			SEG(O, ACK, TIME_WAIT),			/* I ack sTW */
			SEG(R, ACK, TIME_WAIT),			/* O ack sTW */
		},
	},
	{
		.desc = "simultaneous close, the server's fin seen first",
		.start = KVS_TCP_S_ESTABLISHED,
		.steps = {
			SEG(R, FIN | ACK, FIN_WAIT),		/* O fin sES */
			SEG(O, FIN | ACK, TIME_WAIT),		/* I fin sFW */
			SEG(R, ACK, TIME_WAIT),			/* O ack sTW */
			SEG(O, ACK, TIME_WAIT),			/* I ack sTW */
		},
	},
	{
		.desc = "client resets an established connection",
		.start = KVS_TCP_S_ESTABLISHED,
		.steps = {
			SEG(O, RST, CLOSE),			/* I rst sES */
			SEG(R, ACK, CLOSE),			/* O ack sCL */
			SEG(R, RST, CLOSE),			/* O rst sCL */
			SEG(O, FIN | ACK, CLOSE),		/* I fin sCL */
		},
	},
	{
		.desc = "server resets an established connection",
		.start = KVS_TCP_S_ESTABLISHED,
		.steps = {
			SEG(R, RST | ACK, CLOSE),		/* O rst sES */
			SEG(O, ACK, CLOSE),			/* I ack sCL */
			SEG(O, RST, CLOSE),			/* I rst sCL */
		},
	},
	{
		.desc = "server refuses the connection",
		.steps = {
			SEG(O, SYN, SYN_RECV),			/* I syn sNO */
			SEG(R, RST | ACK, CLOSE),		/* O rst sSR */
		},
	},
	{
		.desc = "client rst in SYN_RECV keeps SYN_RECV",
		.steps = {
			SEG(O, SYN, SYN_RECV),			/* I syn sNO */
			SEG(O, RST, SYN_RECV),			/* I rst sSR */
			SEG(O, RST | ACK, SYN_RECV),		/* I rst sSR */
			SEG(R, SYN | ACK, SYN_RECV),		/* O syn sSR */
			SEG(O, ACK, ESTABLISHED),		/* I ack sSR */
		},
	},
	{
		.desc = "client rst in LAST_ACK keeps LAST_ACK, server rst closes",
		.start = KVS_TCP_S_LAST_ACK,
		.steps = {
			SEG(O, RST, LAST_ACK),			/* I rst sLA */
			SEG(O, RST | ACK, LAST_ACK),		/* I rst sLA */
			SEG(R, ACK, LAST_ACK),			/* O ack sLA */
			SEG(R, FIN | ACK, LAST_ACK),		/* O fin sLA */
			SEG(O, FIN | ACK, LAST_ACK),		/* I fin sLA */
			SEG(R, RST, CLOSE),			/* O rst sLA */
		},
	},
	{
		.desc = "the client's last ack closes LAST_ACK",
		.start = KVS_TCP_S_LAST_ACK,
		.steps = {
			SEG(R, PSH | ACK, LAST_ACK),		/* O ack sLA */
			SEG(O, ACK, CLOSE),			/* I ack sLA */
		},
	},
	{
		.desc = "rst outranks syn, fin and ack",
		.start = KVS_TCP_S_ESTABLISHED,
		.steps = {
			SEG(O, SYN | RST, CLOSE),		/* I rst sES */
			SEG(O, SYN, SYN_RECV),			/* I syn sCL */
			SEG(O, ACK, ESTABLISHED),		/* I ack sSR */
			SEG(R, FIN | RST, CLOSE),		/* O rst sES */
			SEG(O, SYN, SYN_RECV),			/* I syn sCL */
			SEG(O, ACK, ESTABLISHED),		/* I ack sSR */
			SEG(O, RST | ACK, CLOSE),		/* I rst sES */
		},
	},
	{
		.desc = "syn outranks fin and ack",
		.steps = {
			SEG(R, SYN | ACK, SYN_SENT),		/* O syn sNO */
			SEG(O, SYN | FIN, ESTABLISHED),		/* I syn sSS */
			SEG(O, SYN | FIN | ACK, ESTABLISHED),	/* I syn sES */
			SEG(R, SYN | FIN, ESTABLISHED),		/* O syn sES */
		},
	},
	{
		.desc = "syn on an established connection changes nothing",
		.start = KVS_TCP_S_ESTABLISHED,
		.steps = {
			SEG(O, SYN, ESTABLISHED),		/* I syn sES */
			SEG(R, SYN | ACK, ESTABLISHED),		/* O syn sES */
			SEG(R, SYN, ESTABLISHED),		/* O syn sES */
			SEG(O, ACK, ESTABLISHED),		/* I ack sES */
		},
	},
	{
		.desc = "retransmitted syn stays in SYN_RECV",
		.steps = {
			SEG(O, SYN, SYN_RECV),			/* I syn sNO */
			SEG(O, SYN, SYN_RECV),			/* I syn sSR */
			SEG(R, SYN | ACK, SYN_RECV),		/* O syn sSR */
			SEG(O, SYN, SYN_RECV),			/* I syn sSR */
			SEG(O, ACK, ESTABLISHED),		/* I ack sSR */
		},
	},
	{
		.desc = "port reuse: a syn after TIME_WAIT starts over",
		.start = KVS_TCP_S_TIME_WAIT,
		.steps = {
			SEG(O, SYN, SYN_RECV),			/* I syn sTW */
			SEG(R, SYN | ACK, SYN_RECV),		/* O syn sSR */
			SEG(O, ACK, ESTABLISHED),		/* I ack sSR */
		},
	},
	{
		.desc = "port reuse: a syn after CLOSE starts over",
		.start = KVS_TCP_S_CLOSE,
		.steps = {
			SEG(O, SYN, SYN_RECV),			/* I syn sCL */
			SEG(O, ACK, ESTABLISHED),		/* I ack sSR */
		},
	},
	{
		.desc = "a client syn in FIN_WAIT starts over",
		.start = KVS_TCP_S_FIN_WAIT,
		.steps = {
			SEG(O, SYN, SYN_RECV),			/* I syn sFW */
			SEG(R, SYN | ACK, SYN_RECV),		/* O syn sSR */
			SEG(O, ACK, ESTABLISHED),		/* I ack sSR */
		},
	},
	{
		.desc = "a server syn in CLOSE_WAIT is SYN_SENT, left by a client syn",
		.start = KVS_TCP_S_CLOSE_WAIT,
		.steps = {
			SEG(R, SYN, SYN_SENT),			/* O syn sCW */
			SEG(O, ACK, SYN_SENT),			/* I ack sSS */
			SEG(R, ACK, SYN_SENT),			/* O ack sSS */
			SEG(O, FIN | ACK, SYN_SENT),		/* I fin sSS */
			SEG(R, FIN | ACK, SYN_SENT),		/* O fin sSS */
			SEG(R, RST, SYN_SENT),			/* O rst sSS */
			SEG(O, SYN, ESTABLISHED),		/* I syn sSS */
		},
	},
	{
		.desc = "a client rst closes SYN_SENT",
		.start = KVS_TCP_S_SYN_SENT,
		.steps = {
			SEG(O, RST, CLOSE),			/* I rst sSS */
		},
	},
	{
		.desc = "client fin before the handshake completes",
		.steps = {
			SEG(O, SYN, SYN_RECV),			/* I syn sNO */
			SEG(O, FIN | ACK, TIME_WAIT),		/* I fin sSR */
			SEG(R, FIN | ACK, TIME_WAIT),		/* O fin sTW */
		},
	},
	{
		.desc = "server fin before the handshake completes",
		.steps = {
			SEG(O, SYN, SYN_RECV),			/* I syn sNO */
			SEG(R, FIN | ACK, TIME_WAIT),		/* O fin sSR */
			SEG(O, ACK, TIME_WAIT),			/* I ack sTW */
		},
	},
	{
		.desc = "a client ack in NONE establishes",
		.steps = {
			SEG(O, ACK, ESTABLISHED),		/* I ack sNO */
		},
	},
	{
		.desc = "a server fin in NONE is TIME_WAIT",
		.steps = {
			SEG(R, FIN | ACK, TIME_WAIT),		/* O fin sNO */
		},
	},
	{
		.desc = "a server syn-ack in NONE is SYN_SENT until a client syn",
		.steps = {
			SEG(R, SYN | ACK, SYN_SENT),		/* O syn sNO */
			SEG(O, ACK, SYN_SENT),			/* I ack sSS */
			SEG(R, SYN | ACK, SYN_SENT),		/* O syn sSS */
			SEG(O, SYN, ESTABLISHED),		/* I syn sSS */
		},
	},
	{
		.desc = "acks and fins in FIN_WAIT and TIME_WAIT",
		.start = KVS_TCP_S_FIN_WAIT,
		.steps = {
			SEG(O, ACK, FIN_WAIT),			/* I ack sFW */
			SEG(R, ACK, FIN_WAIT),			/* O ack sFW */
			SEG(R, FIN | ACK, FIN_WAIT),		/* O fin sFW */
			SEG(O, FIN | ACK, TIME_WAIT),		/* I fin sFW */
			SEG(R, FIN | ACK, TIME_WAIT),		/* O fin sTW */
			SEG(O, FIN | ACK, TIME_WAIT),		/* I fin sTW */
			SEG(R, ACK, TIME_WAIT),			/* O ack sTW */
			SEG(O, ACK, TIME_WAIT),			/* I ack sTW */
			SEG(R, RST, TIME_WAIT),			/* O rst sTW */
			SEG(O, RST, CLOSE),			/* I rst sTW */
		},
	},
	{
		.desc = "a segment with no flags closes",
		.start = KVS_TCP_S_ESTABLISHED,
		.steps = {
			SEG(O, 0, CLOSE),
			SEG(O, SYN, SYN_RECV),			/* I syn sCL */
			SEG(R, 0, CLOSE),
			SEG(O, 0, CLOSE),
			SEG(R, 0, CLOSE),
		},
	},
	{
		.desc = "push, urg, ece and cwr alone count as no flags",
		.start = KVS_TCP_S_ESTABLISHED,
		.steps = {
			SEG(O, PSH, CLOSE),
			SEG(O, SYN, SYN_RECV),			/* I syn sCL */
			SEG(O, ACK, ESTABLISHED),		/* I ack sSR */
			SEG(R, URG | PSH, CLOSE),
			SEG(O, SYN, SYN_RECV),			/* I syn sCL */
			SEG(O, TCPHDR_ECE | TCPHDR_CWR, CLOSE),
		},
	},
	{
		.desc = "a client syn in LISTEN is SYN_RECV",
		.start = KVS_TCP_S_LISTEN,
		.steps = {
			SEG(O, SYN, SYN_RECV),			/* I syn sLI */
		},
	},
	{
		.desc = "LISTEN: only a server ack establishes",
		.start = KVS_TCP_S_LISTEN,
		.steps = {
			SEG(O, ACK, LISTEN),			/* I ack sLI */
			SEG(O, FIN | ACK, LISTEN),		/* I fin sLI */
			SEG(O, RST, LISTEN),			/* I rst sLI */
			SEG(R, SYN, LISTEN),			/* O syn sLI */
			SEG(R, FIN | ACK, LISTEN),		/* O fin sLI */
			SEG(R, ACK, ESTABLISHED),		/* O ack sLI */
		},
	},
	{
		.desc = "LISTEN: a server rst closes",
		.start = KVS_TCP_S_LISTEN,
		.steps = {
			SEG(R, RST, CLOSE),			/* O rst sLI */
		},
	},
	{
		.desc = "a client rst in SYNACK is SYN_RECV",
		.start = KVS_TCP_S_SYNACK,
		.steps = {
			SEG(O, RST, SYN_RECV),			/* I rst sSA */
			SEG(O, ACK, ESTABLISHED),		/* I ack sSR */
		},
	},

	/* IP_VS_CONN_F_NOOUTPUT: DR and tunnels, replies unseen. */
	{
		.desc = "DR: client fin in ESTABLISHED is FIN_WAIT (INPUT-ONLY)",
		.flags = NOOUT,
		.steps = {
			SEG_NOOUT(O, SYN, SYN_RECV),		/* IO syn sNO */
			SEG_NOOUT(O, ACK, ESTABLISHED),		/* IO ack sSR */
			SEG_NOOUT(O, PSH | ACK, ESTABLISHED),	/* IO ack sES */
			SEG_NOOUT(O, FIN | ACK, FIN_WAIT),	/* IO fin sES */
			SEG_NOOUT(O, ACK, FIN_WAIT),		/* IO ack sFW */
			SEG_NOOUT(O, FIN | ACK, FIN_WAIT),	/* IO fin sFW */
			SEG_NOOUT(O, SYN, SYN_RECV),		/* IO syn sFW */
		},
	},
	{
		.desc = "DR: the first reply clears NOOUTPUT, then INPUT applies",
		.start = KVS_TCP_S_ESTABLISHED,
		.flags = NOOUT,
		.steps = {
			SEG_NOOUT(O, PSH | ACK, ESTABLISHED),	/* IO ack sES */
			SEG(R, PSH | ACK, ESTABLISHED),		/* O ack sES */
			SEG(O, FIN | ACK, CLOSE_WAIT),		/* I fin sES */
			SEG(R, FIN | ACK, TIME_WAIT),		/* O fin sCW */
		},
	},
	{
		.desc = "DR: a reply in FIN_WAIT clears NOOUTPUT",
		.start = KVS_TCP_S_ESTABLISHED,
		.flags = NOOUT,
		.steps = {
			SEG_NOOUT(O, FIN | ACK, FIN_WAIT),	/* IO fin sES */
			SEG(R, FIN | ACK, FIN_WAIT),		/* O fin sFW */
			SEG(O, FIN | ACK, TIME_WAIT),		/* I fin sFW */
		},
	},
	{
		.desc = "DR: a reply with no flags clears NOOUTPUT too",
		.start = KVS_TCP_S_ESTABLISHED,
		.flags = NOOUT,
		.steps = {
			SEG(R, 0, CLOSE),
			SEG(O, SYN, SYN_RECV),			/* I syn sCL */
			SEG(O, ACK, ESTABLISHED),		/* I ack sSR */
			SEG(O, FIN | ACK, CLOSE_WAIT),		/* I fin sES */
		},
	},
	{
		.desc = "DR: a client segment with no flags closes, NOOUTPUT kept",
		.start = KVS_TCP_S_ESTABLISHED,
		.flags = NOOUT,
		.steps = {
			SEG_NOOUT(O, 0, CLOSE),
			SEG_NOOUT(O, SYN, SYN_RECV),		/* IO syn sCL */
		},
	},
	{
		.desc = "DR: client rst keeps SYN_RECV",
		.flags = NOOUT,
		.steps = {
			SEG_NOOUT(O, SYN, SYN_RECV),		/* IO syn sNO */
			SEG_NOOUT(O, RST, SYN_RECV),		/* IO rst sSR */
		},
	},
	{
		.desc = "DR: client rst in SYNACK closes (INPUT-ONLY)",
		.start = KVS_TCP_S_SYNACK,
		.flags = NOOUT,
		.steps = {
			SEG_NOOUT(O, RST, CLOSE),		/* IO rst sSA */
		},
	},
	{
		.desc = "DR: client rst in LAST_ACK keeps LAST_ACK",
		.start = KVS_TCP_S_LAST_ACK,
		.flags = NOOUT,
		.steps = {
			SEG_NOOUT(O, RST, LAST_ACK),		/* IO rst sLA */
			SEG_NOOUT(O, ACK, CLOSE),		/* IO ack sLA */
		},
	},
};

static void tcp_case_desc(const struct tcp_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(tcp_seq, tcp_cases, tcp_case_desc);

/*
 * A connection of a service in a namespace of its own, where memory
 * defense's secure_tcp is on when @secure.
 */
static struct kvs_conn *tcp_conn_in(struct kunit *test,
				    enum kvs_tcp_state state, u32 flags,
				    bool secure)
{
	struct kvs_service *svc;
	struct kvs_dest *dest;
	struct kvs_conn *cp;
	struct kvs_net *kn;

	kn = kunit_kzalloc(test, sizeof(*kn), GFP_KERNEL);
	svc = kunit_kzalloc(test, sizeof(*svc), GFP_KERNEL);
	dest = kunit_kzalloc(test, sizeof(*dest), GFP_KERNEL);
	cp = kunit_kzalloc(test, sizeof(*cp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kn);
	KUNIT_ASSERT_NOT_NULL(test, svc);
	KUNIT_ASSERT_NOT_NULL(test, dest);
	KUNIT_ASSERT_NOT_NULL(test, cp);
	kn->defense.secure_tcp = secure;
	svc->kn = kn;
	dest->svc = svc;
	spin_lock_init(&cp->lock);
	cp->dest = dest;
	cp->proto = &kvs_proto_tcp;
	cp->state = state;
	cp->flags = flags;
	return cp;
}

static struct kvs_conn *tcp_conn(struct kunit *test,
				 enum kvs_tcp_state state, u32 flags)
{
	return tcp_conn_in(test, state, flags, false);
}

/* One segment through the state machine, as the hooks pass it. */
static void tcp_feed(struct kunit *test, struct kvs_conn *cp,
		     enum kvs_dir dir, u8 flags, unsigned int payload)
{
	struct sk_buff *skb;
	struct kvs_iph iph;

	skb = tcp_segment(test, dir, flags, payload, &iph);
	spin_lock_bh(&cp->lock);
	kvs_proto_tcp.transition(cp, dir, skb, &iph);
	spin_unlock_bh(&cp->lock);
	kfree_skb(skb);
}

static void tcp_sequence_test(struct kunit *test)
{
	const struct tcp_case *c = test->param_value;
	const struct kvs_proto *pp = &kvs_proto_tcp;
	struct kvs_conn *cp;
	unsigned int i;

	cp = tcp_conn(test, c->start, c->flags);
	for (i = 0; i < ARRAY_SIZE(c->steps) && c->steps[i].seg; i++) {
		const struct tcp_step *s = &c->steps[i];

		tcp_feed(test, cp, s->dir, s->flags, i & 1 ? 100 : 0);
		/* The values: two states may share a name ("ERR!"). */
		KUNIT_EXPECT_EQ_MSG(test, (unsigned int)cp->state,
				    (unsigned int)s->state,
				    "step %u (%s 0x%02x): %s, want %s", i,
				    s->dir == O ? "orig" : "reply", s->flags,
				    pp->state_name(cp->state),
				    pp->state_name(s->state));
		KUNIT_EXPECT_EQ_MSG(test, !!(cp->flags & NOOUT), s->noout,
				    "NOOUTPUT after step %u (%s 0x%02x)", i,
				    s->dir == O ? "orig" : "reply",
				    s->flags);
	}
	KUNIT_EXPECT_GT(test, i, 0);
}

/*
 * Every transition, row by row as in-tree's tcp_states[] lists them
 * (the columns are the current state), plus a row per table for a
 * segment with no flags.  OUTPUT rows are run with NOOUTPUT both clear
 * and set: a reply clears it and always uses OUTPUT.  S_NO here is
 * in-tree's sNO, and so on.
 */
#define S_NO	KVS_TCP_S_NONE
#define S_ES	KVS_TCP_S_ESTABLISHED
#define S_SS	KVS_TCP_S_SYN_SENT
#define S_SR	KVS_TCP_S_SYN_RECV
#define S_FW	KVS_TCP_S_FIN_WAIT
#define S_TW	KVS_TCP_S_TIME_WAIT
#define S_CL	KVS_TCP_S_CLOSE
#define S_CW	KVS_TCP_S_CLOSE_WAIT
#define S_LA	KVS_TCP_S_LAST_ACK
#define S_LI	KVS_TCP_S_LISTEN
#define S_SA	KVS_TCP_S_SYNACK

static const u8 tcp_cols[] = {
	S_NO, S_ES, S_SS, S_SR, S_FW, S_TW, S_CL, S_CW, S_LA, S_LI, S_SA
};

struct tcp_row {
	const char *desc;
	enum kvs_dir dir;
	bool noout;		/* NOOUTPUT set: the INPUT-ONLY table */
	bool secure;		/* secure_tcp on: in-tree's tcp_states_dos[] */
	u8 flags;
	u8 next[ARRAY_SIZE(tcp_cols)];
};

static const struct tcp_row tcp_rows[] = {
	/*  S_NO, S_ES, S_SS, S_SR, S_FW, S_TW, S_CL, S_CW, S_LA, S_LI, S_SA */
	{ "INPUT syn", O, false, false, SYN,
	  { S_SR, S_ES, S_ES, S_SR, S_SR, S_SR, S_SR, S_SR, S_SR, S_SR, S_SR } },
	{ "INPUT fin", O, false, false, FIN | ACK,
	  { S_CL, S_CW, S_SS, S_TW, S_TW, S_TW, S_CL, S_CW, S_LA, S_LI, S_TW } },
	{ "INPUT ack", O, false, false, ACK,
	  { S_ES, S_ES, S_SS, S_ES, S_FW, S_TW, S_CL, S_CW, S_CL, S_LI, S_ES } },
	{ "INPUT rst", O, false, false, RST,
	  { S_CL, S_CL, S_CL, S_SR, S_CL, S_CL, S_CL, S_CL, S_LA, S_LI, S_SR } },
	{ "INPUT none", O, false, false, 0,
	  { S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL } },

	{ "OUTPUT syn", R, false, false, SYN | ACK,
	  { S_SS, S_ES, S_SS, S_SR, S_SS, S_SS, S_SS, S_SS, S_SS, S_LI, S_SR } },
	{ "OUTPUT fin", R, false, false, FIN | ACK,
	  { S_TW, S_FW, S_SS, S_TW, S_FW, S_TW, S_CL, S_TW, S_LA, S_LI, S_TW } },
	{ "OUTPUT ack", R, false, false, ACK,
	  { S_ES, S_ES, S_SS, S_ES, S_FW, S_TW, S_CL, S_CW, S_LA, S_ES, S_ES } },
	{ "OUTPUT rst", R, false, false, RST | ACK,
	  { S_CL, S_CL, S_SS, S_CL, S_CL, S_TW, S_CL, S_CL, S_CL, S_CL, S_CL } },
	{ "OUTPUT none", R, false, false, 0,
	  { S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL } },

	{ "INPUT-ONLY syn", O, true, false, SYN,
	  { S_SR, S_ES, S_ES, S_SR, S_SR, S_SR, S_SR, S_SR, S_SR, S_SR, S_SR } },
	{ "INPUT-ONLY fin", O, true, false, FIN | ACK,
	  { S_CL, S_FW, S_SS, S_TW, S_FW, S_TW, S_CL, S_CW, S_LA, S_LI, S_TW } },
	{ "INPUT-ONLY ack", O, true, false, ACK,
	  { S_ES, S_ES, S_SS, S_ES, S_FW, S_TW, S_CL, S_CW, S_CL, S_LI, S_ES } },
	{ "INPUT-ONLY rst", O, true, false, RST,
	  { S_CL, S_CL, S_CL, S_SR, S_CL, S_CL, S_CL, S_CL, S_LA, S_LI, S_CL } },
	{ "INPUT-ONLY none", O, true, false, 0,
	  { S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL } },

	/* secure_tcp: in-tree's tcp_states_dos[], row by row. */
	{ "secure INPUT syn", O, false, true, SYN,
	  { S_SR, S_ES, S_ES, S_SR, S_SR, S_SR, S_SR, S_SR, S_SR, S_SR, S_SA } },
	{ "secure INPUT fin", O, false, true, FIN | ACK,
	  { S_CL, S_CW, S_SS, S_TW, S_TW, S_TW, S_CL, S_CW, S_LA, S_LI, S_SA } },
	{ "secure INPUT ack", O, false, true, ACK,
	  { S_ES, S_ES, S_SS, S_SR, S_FW, S_TW, S_CL, S_CW, S_CL, S_LI, S_SA } },
	{ "secure INPUT rst", O, false, true, RST,
	  { S_CL, S_CL, S_CL, S_SR, S_CL, S_CL, S_CL, S_CL, S_LA, S_LI, S_CL } },
	{ "secure INPUT none", O, false, true, 0,
	  { S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL } },

	{ "secure OUTPUT syn", R, false, true, SYN | ACK,
	  { S_SS, S_ES, S_SS, S_SA, S_SS, S_SS, S_SS, S_SS, S_SS, S_LI, S_SA } },
	{ "secure OUTPUT fin", R, false, true, FIN | ACK,
	  { S_TW, S_FW, S_SS, S_TW, S_FW, S_TW, S_CL, S_TW, S_LA, S_LI, S_TW } },
	{ "secure OUTPUT ack", R, false, true, ACK,
	  { S_ES, S_ES, S_SS, S_ES, S_FW, S_TW, S_CL, S_CW, S_LA, S_ES, S_ES } },
	{ "secure OUTPUT rst", R, false, true, RST | ACK,
	  { S_CL, S_CL, S_SS, S_CL, S_CL, S_TW, S_CL, S_CL, S_CL, S_CL, S_CL } },

	{ "secure INPUT-ONLY syn", O, true, true, SYN,
	  { S_SA, S_ES, S_ES, S_SR, S_SA, S_SA, S_SA, S_SA, S_SA, S_SA, S_SA } },
	{ "secure INPUT-ONLY fin", O, true, true, FIN | ACK,
	  { S_CL, S_FW, S_SS, S_TW, S_FW, S_TW, S_CL, S_CW, S_LA, S_LI, S_TW } },
	{ "secure INPUT-ONLY ack", O, true, true, ACK,
	  { S_ES, S_ES, S_SS, S_ES, S_FW, S_TW, S_CL, S_CW, S_CL, S_LI, S_ES } },
	{ "secure INPUT-ONLY rst", O, true, true, RST,
	  { S_CL, S_CL, S_CL, S_SR, S_CL, S_CL, S_CL, S_CL, S_LA, S_LI, S_CL } },
};

static void tcp_row_desc(const struct tcp_row *r, char *desc)
{
	strscpy(desc, r->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(tcp_row, tcp_rows, tcp_row_desc);

static void tcp_table_test(struct kunit *test)
{
	const struct tcp_row *r = test->param_value;
	const struct kvs_proto *pp = &kvs_proto_tcp;
	unsigned int i, pass;

	for (pass = 0; pass < (r->dir == R ? 2 : 1); pass++) {
		bool noout = r->noout || pass;

		for (i = 0; i < ARRAY_SIZE(tcp_cols); i++) {
			struct kvs_conn *cp;

			cp = tcp_conn_in(test, tcp_cols[i], noout ? NOOUT : 0,
					 r->secure);
			tcp_feed(test, cp, r->dir, r->flags, 0);
			KUNIT_EXPECT_EQ_MSG(test, (unsigned int)cp->state,
					    (unsigned int)r->next[i],
					    "from %s, NOOUTPUT %s: %s, want %s",
					    pp->state_name(tcp_cols[i]),
					    noout ? "set" : "clear",
					    pp->state_name(cp->state),
					    pp->state_name(r->next[i]));
			KUNIT_EXPECT_EQ_MSG(test, !!(cp->flags & NOOUT),
					    noout && r->dir == O,
					    "NOOUTPUT after %s, was %s",
					    pp->state_name(tcp_cols[i]),
					    noout ? "set" : "clear");
		}
	}
}

/*
 * A segment too short to hold a TCP header leaves the state alone, and
 * NOOUTPUT with it: in-tree returns before set_tcp_state().
 */
static void tcp_truncated_test(struct kunit *test)
{
	static const enum kvs_dir dirs[] = { O, R };
	struct kvs_conn *cp;
	struct sk_buff *skb;
	struct kvs_iph iph;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		cp = tcp_conn(test, KVS_TCP_S_ESTABLISHED, NOOUT);
		skb = tcp_segment(test, dirs[i], RST, 0, &iph);
		skb_trim(skb, iph.thoff + 12);
		KUNIT_EXPECT_FALSE(test,
				   kvs_proto_tcp.can_schedule(skb, &iph));
		KUNIT_EXPECT_FALSE(test, kvs_proto_tcp.not_reset(skb, &iph));
		spin_lock_bh(&cp->lock);
		kvs_proto_tcp.transition(cp, dirs[i], skb, &iph);
		spin_unlock_bh(&cp->lock);
		kfree_skb(skb);
		KUNIT_EXPECT_EQ_MSG(test, cp->state, KVS_TCP_S_ESTABLISHED,
				    "dir %u", dirs[i]);
		KUNIT_EXPECT_EQ_MSG(test, cp->flags, NOOUT, "dir %u", dirs[i]);
	}
}

struct tcp_sched_case {
	const char *desc;
	u8 flags;
	bool can;
	bool sloppy;	/* opens with sysctl sloppy_tcp */
};

static const struct tcp_sched_case tcp_sched_cases[] = {
	{ "syn", SYN, true, true },
	{ "syn with ecn (ece, cwr)", SYN | TCPHDR_ECE | TCPHDR_CWR, true, true },
	{ "syn with push", SYN | PSH, true, true },
	{ "syn-ack (active FTP)", SYN | ACK, true, true },
	{ "ack", ACK, false, true },
	{ "push-ack", PSH | ACK, false, true },
	{ "fin", FIN, false, true },
	{ "rst", RST, false, false },
	{ "syn-rst", SYN | RST, false, false },
	{ "syn-fin", SYN | FIN, true, true },
	{ "no flags", 0, false, true },
};

static void tcp_sched_case_desc(const struct tcp_sched_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(tcp_sched, tcp_sched_cases, tcp_sched_case_desc);

static void tcp_can_schedule_test(struct kunit *test)
{
	const struct tcp_sched_case *c = test->param_value;
	struct sk_buff *skb;
	struct kvs_iph iph;

	skb = tcp_segment(test, O, c->flags, 0, &iph);
	KUNIT_EXPECT_EQ(test, kvs_proto_tcp.can_schedule(skb, &iph), c->can);
	KUNIT_EXPECT_EQ(test, kvs_proto_tcp.not_reset(skb, &iph), c->sloppy);
	kfree_skb(skb);
}

struct tcp_state_case {
	enum kvs_tcp_state state;
	const char *name;
	unsigned int seconds;	/* default timeout */
	bool active;		/* counted as ActiveConn */
};

/*
 * Names, default timeouts (tcp_timeouts[]) and ActiveConn
 * (tcp_state_active_table[]) as in-tree: ESTABLISHED and the handshake
 * states SYN_SENT, SYN_RECV and SYNACK are active, the rest inactive.
 */
static const struct tcp_state_case tcp_state_cases[] = {
	{ KVS_TCP_S_NONE, "NONE", 2, false },
	{ KVS_TCP_S_ESTABLISHED, "ESTABLISHED", 900, true },
	{ KVS_TCP_S_SYN_SENT, "SYN_SENT", 120, true },
	{ KVS_TCP_S_SYN_RECV, "SYN_RECV", 60, true },
	{ KVS_TCP_S_FIN_WAIT, "FIN_WAIT", 120, false },
	{ KVS_TCP_S_TIME_WAIT, "TIME_WAIT", 120, false },
	{ KVS_TCP_S_CLOSE, "CLOSE", 10, false },
	{ KVS_TCP_S_CLOSE_WAIT, "CLOSE_WAIT", 60, false },
	{ KVS_TCP_S_LAST_ACK, "LAST_ACK", 30, false },
	{ KVS_TCP_S_LISTEN, "LISTEN", 120, false },
	{ KVS_TCP_S_SYNACK, "SYNACK", 120, true },
};

static void tcp_state_case_desc(const struct tcp_state_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(tcp_state, tcp_state_cases, tcp_state_case_desc);

static void tcp_state_test(struct kunit *test)
{
	const struct tcp_state_case *c = test->param_value;
	const struct kvs_proto *pp = &kvs_proto_tcp;
	struct kvs_net *kn;

	kn = kunit_kzalloc(test, sizeof(*kn), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kn);
	kvs_tcp_timeouts_init(kn);

	KUNIT_EXPECT_EQ(test, kn->tcp_timeout[c->state], c->seconds * HZ);
	KUNIT_EXPECT_EQ(test, pp->timeout(kn, c->state), c->seconds * HZ);
	KUNIT_EXPECT_STREQ(test, pp->state_name(c->state), c->name);
	KUNIT_EXPECT_EQ(test, pp->state_active(c->state), c->active);
	/* Timeouts are per namespace: a changed one is what is used. */
	kn->tcp_timeout[c->state] = 7 * HZ;
	KUNIT_EXPECT_EQ(test, pp->timeout(kn, c->state), 7 * HZ);
}

static void tcp_proto_test(struct kunit *test)
{
	const struct kvs_proto *pp = &kvs_proto_tcp;
	struct kvs_net *kn;

	KUNIT_EXPECT_PTR_EQ(test, kvs_proto_find(IPPROTO_TCP), pp);
	KUNIT_EXPECT_EQ(test, pp->protocol, IPPROTO_TCP);
	KUNIT_EXPECT_STREQ(test, pp->name, "TCP");
	KUNIT_EXPECT_EQ(test, pp->num_states, KVS_TCP_S_LAST);
	KUNIT_EXPECT_EQ(test, pp->csum_offset, 16);
	KUNIT_EXPECT_EQ(test, pp->min_hdr, 20);
	KUNIT_EXPECT_EQ(test, ARRAY_SIZE(tcp_state_cases), KVS_TCP_S_LAST);
	KUNIT_EXPECT_STREQ(test, pp->state_name(KVS_TCP_S_LAST), "ERR!");
	KUNIT_EXPECT_STREQ(test, pp->state_name(~0U), "ERR!");
	/* in-tree's tcp_state_active() is false past the last state */
	KUNIT_EXPECT_FALSE(test, pp->state_active(KVS_TCP_S_LAST));
	KUNIT_EXPECT_FALSE(test, pp->state_active(~0U));
	KUNIT_EXPECT_EQ(test, ARRAY_SIZE(tcp_cols), KVS_TCP_S_LAST);

	/* Only TCP's part of the namespace is set. */
	kn = kunit_kzalloc(test, sizeof(*kn), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kn);
	kvs_tcp_timeouts_init(kn);
	KUNIT_EXPECT_EQ(test, kn->udp_timeout[KVS_UDP_S_NORMAL], 0);
	kvs_proto_timeouts_init(kn);
	KUNIT_EXPECT_EQ(test, kn->udp_timeout[KVS_UDP_S_NORMAL], 300 * HZ);
	KUNIT_EXPECT_EQ(test, kn->tcp_timeout[KVS_TCP_S_ESTABLISHED], 900 * HZ);
}

static struct kunit_case tcp_test_cases[] = {
	KUNIT_CASE_PARAM(tcp_sequence_test, tcp_seq_gen_params),
	KUNIT_CASE_PARAM(tcp_table_test, tcp_row_gen_params),
	KUNIT_CASE(tcp_truncated_test),
	KUNIT_CASE_PARAM(tcp_can_schedule_test, tcp_sched_gen_params),
	KUNIT_CASE_PARAM(tcp_state_test, tcp_state_gen_params),
	KUNIT_CASE(tcp_proto_test),
	{}
};

static struct kunit_suite tcp_test_suite = {
	.name = "kvs_tcp",
	.test_cases = tcp_test_cases,
};

kunit_test_suite(tcp_test_suite);
