// SPDX-License-Identifier: GPL-2.0
/*
 * TCP as the director sees it: which packets may open a connection, the
 * connection state machine driven by SYN/FIN/ACK/RST in each direction,
 * and how long each state lives.
 */
#include <linux/tcp.h>

#include "kvs.h"

static const char *const tcp_state_names[KVS_TCP_S_LAST] = {
	[KVS_TCP_S_NONE]	= "NONE",
	[KVS_TCP_S_ESTABLISHED]	= "ESTABLISHED",
	[KVS_TCP_S_SYN_SENT]	= "SYN_SENT",
	[KVS_TCP_S_SYN_RECV]	= "SYN_RECV",
	[KVS_TCP_S_FIN_WAIT]	= "FIN_WAIT",
	[KVS_TCP_S_TIME_WAIT]	= "TIME_WAIT",
	[KVS_TCP_S_CLOSE]	= "CLOSE",
	[KVS_TCP_S_CLOSE_WAIT]	= "CLOSE_WAIT",
	[KVS_TCP_S_LAST_ACK]	= "LAST_ACK",
	[KVS_TCP_S_LISTEN]	= "LISTEN",
	[KVS_TCP_S_SYNACK]	= "SYNACK",
};

/* Seconds; the same defaults as the in-tree module. */
static const unsigned int tcp_default_timeouts[KVS_TCP_S_LAST] = {
	[KVS_TCP_S_NONE]	= 2,
	[KVS_TCP_S_ESTABLISHED]	= 15 * 60,
	[KVS_TCP_S_SYN_SENT]	= 2 * 60,
	[KVS_TCP_S_SYN_RECV]	= 60,
	[KVS_TCP_S_FIN_WAIT]	= 2 * 60,
	[KVS_TCP_S_TIME_WAIT]	= 2 * 60,
	[KVS_TCP_S_CLOSE]	= 10,
	[KVS_TCP_S_CLOSE_WAIT]	= 60,
	[KVS_TCP_S_LAST_ACK]	= 30,
	[KVS_TCP_S_LISTEN]	= 2 * 60,
	[KVS_TCP_S_SYNACK]	= 2 * 60,
};

void kvs_tcp_timeouts_init(struct kvs_net *kn)
{
	int i;

	for (i = 0; i < KVS_TCP_S_LAST; i++)
		kn->tcp_timeout[i] = tcp_default_timeouts[i] * HZ;
}

static const struct tcphdr *tcp_header(const struct sk_buff *skb,
				       const struct kvs_iph *iph,
				       struct tcphdr *buf)
{
	return skb_header_pointer(skb, iph->thoff, sizeof(*buf), buf);
}

/* Only a bare SYN opens a connection; anything else goes to the stack. */
static bool tcp_can_schedule(const struct sk_buff *skb,
			     const struct kvs_iph *iph)
{
	const struct tcphdr *th;
	struct tcphdr _th;

	th = tcp_header(skb, iph, &_th);
	return th && th->syn && !th->ack && !th->rst && !th->fin;
}

/* The client, seen in the original direction. */
static unsigned int tcp_next_orig(unsigned int s, const struct tcphdr *th)
{
	if (th->syn) {
		switch (s) {
		case KVS_TCP_S_ESTABLISHED:
		case KVS_TCP_S_FIN_WAIT:
		case KVS_TCP_S_CLOSE_WAIT:
		case KVS_TCP_S_LAST_ACK:
			return s;
		default:
			return KVS_TCP_S_SYN_RECV;
		}
	}
	if (th->fin) {
		switch (s) {
		case KVS_TCP_S_ESTABLISHED:
		case KVS_TCP_S_SYN_RECV:
			return KVS_TCP_S_FIN_WAIT;
		case KVS_TCP_S_CLOSE_WAIT:
			return KVS_TCP_S_LAST_ACK;
		default:
			return s;
		}
	}
	if (th->ack && s == KVS_TCP_S_SYN_RECV)
		return KVS_TCP_S_ESTABLISHED;
	return s;
}

/* The real server, seen in the reply direction. */
static unsigned int tcp_next_reply(unsigned int s, const struct tcphdr *th)
{
	if (th->syn)
		return s == KVS_TCP_S_NONE ? KVS_TCP_S_SYN_RECV : s;
	if (th->fin) {
		switch (s) {
		case KVS_TCP_S_ESTABLISHED:
		case KVS_TCP_S_SYN_RECV:
			return KVS_TCP_S_CLOSE_WAIT;
		case KVS_TCP_S_FIN_WAIT:
			return KVS_TCP_S_TIME_WAIT;
		default:
			return s;
		}
	}
	if (th->ack && s == KVS_TCP_S_LAST_ACK)
		return KVS_TCP_S_CLOSE;
	return s;
}

static void tcp_transition(struct kvs_conn *cp, enum kvs_dir dir,
			   const struct sk_buff *skb,
			   const struct kvs_iph *iph)
{
	const struct tcphdr *th;
	struct tcphdr _th;

	th = tcp_header(skb, iph, &_th);
	if (!th)
		return;
	if (th->rst)
		cp->state = KVS_TCP_S_CLOSE;
	else if (dir == KVS_DIR_ORIG)
		cp->state = tcp_next_orig(cp->state, th);
	else
		cp->state = tcp_next_reply(cp->state, th);
}

static unsigned int tcp_timeout(const struct kvs_net *kn, unsigned int state)
{
	return READ_ONCE(kn->tcp_timeout[state]);
}

static const char *tcp_state_name(unsigned int state)
{
	return state < KVS_TCP_S_LAST ? tcp_state_names[state] : "ERR!";
}

static bool tcp_state_active(unsigned int state)
{
	return state == KVS_TCP_S_ESTABLISHED;
}

const struct kvs_proto kvs_proto_tcp = {
	.protocol	= IPPROTO_TCP,
	.name		= "TCP",
	.num_states	= KVS_TCP_S_LAST,
	.csum_offset	= offsetof(struct tcphdr, check),
	.min_hdr	= sizeof(struct tcphdr),
	.can_schedule	= tcp_can_schedule,
	.transition	= tcp_transition,
	.timeout	= tcp_timeout,
	.state_name	= tcp_state_name,
	.state_active	= tcp_state_active,
};
