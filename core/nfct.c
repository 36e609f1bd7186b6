// SPDX-License-Identifier: GPL-2.0
/*
 * Balanced connections in conntrack (sysctl conntrack): the conntrack
 * entry of a connection's packets is kept and told the connection's real
 * reply, or the packets are marked untracked; the entry is killed when
 * the connection ends.  Rules in nfct.h.
 */
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_expect.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_conntrack_seqadj.h>
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

	/*
	 * A helper may resize this connection's payloads (FTP): room for
	 * conntrack to move its sequence numbers too, as in-tree's NAT
	 * mangling has it, so that its TCP window tracking follows.
	 */
	if (request && cp->app && cp->app->app) {
		if (!nfct_seqadj(ct))
			nfct_seqadj_ext_add(ct);
		/*
		 * And room for the expectations of the connections it
		 * announces: conntrack takes them only from an entry that
		 * has a helper's extension (its helper may be none).
		 */
		if (!nfct_help(ct))
			nf_ct_helper_ext_add(ct, GFP_ATOMIC);
	}
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

/*
 * A connection an application helper announced (FTP passive data, @cp,
 * from the client's any port) while the control connection's packet
 * @skb carries its conntrack entry: conntrack expects it as related to
 * that entry, as in-tree.  Its reply is set when its first packet
 * crosses kvs.
 */
void kvs_nfct_expect(struct sk_buff *skb, const struct kvs_conn *cp)
{
	const struct kvs_tuple *t = &cp->tuple[KVS_DIR_ORIG].t;
	struct nf_conntrack_expect *exp;
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;

	if (!conn_nfct(cp))
		return;
	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || nf_ct_is_dying(ct))
		return;
	exp = nf_ct_expect_alloc(ct);
	if (!exp)
		return;
	nf_ct_expect_init(exp, NF_CT_EXPECT_CLASS_DEFAULT, t->af, &t->src,
			  &t->dst, t->protocol, t->sport ? &t->sport : NULL,
			  &t->dport);
	nf_ct_expect_related(exp, 0);
	nf_ct_expect_put(exp);
}

/*
 * Does conntrack move the sequence numbers of @skb, a packet of @cp,
 * itself, as it leaves (its entry was told of a resized payload, see
 * kvs_nfct_resized())?  Then kvs does not (core/app.c).
 */
bool kvs_nfct_seq_adjusts(const struct sk_buff *skb, const struct kvs_conn *cp)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;

	if (!conn_nfct(cp))
		return false;
	ct = nf_ct_get(skb, &ctinfo);
	return ct && test_bit(IPS_SEQ_ADJUST_BIT, &ct->status) &&
	       !nf_is_loopback_packet(skb);
}

/*
 * A helper resized the payload of @skb, of sequence number @seq, by
 * @diff bytes: its conntrack entry, if it has room for it, moves the
 * sequence numbers after it from now on.
 */
void kvs_nfct_resized(struct sk_buff *skb, const struct kvs_conn *cp,
		      __be32 seq, s32 diff)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;

	if (!conn_nfct(cp))
		return;
	ct = nf_ct_get(skb, &ctinfo);
	if (ct && nfct_seqadj(ct))
		nf_ct_seqadj_set(ct, ctinfo, seq, diff);
}
