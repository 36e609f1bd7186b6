// SPDX-License-Identifier: GPL-2.0
/*
 * SCTP as the director sees it: only an INIT opens a connection (any
 * chunk but ABORT with sysctl sloppy_sctp); the
 * association state follows the first chunk of each packet in each
 * direction (the in-tree state machine, so ipvsadm -L -c, timeouts and
 * ActiveConn read the same); a packet's CRC32c is verified before kvs
 * acts on it, and NAT recomputes it.
 */
#include <linux/crc32.h>
#include <linux/crc32c.h>
#include <linux/sctp.h>

#include "netns.h"
#include "packet.h"

#define S(x)	KVS_SCTP_S_##x

static const char *const sctp_state_names[KVS_SCTP_S_LAST] = {
	[S(NONE)]		= "NONE",
	[S(INIT1)]		= "INIT1",
	[S(INIT)]		= "INIT",
	[S(COOKIE_SENT)]	= "C-SENT",
	[S(COOKIE_REPLIED)]	= "C-REPLIED",
	[S(COOKIE_WAIT)]	= "C-WAIT",
	[S(COOKIE)]		= "COOKIE",
	[S(COOKIE_ECHOED)]	= "C-ECHOED",
	[S(ESTABLISHED)]	= "ESTABLISHED",
	[S(SHUTDOWN_SENT)]	= "S-SENT",
	[S(SHUTDOWN_RECEIVED)]	= "S-RECEIVED",
	[S(SHUTDOWN_ACK_SENT)]	= "S-ACK-SENT",
	[S(REJECTED)]		= "REJECTED",
	[S(CLOSED)]		= "CLOSED",
};

/* Seconds: the in-tree defaults (61 s is SCTP's largest RTO plus one). */
static const unsigned int sctp_timeouts[KVS_SCTP_S_LAST] = {
	[S(NONE)]		= 2,
	[S(INIT1)]		= 4,
	[S(INIT)]		= 61,
	[S(COOKIE_SENT)]	= 61,
	[S(COOKIE_REPLIED)]	= 61,
	[S(COOKIE_WAIT)]	= 61,
	[S(COOKIE)]		= 61,
	[S(COOKIE_ECHOED)]	= 61,
	[S(ESTABLISHED)]	= 15 * 60,
	[S(SHUTDOWN_SENT)]	= 61,
	[S(SHUTDOWN_RECEIVED)]	= 61,
	[S(SHUTDOWN_ACK_SENT)]	= 61,
	[S(REJECTED)]		= 4,
	[S(CLOSED)]		= 61,
};

/* Events: what a packet's first chunk means to the association. */
enum {
	EV_DATA,	/* DATA, SACK, HEARTBEAT(-ACK), ECN, anything else */
	EV_INIT,
	EV_INIT_ACK,
	EV_COOKIE_ECHO,
	EV_COOKIE_ACK,
	EV_SHUTDOWN,
	EV_SHUTDOWN_ACK,
	EV_SHUTDOWN_COMPLETE,
	EV_ERROR,
	EV_ABORT,
	EV_MAX,
};

static int sctp_event(u8 type)
{
	switch (type) {
	case SCTP_CID_INIT:
		return EV_INIT;
	case SCTP_CID_INIT_ACK:
		return EV_INIT_ACK;
	case SCTP_CID_COOKIE_ECHO:
		return EV_COOKIE_ECHO;
	case SCTP_CID_COOKIE_ACK:
		return EV_COOKIE_ACK;
	case SCTP_CID_SHUTDOWN:
		return EV_SHUTDOWN;
	case SCTP_CID_SHUTDOWN_ACK:
		return EV_SHUTDOWN_ACK;
	case SCTP_CID_SHUTDOWN_COMPLETE:
		return EV_SHUTDOWN_COMPLETE;
	case SCTP_CID_ERROR:
		return EV_ERROR;
	case SCTP_CID_ABORT:
		return EV_ABORT;
	default:
		return EV_DATA;
	}
}

#define NO	S(NONE)
#define I1	S(INIT1)
#define IN	S(INIT)
#define CS	S(COOKIE_SENT)
#define CR	S(COOKIE_REPLIED)
#define CW	S(COOKIE_WAIT)
#define CO	S(COOKIE)
#define CE	S(COOKIE_ECHOED)
#define ES	S(ESTABLISHED)
#define SS	S(SHUTDOWN_SENT)
#define SR	S(SHUTDOWN_RECEIVED)
#define SA	S(SHUTDOWN_ACK_SENT)
#define RJ	S(REJECTED)
#define CL	S(CLOSED)

/*
 * Next state by event (rows) and current state (columns, in enum
 * order), for packets from the client, from the real server, and from
 * the client while no reply has been seen (DR and tunnels).
 */
static const u8 sctp_next[3][EV_MAX][KVS_SCTP_S_LAST] = {
	{ /* client */
/*		NO  I1  IN  CS  CR  CW  CO  CE  ES  SS  SR  SA  RJ  CL */
/* data */	{ES, I1, IN, CS, CR, CW, CO, CE, ES, SS, SR, SA, RJ, CL},
/* init */	{I1, IN, IN, CS, CR, CW, CO, CE, ES, SS, SR, SA, IN, IN},
/* i_a */	{CW, CW, CW, CS, CR, CO, CO, CE, ES, SS, SR, SA, RJ, CL},
/* c_e */	{CR, IN, IN, CR, CR, CW, CO, CE, ES, SS, SR, SA, RJ, CL},
/* c_a */	{ES, I1, IN, CS, CR, CW, CO, ES, ES, SS, SR, SA, RJ, CL},
/* shut */	{SR, I1, IN, CS, CR, CW, CO, CE, SR, SS, SR, SA, RJ, CL},
/* s_a */	{CL, IN, IN, CS, CR, CW, CO, CE, ES, CL, SR, CL, RJ, CL},
/* s_c */	{CL, CL, CL, CS, CR, CW, CO, CE, ES, SS, SR, CL, RJ, CL},
/* err */	{CL, I1, IN, CS, CR, CW, CO, CL, ES, SS, SR, SA, RJ, CL},
/* abrt */	{CL, CL, CL, CL, CL, RJ, CL, CL, CL, CL, CL, CL, CL, CL},
	},
	{ /* real server */
/*		NO  I1  IN  CS  CR  CW  CO  CE  ES  SS  SR  SA  RJ  CL */
/* data */	{ES, I1, IN, CS, CR, CW, CO, CE, ES, SS, SR, SA, RJ, CL},
/* init */	{CW, CW, CW, CW, CW, CW, CW, CW, ES, CW, CW, CW, CW, CW},
/* i_a */	{CS, CS, CS, CS, CR, CW, CO, CE, ES, SS, SR, SA, RJ, CL},
/* c_e */	{CE, CE, CE, CE, CE, CE, CE, CE, ES, SS, SR, SA, RJ, CL},
/* c_a */	{ES, ES, ES, ES, ES, ES, ES, ES, ES, SS, SR, SA, RJ, CL},
/* shut */	{SS, SS, SS, SS, SS, SS, SS, SS, SS, SS, SR, SA, RJ, CL},
/* s_a */	{SA, SA, SA, SA, SA, CW, CO, CE, ES, SA, SA, SA, RJ, CL},
/* s_c */	{CL, I1, IN, CS, CR, CW, CO, CE, ES, SS, SR, SA, RJ, CL},
/* err */	{CL, CL, CL, CL, CL, CW, CO, CE, ES, SS, SR, SA, RJ, CL},
/* abrt */	{CL, RJ, CL, CL, CL, CL, CL, CL, CL, CL, CL, CL, CL, CL},
	},
	{ /* client, no reply seen */
/*		NO  I1  IN  CS  CR  CW  CO  CE  ES  SS  SR  SA  RJ  CL */
/* data */	{ES, I1, IN, CS, CR, ES, CO, CE, ES, SS, SR, SA, RJ, CL},
/* init */	{I1, IN, IN, IN, IN, IN, CO, CE, ES, SS, SR, SA, IN, IN},
/* i_a */	{CE, CE, CE, CE, CE, CE, CO, CE, ES, SS, SR, SA, RJ, CL},
/* c_e */	{ES, ES, ES, ES, ES, ES, CO, CE, ES, SS, SR, SA, RJ, CL},
/* c_a */	{ES, I1, IN, ES, ES, CW, ES, ES, ES, SS, SR, SA, RJ, CL},
/* shut */	{SR, I1, IN, CS, CR, CW, CO, CE, SR, SS, SR, SA, RJ, CL},
/* s_a */	{CL, IN, IN, CS, CR, CW, CO, CE, CL, CL, SR, CL, RJ, CL},
/* s_c */	{CL, CL, CL, CL, CL, CW, CO, CE, ES, SS, CL, CL, RJ, CL},
/* err */	{CL, I1, IN, CS, CR, CW, CO, CE, ES, SS, SR, SA, RJ, CL},
/* abrt */	{CL, CL, CL, CL, CL, RJ, CL, CL, CL, CL, CL, CL, CL, CL},
	},
};

#undef NO
#undef I1
#undef IN
#undef CS
#undef CR
#undef CW
#undef CO
#undef CE
#undef ES
#undef SS
#undef SR
#undef SA
#undef RJ
#undef CL

static const struct sctp_chunkhdr *first_chunk(const struct sk_buff *skb,
					       const struct kvs_iph *iph,
					       struct sctp_chunkhdr *buf)
{
	return skb_header_pointer(skb, iph->thoff + sizeof(struct sctphdr),
				  sizeof(*buf), buf);
}

/* Only an INIT opens an association; an ABORT never does. */
static bool sctp_can_schedule(const struct sk_buff *skb,
			      const struct kvs_iph *iph)
{
	const struct sctp_chunkhdr *ch;
	struct sctp_chunkhdr _ch;

	ch = first_chunk(skb, iph, &_ch);
	return ch && ch->type == SCTP_CID_INIT;
}

/* Any first chunk but ABORT (for sloppy_sctp and nat_icmp_send). */
static bool sctp_not_reset(const struct sk_buff *skb,
			   const struct kvs_iph *iph)
{
	const struct sctp_chunkhdr *ch;
	struct sctp_chunkhdr _ch;

	ch = first_chunk(skb, iph, &_ch);
	return ch && ch->type != SCTP_CID_ABORT;
}

static void sctp_transition(struct kvs_conn *cp, enum kvs_dir dir,
			    const struct sk_buff *skb,
			    const struct kvs_iph *iph)
{
	const struct sctp_chunkhdr *ch;
	struct sctp_chunkhdr _ch;
	unsigned int table = 0;
	u8 type;

	ch = first_chunk(skb, iph, &_ch);
	if (!ch)
		return;
	type = ch->type;
	/* An ABORT bundled after a COOKIE ECHO or ACK is what counts. */
	if (type == SCTP_CID_COOKIE_ECHO || type == SCTP_CID_COOKIE_ACK) {
		unsigned int len = ntohs(ch->length);

		if (len >= sizeof(_ch)) {
			ch = skb_header_pointer(skb, iph->thoff +
						sizeof(struct sctphdr) +
						ALIGN(len, 4), sizeof(_ch), &_ch);
			if (ch && ch->type == SCTP_CID_ABORT)
				type = SCTP_CID_ABORT;
		}
	}
	if (dir == KVS_DIR_REPLY) {
		table = 1;
		cp->flags &= ~IP_VS_CONN_F_NOOUTPUT;
	} else if (cp->flags & IP_VS_CONN_F_NOOUTPUT) {
		table = 2;
	}
	if (cp->state < KVS_SCTP_S_LAST)
		cp->state = sctp_next[table][sctp_event(type)][cp->state];
}

static unsigned int sctp_timeout(const struct kvs_net *kn, unsigned int state)
{
	if (state >= KVS_SCTP_S_LAST)
		state = KVS_SCTP_S_NONE;
	return sctp_timeouts[state] * HZ;
}

static const char *sctp_state_name(unsigned int state)
{
	return state < KVS_SCTP_S_LAST ? sctp_state_names[state] : "ERR!";
}

static bool sctp_state_active(unsigned int state)
{
	return state == KVS_SCTP_S_ESTABLISHED;
}

static bool sctp_reusable(const struct kvs_conn *cp, int mode)
{
	return READ_ONCE(cp->state) == KVS_SCTP_S_CLOSED;
}

/* CRC32c over an skb's fragments, through the generic walker. */
static __wsum crc32c_update(const void *buf, int len, __wsum sum)
{
	return (__force __wsum)crc32c((__force u32)sum, buf, len);
}

static __wsum crc32c_combine(__wsum a, __wsum b, int offset, int len)
{
	return (__force __wsum)__crc32c_le_combine((__force u32)a,
						   (__force u32)b, len);
}

static const struct skb_checksum_ops crc32c_ops = {
	.update	 = crc32c_update,
	.combine = crc32c_combine,
};

/*
 * Is the CRC32c of a packet kvs is about to act on right?  NAT computes
 * it afresh, so a packet corrupted on its way here would leave as a
 * valid one; it is checked first (in-tree checks only under an app
 * helper).  The field counts as zero in the sum, without writing the
 * packet.  A packet from this host (CHECKSUM_PARTIAL: its CRC is still
 * to be computed, by us or the device) or one a device verified is
 * trusted, as the SCTP stack trusts them.
 */
static bool sctp_csum_ok(const struct sk_buff *skb, const struct kvs_iph *iph)
{
	static const u8 zero[sizeof_field(struct sctphdr, checksum)];
	unsigned int off = offsetof(struct sctphdr, checksum);
	const struct sctphdr *sh;
	struct sctphdr _sh;
	u32 crc;

	if (skb->ip_summed == CHECKSUM_PARTIAL ||
	    skb->ip_summed == CHECKSUM_UNNECESSARY)
		return true;
	sh = skb_header_pointer(skb, iph->thoff, sizeof(_sh), &_sh);
	if (!sh)
		return false;
	crc = crc32c(~0U, sh, off);
	crc = crc32c(crc, zero, sizeof(zero));
	crc = (__force u32)__skb_checksum(skb, iph->thoff + sizeof(_sh),
					  skb->len - iph->thoff - sizeof(_sh),
					  (__force __wsum)crc, &crc32c_ops);
	return cpu_to_le32(~crc) == sh->checksum;
}

/*
 * After NAT changed a port: SCTP's checksum is a CRC32c over the whole
 * packet (RFC 4960, appendix B), not the internet checksum, so it is
 * computed afresh, with the field zeroed (a GSO packet's is computed per
 * segment later).  The header is writable.
 */
static void sctp_nat_csum(struct sk_buff *skb, unsigned int thoff)
{
	struct sctphdr *sh = (struct sctphdr *)(skb->data + thoff);
	u32 crc;

	if (skb_is_gso(skb) && skb_is_gso_sctp(skb))
		return;
	sh->checksum = 0;
	crc = ~(__force u32)__skb_checksum(skb, thoff, skb->len - thoff,
					   (__force __wsum)~0U, &crc32c_ops);
	sh->checksum = cpu_to_le32(crc);
	skb->ip_summed = CHECKSUM_UNNECESSARY;
}

const struct kvs_proto kvs_proto_sctp = {
	.protocol	= IPPROTO_SCTP,
	.name		= "SCTP",
	.num_states	= KVS_SCTP_S_LAST,
	.csum_offset	= offsetof(struct sctphdr, checksum),
	.min_hdr	= sizeof(struct sctphdr),
	.can_schedule	= sctp_can_schedule,
	.transition	= sctp_transition,
	.timeout	= sctp_timeout,
	.state_name	= sctp_state_name,
	.state_active	= sctp_state_active,
	.reusable	= sctp_reusable,
	.is_new		= sctp_can_schedule,
	.csum_ok	= sctp_csum_ok,
	.nat_csum	= sctp_nat_csum,
	.not_reset	= sctp_not_reset,
};
