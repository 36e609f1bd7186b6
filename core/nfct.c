// SPDX-License-Identifier: GPL-2.0
/*
 * Balanced connections in conntrack (sysctl conntrack): the conntrack
 * entry of a connection's packets is kept and told the connection's real
 * reply, or the packets are marked untracked; the entry is killed when
 * the connection ends.  Rules in nfct.h.
 */
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_zones.h>

#include "conn.h"
#include "nfct.h"

static bool conn_nfct(const struct kvs_conn *cp)
{
	return cp->flags & IP_VS_CONN_F_NFCT;
}

/* An address of family @af into a conntrack tuple (IPv4: one word). */
static void tuple_addr(union nf_inet_addr *to, u16 af,
		       const union nf_inet_addr *from)
{
	if (af == AF_INET6)
		to->in6 = from->in6;
	else
		to->ip = from->ip;
}

/*
 * The first packet conntrack saw of a masquerading connection carries a
 * new entry, unconfirmed, whose reply tuple conntrack guessed as the
 * packet turned around.  After the rewrite that guess is wrong: a
 * request's answer comes from the real server (@request), and a reply
 * met first (its request was not tracked) answers the virtual service.
 * Set it right before the entry is confirmed, so that NAT rules set up
 * on it and the real server's packets find it.  Other methods keep the
 * addresses, one-packet connections expect no answer, and an entry of
 * another protocol (an ICMP error's) is the connection's own, confirmed.
 */
static void alter_reply(struct sk_buff *skb, const struct kvs_conn *cp,
			bool request)
{
	const struct kvs_tuple *orig = &cp->tuple[KVS_DIR_ORIG].t;
	struct nf_conntrack_tuple reply;
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;

	if ((cp->flags & IP_VS_CONN_F_FWD_MASK) != IP_VS_CONN_F_MASQ ||
	    cp->flags & IP_VS_CONN_F_ONE_PACKET)
		return;
	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || nf_ct_is_confirmed(ct) || nf_ct_is_dying(ct) ||
	    CTINFO2DIR(ctinfo) != IP_CT_DIR_ORIGINAL ||
	    nf_ct_protonum(ct) != orig->protocol)
		return;

	reply = ct->tuplehash[IP_CT_DIR_REPLY].tuple;
	if (request) {
		tuple_addr(&reply.src.u3, orig->af, kvs_conn_daddr(cp));
		reply.src.u.all = kvs_conn_dport(cp);
	} else {
		tuple_addr(&reply.dst.u3, orig->af, kvs_conn_vaddr(cp));
		reply.dst.u.all = kvs_conn_vport(cp);
	}
	nf_conntrack_alter_reply(ct, &reply);
}

/* Without sysctl conntrack the packet goes untracked, as in-tree. */
static void nfct_forwarded(struct sk_buff *skb, const struct kvs_conn *cp,
			   bool request)
{
	if (conn_nfct(cp))
		alter_reply(skb, cp, request);
	else
		kvs_skb_untrack(skb);
}

/* A request of @cp, rewritten for (or about to go to) its real server. */
void kvs_nfct_request(struct sk_buff *skb, const struct kvs_conn *cp)
{
	nfct_forwarded(skb, cp, true);
}

/* A reply of @cp, rewritten back to the virtual service. */
void kvs_nfct_reply(struct sk_buff *skb, const struct kvs_conn *cp)
{
	nfct_forwarded(skb, cp, false);
}

/*
 * A request about to be encapsulated: the inner packet never reaches
 * conntrack's last hook, so its entry is confirmed here; the outer
 * packet starts with none and conntrack tracks it on its own, as
 * in-tree.  Without conntrack the packet stays untracked, inside and
 * out.  Returns NF_ACCEPT, or NF_DROP if conntrack refused the entry.
 */
int kvs_nfct_tunnel(struct sk_buff *skb, const struct kvs_conn *cp)
{
	int ret;

	if (!conn_nfct(cp)) {
		kvs_skb_untrack(skb);
		return NF_ACCEPT;
	}
	ret = nf_conntrack_confirm(skb);
	if (ret == NF_ACCEPT)
		nf_reset_ct(skb);
	return ret;
}

/*
 * Does @skb belong to a conntrack entry confirmed before it, one that a
 * new schedule could not redirect (its reply tuple is set)?  A packet
 * opening a connection on such a tuple waits for the entry to go.
 */
bool kvs_nfct_old(const struct sk_buff *skb)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

	return ct && nf_ct_is_confirmed(ct);
}

/*
 * @cp ends: its conntrack entry, found by the client's tuple in the
 * default zone as in-tree, ends with it, so that conntrack forgets the
 * NAT it set up and a new connection on the tuple starts afresh.
 */
void kvs_nfct_forget(struct net *net, const struct kvs_conn *cp)
{
	const struct kvs_tuple *orig = &cp->tuple[KVS_DIR_ORIG].t;
	struct nf_conntrack_tuple tuple;
	struct nf_conntrack_tuple_hash *h;
	struct nf_conn *ct;

	if (!conn_nfct(cp) || cp->flags & IP_VS_CONN_F_ONE_PACKET)
		return;
	memset(&tuple, 0, sizeof(tuple));
	tuple.src.l3num = orig->af;
	tuple_addr(&tuple.src.u3, orig->af, &orig->src);
	tuple.src.u.all = orig->sport;
	tuple_addr(&tuple.dst.u3, orig->af, &orig->dst);
	tuple.dst.u.all = orig->dport;
	tuple.dst.protonum = orig->protocol;
	tuple.dst.dir = IP_CT_DIR_ORIGINAL;

	h = nf_conntrack_find_get(net, &nf_ct_zone_dflt, &tuple);
	if (!h)
		return;
	ct = nf_ct_tuplehash_to_ctrack(h);
	nf_ct_kill(ct);
	nf_ct_put(ct);
}
