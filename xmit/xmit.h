/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Forwarding methods (the xmit/ files): NAT, direct routing, tunnels and local
 * delivery, each an ops struct the connection's method selects, and the
 * routing and sending toward a real server they share.  Data path, under
 * RCU with BHs off; a dest's route cache is per CPU.
 */
#ifndef _KVS_XMIT_H
#define _KVS_XMIT_H

#include <linux/ip_vs.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <net/dst_cache.h>

struct kvs_conn;
struct kvs_iph;
struct kvs_net;
struct kvs_proto;

/*
 * A forwarding method (IP_VS_CONN_F_MASQ, ...).  @in handles a packet in
 * KVS_DIR_ORIG and returns a netfilter verdict (NF_STOLEN once sent);
 * @out handles KVS_DIR_REPLY for methods whose replies cross the director.
 */
struct kvs_xmit {
	unsigned int (*in)(struct kvs_net *kn, struct sk_buff *skb,
			   struct kvs_conn *cp, const struct kvs_iph *iph,
			   unsigned int hooknum);
	unsigned int (*out)(struct kvs_net *kn, struct sk_buff *skb,
			    struct kvs_conn *cp, const struct kvs_iph *iph,
			    unsigned int hooknum);
};

extern const struct kvs_xmit kvs_xmit_nat;
const struct kvs_xmit *kvs_xmit_find(u32 conn_flags);
bool kvs_xmit_ttl_ok(struct sk_buff *skb);
unsigned int kvs_xmit_reroute_local(struct kvs_net *kn, struct sk_buff *skb);
int kvs_nat_rewrite_ipv4(struct sk_buff *skb, const struct kvs_iph *iph,
			 const struct kvs_proto *pp, bool src,
			 __be32 addr, __be16 port);

/* IPv6 NAT, and the ICMP errors kvs sends and translates. */
int kvs_nat_rewrite_ipv6(struct sk_buff *skb, const struct kvs_iph *iph,
			 const struct kvs_proto *pp, bool src,
			 const struct in6_addr *addr, __be16 port);

/* The errors kvs itself answers with, in either family. */
enum kvs_icmp_error {
	KVS_ICMP_PORT_UNREACH,	/* no usable real server */
	KVS_ICMP_TOOBIG,	/* frag needed / packet too big; info: MTU */
	KVS_ICMP_TTL,		/* TTL / hop limit exceeded in transit */
	KVS_ICMP_MAX,
};

void kvs_icmp_send_error(struct sk_buff *skb, u16 af, enum kvs_icmp_error what,
			 u32 info);

/*
 * Direct routing, tunnels and local delivery (xmit/dr.c, tunnel.c,
 * route.c).  These methods see requests only: replies go from the real
 * server straight to the client.
 */
extern const struct kvs_xmit kvs_xmit_dr;
extern const struct kvs_xmit kvs_xmit_tunnel;
extern const struct kvs_xmit kvs_xmit_localnode;
unsigned int kvs_xmit_local(struct kvs_net *kn, struct sk_buff *skb,
			    struct kvs_conn *cp, const struct kvs_iph *iph,
			    unsigned int hooknum);

/* A resolved way out toward a real server (xmit/route.c). */
struct kvs_out {
	struct dst_entry *dst;		/* held until kvs_out_send */
	union nf_inet_addr saddr;	/* source for an outer header */
	unsigned int mtu;		/* of the route */
};

/* kvs_out_route() flags. */
#define KVS_OUT_KNOWN_NH	BIT(0)	/* the next hop is @daddr (DR) */
#define KVS_OUT_SADDR		BIT(1)	/* an outer header needs o->saddr */
#define KVS_OUT_LOCAL_OK	BIT(2)	/* @daddr may be this host's */

struct dst_cache *kvs_dest_routes(const struct kvs_conn *cp);
int kvs_out_route(struct kvs_net *kn, const struct sk_buff *skb, u16 af,
		  const union nf_inet_addr *daddr, struct dst_cache *routes,
		  unsigned int flags, struct kvs_out *o);
bool kvs_out_too_big(struct sk_buff *skb, u16 af, unsigned int mtu);
bool kvs_out_dec_ttl(struct sk_buff *skb, u16 af);
unsigned int kvs_out_send(struct kvs_net *kn, struct sk_buff *skb, u16 af,
			  struct kvs_out *o);
unsigned int kvs_xmit_send(struct kvs_net *kn, struct sk_buff *skb, u16 af,
			   const union nf_inet_addr *daddr,
			   struct dst_cache *routes, bool forwarded);
unsigned int kvs_xmit_forward(struct kvs_net *kn, struct sk_buff *skb, u16 af,
			      const union nf_inet_addr *daddr,
			      struct dst_cache *routes, unsigned int flags,
			      unsigned int hooknum);

/* One tunnel, as a real server's dest describes it (xmit/tunnel.c). */
struct kvs_tun {
	u16 af;				/* outer family */
	u16 type;			/* IP_VS_CONN_F_TUNNEL_TYPE_* */
	u16 flags;			/* IP_VS_TUNNEL_ENCAP_FLAG_* */
	__be16 port;			/* GUE: UDP destination port */
	union nf_inet_addr saddr;
	union nf_inet_addr daddr;
};

unsigned int kvs_tun_hdr_len(const struct kvs_tun *t,
			     const struct sk_buff *skb);
int kvs_tun_encap(struct net *net, struct sk_buff *skb,
		  const struct kvs_tun *t, unsigned int headroom, bool keep_df);

#endif /* _KVS_XMIT_H */
