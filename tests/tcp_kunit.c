// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of TCP as the director sees it (core/proto_tcp.c): the
 * connection state machine driven through kvs_proto_tcp.transition by
 * crafted segments in each direction, which segments may open a
 * connection, state names, and the default timeouts.
 */
#include <kunit/test.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/tcp.h>

#include "../core/kvs.h"

#define O	KVS_DIR_ORIG
#define R	KVS_DIR_REPLY

#define SYN	TCPHDR_SYN
#define ACK	TCPHDR_ACK
#define FIN	TCPHDR_FIN
#define RST	TCPHDR_RST
#define PSH	TCPHDR_PSH

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
	u8 flags;		/* 0 ends the sequence */
	enum kvs_dir dir;
	enum kvs_tcp_state state;
};

struct tcp_case {
	const char *desc;
	enum kvs_tcp_state start;
	struct tcp_step steps[12];
};

static const struct tcp_case tcp_cases[] = {
	{
		.desc = "client closes first",
		.steps = {
			{ SYN, O, KVS_TCP_S_SYN_RECV },
			{ SYN | ACK, R, KVS_TCP_S_SYN_RECV },
			{ ACK, O, KVS_TCP_S_ESTABLISHED },
			{ PSH | ACK, O, KVS_TCP_S_ESTABLISHED },
			{ PSH | ACK, R, KVS_TCP_S_ESTABLISHED },
			{ FIN | ACK, O, KVS_TCP_S_FIN_WAIT },
			{ ACK, R, KVS_TCP_S_FIN_WAIT },
			{ FIN | ACK, R, KVS_TCP_S_TIME_WAIT },
			{ ACK, O, KVS_TCP_S_TIME_WAIT },
		},
	},
	{
		.desc = "server closes first",
		.steps = {
			{ SYN, O, KVS_TCP_S_SYN_RECV },
			{ SYN | ACK, R, KVS_TCP_S_SYN_RECV },
			{ ACK, O, KVS_TCP_S_ESTABLISHED },
			{ PSH | ACK, R, KVS_TCP_S_ESTABLISHED },
			{ FIN | ACK, R, KVS_TCP_S_CLOSE_WAIT },
			{ ACK, O, KVS_TCP_S_CLOSE_WAIT },
			{ PSH | ACK, O, KVS_TCP_S_CLOSE_WAIT },
			{ FIN | ACK, O, KVS_TCP_S_LAST_ACK },
			{ ACK, R, KVS_TCP_S_CLOSE },
		},
	},
	{
		.desc = "simultaneous close",
		.start = KVS_TCP_S_ESTABLISHED,
		.steps = {
			{ FIN | ACK, O, KVS_TCP_S_FIN_WAIT },
			{ FIN | ACK, R, KVS_TCP_S_TIME_WAIT },
			{ ACK, O, KVS_TCP_S_TIME_WAIT },
			{ ACK, R, KVS_TCP_S_TIME_WAIT },
		},
	},
	{
		.desc = "client resets an established connection",
		.start = KVS_TCP_S_ESTABLISHED,
		.steps = {
			{ RST, O, KVS_TCP_S_CLOSE },
			{ ACK, R, KVS_TCP_S_CLOSE },
		},
	},
	{
		.desc = "server resets an established connection",
		.start = KVS_TCP_S_ESTABLISHED,
		.steps = {
			{ RST | ACK, R, KVS_TCP_S_CLOSE },
		},
	},
	{
		.desc = "server refuses the connection",
		.steps = {
			{ SYN, O, KVS_TCP_S_SYN_RECV },
			{ RST | ACK, R, KVS_TCP_S_CLOSE },
		},
	},
	{
		.desc = "reset wins over the other flags",
		.start = KVS_TCP_S_SYN_RECV,
		.steps = {
			{ SYN | RST, O, KVS_TCP_S_CLOSE },
			{ SYN, O, KVS_TCP_S_SYN_RECV },
			{ FIN | RST, R, KVS_TCP_S_CLOSE },
		},
	},
	{
		.desc = "syn on an established connection changes nothing",
		.start = KVS_TCP_S_ESTABLISHED,
		.steps = {
			{ SYN, O, KVS_TCP_S_ESTABLISHED },
			{ SYN | ACK, R, KVS_TCP_S_ESTABLISHED },
			{ SYN, R, KVS_TCP_S_ESTABLISHED },
			{ ACK, O, KVS_TCP_S_ESTABLISHED },
		},
	},
	{
		.desc = "retransmitted syn stays in SYN_RECV",
		.steps = {
			{ SYN, O, KVS_TCP_S_SYN_RECV },
			{ SYN, O, KVS_TCP_S_SYN_RECV },
			{ SYN | ACK, R, KVS_TCP_S_SYN_RECV },
			{ SYN, O, KVS_TCP_S_SYN_RECV },
			{ ACK, O, KVS_TCP_S_ESTABLISHED },
		},
	},
	{
		.desc = "port reuse: a syn after TIME_WAIT starts over",
		.start = KVS_TCP_S_TIME_WAIT,
		.steps = {
			{ SYN, O, KVS_TCP_S_SYN_RECV },
			{ SYN | ACK, R, KVS_TCP_S_SYN_RECV },
			{ ACK, O, KVS_TCP_S_ESTABLISHED },
		},
	},
	{
		.desc = "port reuse: a syn after CLOSE starts over",
		.start = KVS_TCP_S_CLOSE,
		.steps = {
			{ SYN, O, KVS_TCP_S_SYN_RECV },
			{ ACK, O, KVS_TCP_S_ESTABLISHED },
		},
	},
	{
		.desc = "a syn keeps the closing states",
		.start = KVS_TCP_S_FIN_WAIT,
		.steps = {
			{ SYN, O, KVS_TCP_S_FIN_WAIT },
			{ FIN | ACK, R, KVS_TCP_S_TIME_WAIT },
		},
	},
	{
		.desc = "client fin before the handshake completes",
		.steps = {
			{ SYN, O, KVS_TCP_S_SYN_RECV },
			{ FIN | ACK, O, KVS_TCP_S_FIN_WAIT },
			{ FIN | ACK, R, KVS_TCP_S_TIME_WAIT },
		},
	},
	{
		.desc = "server fin before the handshake completes",
		.steps = {
			{ SYN, O, KVS_TCP_S_SYN_RECV },
			{ FIN | ACK, R, KVS_TCP_S_CLOSE_WAIT },
			{ FIN | ACK, O, KVS_TCP_S_LAST_ACK },
			{ ACK, R, KVS_TCP_S_CLOSE },
		},
	},
	{
		.desc = "segments without syn do not open",
		.steps = {
			{ ACK, O, KVS_TCP_S_NONE },
			{ FIN | ACK, O, KVS_TCP_S_NONE },
			{ PSH | ACK, R, KVS_TCP_S_NONE },
			{ FIN, R, KVS_TCP_S_NONE },
		},
	},
	{
		.desc = "a first syn seen from the server side",
		.steps = {
			{ SYN | ACK, R, KVS_TCP_S_SYN_RECV },
			{ ACK, O, KVS_TCP_S_ESTABLISHED },
		},
	},
	{
		.desc = "an ack in FIN_WAIT or TIME_WAIT changes nothing",
		.start = KVS_TCP_S_FIN_WAIT,
		.steps = {
			{ ACK, O, KVS_TCP_S_FIN_WAIT },
			{ ACK, R, KVS_TCP_S_FIN_WAIT },
			{ FIN | ACK, O, KVS_TCP_S_FIN_WAIT },
			{ FIN | ACK, R, KVS_TCP_S_TIME_WAIT },
			{ FIN | ACK, R, KVS_TCP_S_TIME_WAIT },
			{ FIN | ACK, O, KVS_TCP_S_TIME_WAIT },
		},
	},
};

static void tcp_case_desc(const struct tcp_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(tcp_seq, tcp_cases, tcp_case_desc);

static void tcp_sequence_test(struct kunit *test)
{
	const struct tcp_case *c = test->param_value;
	const struct kvs_proto *pp = &kvs_proto_tcp;
	struct kvs_conn *cp;
	struct kvs_iph iph;
	unsigned int i;

	cp = kunit_kzalloc(test, sizeof(*cp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cp);
	spin_lock_init(&cp->lock);
	cp->proto = pp;
	cp->state = c->start;

	for (i = 0; i < ARRAY_SIZE(c->steps) && c->steps[i].flags; i++) {
		const struct tcp_step *s = &c->steps[i];
		struct sk_buff *skb;

		skb = tcp_segment(test, s->dir, s->flags, i & 1 ? 100 : 0,
				  &iph);
		spin_lock_bh(&cp->lock);
		pp->transition(cp, s->dir, skb, &iph);
		spin_unlock_bh(&cp->lock);
		kfree_skb(skb);
		KUNIT_EXPECT_STREQ_MSG(test, pp->state_name(cp->state),
				       pp->state_name(s->state),
				       "step %u (%s 0x%02x)", i,
				       s->dir == O ? "orig" : "reply",
				       s->flags);
	}
}

/* A segment too short to hold a TCP header leaves the state alone. */
static void tcp_truncated_test(struct kunit *test)
{
	struct kvs_conn *cp;
	struct sk_buff *skb;
	struct kvs_iph iph;

	cp = kunit_kzalloc(test, sizeof(*cp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cp);
	spin_lock_init(&cp->lock);
	cp->state = KVS_TCP_S_ESTABLISHED;
	skb = tcp_segment(test, O, RST, 0, &iph);
	skb_trim(skb, iph.thoff + 12);
	KUNIT_EXPECT_FALSE(test, kvs_proto_tcp.can_schedule(skb, &iph));
	spin_lock_bh(&cp->lock);
	kvs_proto_tcp.transition(cp, O, skb, &iph);
	spin_unlock_bh(&cp->lock);
	KUNIT_EXPECT_EQ(test, cp->state, KVS_TCP_S_ESTABLISHED);
	kfree_skb(skb);
}

struct tcp_sched_case {
	const char *desc;
	u8 flags;
	bool can;
};

static const struct tcp_sched_case tcp_sched_cases[] = {
	{ "syn", SYN, true },
	{ "syn with ecn (ece, cwr)", SYN | TCPHDR_ECE | TCPHDR_CWR, true },
	{ "syn with push", SYN | PSH, true },
	{ "syn-ack", SYN | ACK, false },
	{ "ack", ACK, false },
	{ "push-ack", PSH | ACK, false },
	{ "fin", FIN, false },
	{ "rst", RST, false },
	{ "syn-rst", SYN | RST, false },
	{ "syn-fin", SYN | FIN, false },
	{ "no flags", 0, false },
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
	kfree_skb(skb);
}

struct tcp_state_case {
	enum kvs_tcp_state state;
	const char *name;
	unsigned int seconds;	/* default timeout */
	bool active;		/* counted as ActiveConn */
};

/*
 * Names and default timeouts are the in-tree module's.  ActiveConn is
 * kvs's own choice: in-tree also counts SYN_SENT, SYN_RECV and SYNACK.
 */
static const struct tcp_state_case tcp_state_cases[] = {
	{ KVS_TCP_S_NONE, "NONE", 2, false },
	{ KVS_TCP_S_ESTABLISHED, "ESTABLISHED", 900, true },
	{ KVS_TCP_S_SYN_SENT, "SYN_SENT", 120, false },
	{ KVS_TCP_S_SYN_RECV, "SYN_RECV", 60, false },
	{ KVS_TCP_S_FIN_WAIT, "FIN_WAIT", 120, false },
	{ KVS_TCP_S_TIME_WAIT, "TIME_WAIT", 120, false },
	{ KVS_TCP_S_CLOSE, "CLOSE", 10, false },
	{ KVS_TCP_S_CLOSE_WAIT, "CLOSE_WAIT", 60, false },
	{ KVS_TCP_S_LAST_ACK, "LAST_ACK", 30, false },
	{ KVS_TCP_S_LISTEN, "LISTEN", 120, false },
	{ KVS_TCP_S_SYNACK, "SYNACK", 120, false },
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
