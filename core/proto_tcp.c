// SPDX-License-Identifier: GPL-2.0
/*
 * TCP as the director sees it: which packets may open a connection, the
 * connection state machine driven by SYN/FIN/ACK/RST in each direction,
 * and how long each state lives.
 */
#include <linux/tcp.h>

#include "packet.h"
#include "service.h"

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

/*
 * A SYN without RST opens a connection, as in-tree: with ACK too, so
 * that a client's SYN+ACK answering an active FTP data connection of a
 * real server (direct routing: its SYN came from the VIP, not through
 * here) is scheduled by a persistent port-0 service to that server.
 * Anything else goes to the stack.
 */
static bool tcp_can_schedule(const struct sk_buff *skb,
			     const struct kvs_iph *iph)
{
	const struct tcphdr *th;
	struct tcphdr _th;

	th = tcp_header(skb, iph, &_th);
	return th && th->syn && !th->rst;
}

/* Any segment but a RST (for sloppy_tcp and nat_icmp_send). */
static bool tcp_not_reset(const struct sk_buff *skb,
			  const struct kvs_iph *iph)
{
	const struct tcphdr *th;
	struct tcphdr _th;

	th = tcp_header(skb, iph, &_th);
	return th && !th->rst;
}

enum { EV_SYN, EV_FIN, EV_ACK, EV_RST, EV_MAX };

#define S(x)	KVS_TCP_S_##x

/*
 * Next state by current state (rows) and the packet's most significant
 * flag (columns: SYN FIN ACK RST), for packets from the client, from the
 * real server, and from the client while no reply has been seen (DR and
 * tunnels, whose replies bypass the director).  These are the
 * transitions the in-tree module makes, so ipvsadm -L -c, the timeouts
 * and ActiveConn/InActConn read the same.
 */
static const u8 tcp_next_orig[KVS_TCP_S_LAST][EV_MAX] = {
	[S(NONE)]	 = { S(SYN_RECV), S(CLOSE),	 S(ESTABLISHED), S(CLOSE) },
	[S(ESTABLISHED)] = { S(ESTABLISHED), S(CLOSE_WAIT), S(ESTABLISHED), S(CLOSE) },
	[S(SYN_SENT)]	 = { S(ESTABLISHED), S(SYN_SENT), S(SYN_SENT),	 S(CLOSE) },
	[S(SYN_RECV)]	 = { S(SYN_RECV), S(TIME_WAIT),	 S(ESTABLISHED), S(SYN_RECV) },
	[S(FIN_WAIT)]	 = { S(SYN_RECV), S(TIME_WAIT),	 S(FIN_WAIT),	 S(CLOSE) },
	[S(TIME_WAIT)]	 = { S(SYN_RECV), S(TIME_WAIT),	 S(TIME_WAIT),	 S(CLOSE) },
	[S(CLOSE)]	 = { S(SYN_RECV), S(CLOSE),	 S(CLOSE),	 S(CLOSE) },
	[S(CLOSE_WAIT)]	 = { S(SYN_RECV), S(CLOSE_WAIT), S(CLOSE_WAIT),	 S(CLOSE) },
	[S(LAST_ACK)]	 = { S(SYN_RECV), S(LAST_ACK),	 S(CLOSE),	 S(LAST_ACK) },
	[S(LISTEN)]	 = { S(SYN_RECV), S(LISTEN),	 S(LISTEN),	 S(LISTEN) },
	[S(SYNACK)]	 = { S(SYN_RECV), S(TIME_WAIT),	 S(ESTABLISHED), S(SYN_RECV) },
};

static const u8 tcp_next_reply[KVS_TCP_S_LAST][EV_MAX] = {
	[S(NONE)]	 = { S(SYN_SENT), S(TIME_WAIT),	 S(ESTABLISHED), S(CLOSE) },
	[S(ESTABLISHED)] = { S(ESTABLISHED), S(FIN_WAIT), S(ESTABLISHED), S(CLOSE) },
	[S(SYN_SENT)]	 = { S(SYN_SENT), S(SYN_SENT),	 S(SYN_SENT),	 S(SYN_SENT) },
	[S(SYN_RECV)]	 = { S(SYN_RECV), S(TIME_WAIT),	 S(ESTABLISHED), S(CLOSE) },
	[S(FIN_WAIT)]	 = { S(SYN_SENT), S(FIN_WAIT),	 S(FIN_WAIT),	 S(CLOSE) },
	[S(TIME_WAIT)]	 = { S(SYN_SENT), S(TIME_WAIT),	 S(TIME_WAIT),	 S(TIME_WAIT) },
	[S(CLOSE)]	 = { S(SYN_SENT), S(CLOSE),	 S(CLOSE),	 S(CLOSE) },
	[S(CLOSE_WAIT)]	 = { S(SYN_SENT), S(TIME_WAIT),	 S(CLOSE_WAIT),	 S(CLOSE) },
	[S(LAST_ACK)]	 = { S(SYN_SENT), S(LAST_ACK),	 S(LAST_ACK),	 S(CLOSE) },
	[S(LISTEN)]	 = { S(LISTEN),	  S(LISTEN),	 S(ESTABLISHED), S(CLOSE) },
	[S(SYNACK)]	 = { S(SYN_RECV), S(TIME_WAIT),	 S(ESTABLISHED), S(CLOSE) },
};

static const u8 tcp_next_orig_only[KVS_TCP_S_LAST][EV_MAX] = {
	[S(NONE)]	 = { S(SYN_RECV), S(CLOSE),	 S(ESTABLISHED), S(CLOSE) },
	[S(ESTABLISHED)] = { S(ESTABLISHED), S(FIN_WAIT), S(ESTABLISHED), S(CLOSE) },
	[S(SYN_SENT)]	 = { S(ESTABLISHED), S(SYN_SENT), S(SYN_SENT),	 S(CLOSE) },
	[S(SYN_RECV)]	 = { S(SYN_RECV), S(TIME_WAIT),	 S(ESTABLISHED), S(SYN_RECV) },
	[S(FIN_WAIT)]	 = { S(SYN_RECV), S(FIN_WAIT),	 S(FIN_WAIT),	 S(CLOSE) },
	[S(TIME_WAIT)]	 = { S(SYN_RECV), S(TIME_WAIT),	 S(TIME_WAIT),	 S(CLOSE) },
	[S(CLOSE)]	 = { S(SYN_RECV), S(CLOSE),	 S(CLOSE),	 S(CLOSE) },
	[S(CLOSE_WAIT)]	 = { S(SYN_RECV), S(CLOSE_WAIT), S(CLOSE_WAIT),	 S(CLOSE) },
	[S(LAST_ACK)]	 = { S(SYN_RECV), S(LAST_ACK),	 S(CLOSE),	 S(LAST_ACK) },
	[S(LISTEN)]	 = { S(SYN_RECV), S(LISTEN),	 S(LISTEN),	 S(LISTEN) },
	[S(SYNACK)]	 = { S(SYN_RECV), S(TIME_WAIT),	 S(ESTABLISHED), S(CLOSE) },
};

/*
 * The same three under memory defense (sysctl secure_tcp), as in-tree's
 * secure table: a masqueraded connection counts as established only
 * once the real server sends more than its SYN-ACK, so that a flood of
 * handshakes never completed stays in SYN_RECV or SYNACK, the states
 * drop_entry ends first.
 */
static const u8 tcp_secure_orig[KVS_TCP_S_LAST][EV_MAX] = {
	[S(NONE)]	 = { S(SYN_RECV), S(CLOSE),	 S(ESTABLISHED), S(CLOSE) },
	[S(ESTABLISHED)] = { S(ESTABLISHED), S(CLOSE_WAIT), S(ESTABLISHED), S(CLOSE) },
	[S(SYN_SENT)]	 = { S(ESTABLISHED), S(SYN_SENT), S(SYN_SENT),	 S(CLOSE) },
	[S(SYN_RECV)]	 = { S(SYN_RECV), S(TIME_WAIT),	 S(SYN_RECV),	 S(SYN_RECV) },
	[S(FIN_WAIT)]	 = { S(SYN_RECV), S(TIME_WAIT),	 S(FIN_WAIT),	 S(CLOSE) },
	[S(TIME_WAIT)]	 = { S(SYN_RECV), S(TIME_WAIT),	 S(TIME_WAIT),	 S(CLOSE) },
	[S(CLOSE)]	 = { S(SYN_RECV), S(CLOSE),	 S(CLOSE),	 S(CLOSE) },
	[S(CLOSE_WAIT)]	 = { S(SYN_RECV), S(CLOSE_WAIT), S(CLOSE_WAIT),	 S(CLOSE) },
	[S(LAST_ACK)]	 = { S(SYN_RECV), S(LAST_ACK),	 S(CLOSE),	 S(LAST_ACK) },
	[S(LISTEN)]	 = { S(SYN_RECV), S(LISTEN),	 S(LISTEN),	 S(LISTEN) },
	[S(SYNACK)]	 = { S(SYNACK),	  S(SYNACK),	 S(SYNACK),	 S(CLOSE) },
};

static const u8 tcp_secure_reply[KVS_TCP_S_LAST][EV_MAX] = {
	[S(NONE)]	 = { S(SYN_SENT), S(TIME_WAIT),	 S(ESTABLISHED), S(CLOSE) },
	[S(ESTABLISHED)] = { S(ESTABLISHED), S(FIN_WAIT), S(ESTABLISHED), S(CLOSE) },
	[S(SYN_SENT)]	 = { S(SYN_SENT), S(SYN_SENT),	 S(SYN_SENT),	 S(SYN_SENT) },
	[S(SYN_RECV)]	 = { S(SYNACK),	  S(TIME_WAIT),	 S(ESTABLISHED), S(CLOSE) },
	[S(FIN_WAIT)]	 = { S(SYN_SENT), S(FIN_WAIT),	 S(FIN_WAIT),	 S(CLOSE) },
	[S(TIME_WAIT)]	 = { S(SYN_SENT), S(TIME_WAIT),	 S(TIME_WAIT),	 S(TIME_WAIT) },
	[S(CLOSE)]	 = { S(SYN_SENT), S(CLOSE),	 S(CLOSE),	 S(CLOSE) },
	[S(CLOSE_WAIT)]	 = { S(SYN_SENT), S(TIME_WAIT),	 S(CLOSE_WAIT),	 S(CLOSE) },
	[S(LAST_ACK)]	 = { S(SYN_SENT), S(LAST_ACK),	 S(LAST_ACK),	 S(CLOSE) },
	[S(LISTEN)]	 = { S(LISTEN),	  S(LISTEN),	 S(ESTABLISHED), S(CLOSE) },
	[S(SYNACK)]	 = { S(SYNACK),	  S(TIME_WAIT),	 S(ESTABLISHED), S(CLOSE) },
};

static const u8 tcp_secure_orig_only[KVS_TCP_S_LAST][EV_MAX] = {
	[S(NONE)]	 = { S(SYNACK),	  S(CLOSE),	 S(ESTABLISHED), S(CLOSE) },
	[S(ESTABLISHED)] = { S(ESTABLISHED), S(FIN_WAIT), S(ESTABLISHED), S(CLOSE) },
	[S(SYN_SENT)]	 = { S(ESTABLISHED), S(SYN_SENT), S(SYN_SENT),	 S(CLOSE) },
	[S(SYN_RECV)]	 = { S(SYN_RECV), S(TIME_WAIT),	 S(ESTABLISHED), S(SYN_RECV) },
	[S(FIN_WAIT)]	 = { S(SYNACK),	  S(FIN_WAIT),	 S(FIN_WAIT),	 S(CLOSE) },
	[S(TIME_WAIT)]	 = { S(SYNACK),	  S(TIME_WAIT),	 S(TIME_WAIT),	 S(CLOSE) },
	[S(CLOSE)]	 = { S(SYNACK),	  S(CLOSE),	 S(CLOSE),	 S(CLOSE) },
	[S(CLOSE_WAIT)]	 = { S(SYNACK),	  S(CLOSE_WAIT), S(CLOSE_WAIT),	 S(CLOSE) },
	[S(LAST_ACK)]	 = { S(SYNACK),	  S(LAST_ACK),	 S(CLOSE),	 S(LAST_ACK) },
	[S(LISTEN)]	 = { S(SYNACK),	  S(LISTEN),	 S(LISTEN),	 S(LISTEN) },
	[S(SYNACK)]	 = { S(SYNACK),	  S(TIME_WAIT),	 S(ESTABLISHED), S(CLOSE) },
};

#undef S

/*
 * Is memory defense's secure_tcp on in @cp's namespace?  Read per
 * packet: a change applies to the next segment of every connection.
 */
static bool tcp_secure(const struct kvs_conn *cp)
{
	const struct kvs_service *svc = READ_ONCE(cp->dest->svc);

	return READ_ONCE(svc->kn->defense.secure_tcp);
}

/* RST outranks SYN, SYN outranks FIN, FIN outranks ACK. */
static int tcp_event(const struct tcphdr *th)
{
	if (th->rst)
		return EV_RST;
	if (th->syn)
		return EV_SYN;
	if (th->fin)
		return EV_FIN;
	if (th->ack)
		return EV_ACK;
	return -1;
}

static void tcp_transition(struct kvs_conn *cp, enum kvs_dir dir,
			   const struct sk_buff *skb,
			   const struct kvs_iph *iph)
{
	bool secure = tcp_secure(cp);
	const u8 (*next)[EV_MAX];
	const struct tcphdr *th;
	struct tcphdr _th;
	int ev;

	th = tcp_header(skb, iph, &_th);
	if (!th)
		return;
	next = secure ? tcp_secure_orig : tcp_next_orig;
	if (dir == KVS_DIR_REPLY) {
		next = secure ? tcp_secure_reply : tcp_next_reply;
		cp->flags &= ~IP_VS_CONN_F_NOOUTPUT;
	} else if (cp->flags & IP_VS_CONN_F_NOOUTPUT) {
		next = secure ? tcp_secure_orig_only : tcp_next_orig_only;
	}
	ev = tcp_event(th);
	/* A segment with none of the four flags is nonsense: close. */
	cp->state = ev < 0 ? KVS_TCP_S_CLOSE : next[cp->state][ev];
}

static unsigned int tcp_timeout(const struct kvs_net *kn, unsigned int state)
{
	return READ_ONCE(kn->tcp_timeout[state]);
}

static const char *tcp_state_name(unsigned int state)
{
	return state < KVS_TCP_S_LAST ? tcp_state_names[state] : "ERR!";
}

/* Counted in ActiveConn: established, and the handshake on its way. */
static bool tcp_state_active(unsigned int state)
{
	switch (state) {
	case KVS_TCP_S_ESTABLISHED:
	case KVS_TCP_S_SYN_SENT:
	case KVS_TCP_S_SYN_RECV:
	case KVS_TCP_S_SYNACK:
		return true;
	default:
		return false;
	}
}

static bool tcp_reusable(const struct kvs_conn *cp, int mode)
{
	unsigned int state = READ_ONCE(cp->state);

	if (state == KVS_TCP_S_TIME_WAIT || state == KVS_TCP_S_CLOSE)
		return true;
	return (mode & 2) && state == KVS_TCP_S_FIN_WAIT &&
	       (READ_ONCE(cp->flags) & IP_VS_CONN_F_NOOUTPUT);
}

/* Any SYN, as in-tree asks before conn_reuse_mode applies. */
static bool tcp_is_new(const struct sk_buff *skb, const struct kvs_iph *iph)
{
	const struct tcphdr *th;
	struct tcphdr _th;

	th = tcp_header(skb, iph, &_th);
	return th && th->syn;
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
	.reusable	= tcp_reusable,
	.is_new		= tcp_is_new,
	.not_reset	= tcp_not_reset,
};
