/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transport protocols (core/proto*.c): TCP, UDP and SCTP as ops structs,
 * their connection states and timeouts.  The ops are const and run with
 * the connection's lock held where they change its state (see
 * kvs_proto.transition); timeouts live in kvs_net, written under
 * kvs_net.lock and read with READ_ONCE.
 */
#ifndef _KVS_PROTO_H
#define _KVS_PROTO_H

#include <linux/skbuff.h>

#include "kvs.h"

/* TCP connection states, in /proc/net/ip_vs_conn order. */
enum kvs_tcp_state {
	KVS_TCP_S_NONE,
	KVS_TCP_S_ESTABLISHED,
	KVS_TCP_S_SYN_SENT,
	KVS_TCP_S_SYN_RECV,
	KVS_TCP_S_FIN_WAIT,
	KVS_TCP_S_TIME_WAIT,
	KVS_TCP_S_CLOSE,
	KVS_TCP_S_CLOSE_WAIT,
	KVS_TCP_S_LAST_ACK,
	KVS_TCP_S_LISTEN,
	KVS_TCP_S_SYNACK,
	KVS_TCP_S_LAST,
};

enum kvs_udp_state {
	KVS_UDP_S_NORMAL,
	KVS_UDP_S_LAST,
};

/* SCTP association states, in the in-tree order (core/proto_sctp.c). */
enum kvs_sctp_state {
	KVS_SCTP_S_NONE,
	KVS_SCTP_S_INIT1,
	KVS_SCTP_S_INIT,
	KVS_SCTP_S_COOKIE_SENT,
	KVS_SCTP_S_COOKIE_REPLIED,
	KVS_SCTP_S_COOKIE_WAIT,
	KVS_SCTP_S_COOKIE,
	KVS_SCTP_S_COOKIE_ECHOED,
	KVS_SCTP_S_ESTABLISHED,
	KVS_SCTP_S_SHUTDOWN_SENT,
	KVS_SCTP_S_SHUTDOWN_RECEIVED,
	KVS_SCTP_S_SHUTDOWN_ACK_SENT,
	KVS_SCTP_S_REJECTED,
	KVS_SCTP_S_CLOSED,
	KVS_SCTP_S_LAST,
};

struct kvs_conn;
struct kvs_iph;
struct kvs_net;

struct kvs_proto {
	u8 protocol;
	const char *name;
	unsigned int num_states;
	/* Offset of the checksum field in the transport header. */
	unsigned int csum_offset;
	/* Smallest transport header that carries both ports. */
	unsigned int min_hdr;
	/* May this packet create a connection? */
	bool (*can_schedule)(const struct sk_buff *skb,
			     const struct kvs_iph *iph);
	/*
	 * Advance cp->state for a packet seen in @dir (cp->lock held);
	 * NULL for a protocol with a single state, which then costs no
	 * lock per packet.
	 */
	void (*transition)(struct kvs_conn *cp, enum kvs_dir dir,
			   const struct sk_buff *skb, const struct kvs_iph *iph);
	unsigned int (*timeout)(const struct kvs_net *kn, unsigned int state);
	const char *(*state_name)(unsigned int state);
	/* Is @state counted as ActiveConn? */
	bool (*state_active)(unsigned int state);
	/*
	 * An opening packet met @cp: is it a client reusing the tuple of a
	 * finished connection, to be scheduled afresh?  @mode is sysctl
	 * conn_reuse_mode, not 0 (bit 1: also a TCP connection in FIN_WAIT
	 * that never saw a reply, as in-tree).
	 */
	bool (*reusable)(const struct kvs_conn *cp, int mode);
	/*
	 * Does this packet start a connection even on a tuple in use, so
	 * that conn_reuse_mode and expire_nodest_conn may end the old one
	 * (a TCP SYN, an SCTP INIT: in-tree's is_new_conn)?  NULL: no
	 * packet does, a datagram follows its flow (UDP).
	 */
	bool (*is_new)(const struct sk_buff *skb, const struct kvs_iph *iph);
	/*
	 * NAT changed an address or port of a protocol whose checksum is
	 * not the internet one (SCTP's CRC32c): recompute it.  NULL for
	 * TCP and UDP, whose checksums are updated incrementally.
	 */
	void (*nat_csum)(struct sk_buff *skb, unsigned int thoff);
	/*
	 * Does the checksum that @nat_csum would overwrite hold?  Asked
	 * before a packet opens or follows a connection; a false answer
	 * drops it.  NULL: the incremental update keeps a bad checksum
	 * bad, the real server or client judges it (TCP, UDP).
	 */
	bool (*csum_ok)(const struct sk_buff *skb, const struct kvs_iph *iph);
	/*
	 * Is this packet anything but a reset of the peer's state (a TCP
	 * RST, an SCTP ABORT)?  As in-tree, such a packet may open a
	 * connection under the protocol's sloppy sysctl (sloppy_tcp,
	 * sloppy_sctp), and from a real server with no connection earns
	 * an ICMP error under nat_icmp_send.  NULL: every packet is (UDP).
	 */
	bool (*not_reset)(const struct sk_buff *skb,
			  const struct kvs_iph *iph);
};

const struct kvs_proto *kvs_proto_find(u8 protocol);
extern const struct kvs_proto kvs_proto_tcp;
extern const struct kvs_proto kvs_proto_udp;
extern const struct kvs_proto kvs_proto_sctp;
void kvs_proto_timeouts_init(struct kvs_net *kn);
void kvs_tcp_timeouts_init(struct kvs_net *kn);
void kvs_udp_timeouts_init(struct kvs_net *kn);

#endif /* _KVS_PROTO_H */
