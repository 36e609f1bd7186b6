// SPDX-License-Identifier: GPL-2.0
/*
 * Application helpers (in-tree's ip_vs_app): the registry, the binding
 * of a new masquerading connection to the helper of its protocol and
 * virtual port, and what the data path does for a bound connection's
 * packet: TCP sequence numbers moved by earlier payload changes, the
 * helper called, the payload resized and the checksum made whole again.
 * Helpers announce the connections they expect (FTP data) with
 * kvs_app_expect(), tied to the connection that announced them.
 *
 * Sequence numbers, as in-tree: when a helper changes the length of a
 * payload by some bytes, every later segment of that direction is off
 * by the sum of the changes so far (kvs_seq.delta), and the other side's
 * acknowledgements by the same amount the other way.  A retransmission
 * of the segment that was changed, or of one before it, is off by what
 * came before (previous_delta).
 */
#include <linux/seq_file.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/tcp.h>

#include "app.h"
#include "nfct.h"
#include "proc.h"

/* Registered helpers: written under the mutex, read under RCU. */
static LIST_HEAD(app_list);
static DEFINE_MUTEX(app_mutex);
/* How many are registered: none, and a new connection looks no further. */
static unsigned int app_count;

static bool app_has_port(const struct kvs_app *app, u16 port)
{
	unsigned int i;

	for (i = 0; i < app->num_ports; i++)
		if (app->ports[i] && app->ports[i] == port)
			return true;
	return false;
}

int kvs_register_app(struct kvs_app *app)
{
	struct kvs_app *a;
	unsigned int i;
	int err = 0;

	if (!app->name || !app->packet || !app->num_ports ||
	    app->num_ports > KVS_APP_MAX_PORTS)
		return -EINVAL;
	mutex_lock(&app_mutex);
	list_for_each_entry(a, &app_list, list) {
		if (!strcmp(a->name, app->name))
			err = -EEXIST;
		/* As in-tree, one helper per protocol and port. */
		for (i = 0; i < app->num_ports; i++)
			if (a->protocol == app->protocol &&
			    app_has_port(a, app->ports[i]))
				err = -EEXIST;
	}
	if (!err) {
		atomic_set(&app->usecnt, 0);
		list_add_tail_rcu(&app->list, &app_list);
		WRITE_ONCE(app_count, app_count + 1);
	}
	mutex_unlock(&app_mutex);
	return err;
}
EXPORT_SYMBOL_GPL(kvs_register_app);

void kvs_unregister_app(struct kvs_app *app)
{
	mutex_lock(&app_mutex);
	list_del_rcu(&app->list);
	WRITE_ONCE(app_count, app_count - 1);
	mutex_unlock(&app_mutex);
	/* No connection holds it, but a CPU may be in ->packet(). */
	synchronize_rcu();
}
EXPORT_SYMBOL_GPL(kvs_unregister_app);

/*
 * The helper part of a new connection of packet @iph to @dest, when a
 * helper is registered for its protocol and virtual port and the
 * connection masquerades (only NAT sees both ways), with a reference on
 * the helper's module; or NULL.  RCU held.
 */
struct kvs_conn_app *kvs_app_bind(const struct kvs_dest *dest,
				  const struct kvs_iph *iph)
{
	struct kvs_conn_app *ca;
	struct kvs_app *app;

	if (!READ_ONCE(app_count) ||
	    (READ_ONCE(dest->conn_flags) & IP_VS_CONN_F_FWD_MASK) !=
	    IP_VS_CONN_F_MASQ)
		return NULL;
	list_for_each_entry_rcu(app, &app_list, list) {
		if (app->protocol != iph->protocol ||
		    !app_has_port(app, ntohs(iph->dport)))
			continue;
		if (!try_module_get(app->owner))
			return NULL;
		ca = kzalloc(sizeof(*ca), GFP_ATOMIC);
		if (!ca) {
			module_put(app->owner);
			return NULL;
		}
		ca->app = app;
		ca->vport = iph->dport;
		refcount_set(&ca->refcnt, 1);
		atomic_inc(&app->usecnt);
		return ca;
	}
	return NULL;
}

/* Sequence numbers of @th moved by @s: its own (@seq) or the peer's ack. */
static void seq_fix(struct sk_buff *skb, struct tcphdr *th,
		    const struct kvs_seq *s)
{
	u32 seq = ntohl(th->seq);
	__be32 to;

	if (!s->delta && !s->previous_delta)
		return;
	to = htonl(seq + (after(seq, s->init_seq) ? s->delta :
					  s->previous_delta));
	inet_proto_csum_replace4(&th->check, skb, th->seq, to, false);
	th->seq = to;
}

static void ack_fix(struct sk_buff *skb, struct tcphdr *th,
		    const struct kvs_seq *s)
{
	u32 ack = ntohl(th->ack_seq);
	__be32 to;

	if (!th->ack || (!s->delta && !s->previous_delta))
		return;
	/* An ack names the next byte expected: in the moved numbering. */
	to = htonl(ack - (after(ack, s->init_seq + s->delta) ? s->delta :
						s->previous_delta));
	inet_proto_csum_replace4(&th->check, skb, th->ack_seq, to, false);
	th->ack_seq = to;
}

/*
 * The segment of original sequence number @seq grew by @diff bytes:
 * later ones move by that much more.  A retransmission of an older
 * segment changes nothing.  cp->lock held.
 */
static void seq_update(struct kvs_conn_app *ca, struct kvs_seq *s, u32 flag,
		       u32 seq, int diff)
{
	if ((ca->seq_flags & flag) && !after(seq, s->init_seq))
		return;
	s->previous_delta = s->delta;
	s->delta += diff;
	s->init_seq = seq;
	WRITE_ONCE(ca->seq_flags, ca->seq_flags | flag);
}

/* The IP lengths and TCP checksum of a packet whose payload changed. */
static void app_csum(struct sk_buff *skb, const struct kvs_iph *iph)
{
	struct tcphdr *th = (struct tcphdr *)(skb->data + iph->thoff);
	unsigned int len = skb->len - iph->thoff;
	struct ipv6hdr *ip6;
	struct iphdr *ip;
	__wsum csum = 0;

	if (skb->ip_summed != CHECKSUM_PARTIAL) {
		th->check = 0;
		csum = skb_checksum(skb, iph->thoff, len, 0);
		skb->ip_summed = CHECKSUM_NONE;
	}
	if (IS_ENABLED(CONFIG_IPV6) && iph->af == AF_INET6) {
		ip6 = ipv6_hdr(skb);
		ip6->payload_len = htons(skb->len - sizeof(*ip6));
		th->check = csum_ipv6_magic(&ip6->saddr, &ip6->daddr, len,
					    IPPROTO_TCP, csum);
	} else {
		ip = ip_hdr(skb);
		ip->tot_len = htons(skb->len);
		ip_send_check(ip);
		th->check = csum_tcpudp_magic(ip->saddr, ip->daddr, len,
					      IPPROTO_TCP, csum);
	}
	/* Offloaded: the field holds the pseudo-header's sum only. */
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		th->check = ~th->check;
}

/*
 * A packet of @cp, bound to a helper, in @dir, before NAT rewrites its
 * headers: its sequence numbers moved, the helper (if the connection
 * has one of its own) called, its checksum made whole.  Returns 0, or
 * an error for which the caller drops the packet: -ENOMEM, or -EBADMSG
 * when its TCP checksum is wrong (a corrupted packet is never rewritten
 * into a valid one).  RCU held, BHs off.
 */
int kvs_app_packet(struct kvs_net *kn, struct sk_buff *skb,
		   struct kvs_conn *cp, const struct kvs_iph *iph,
		   enum kvs_dir dir, unsigned int hooknum)
{
	struct kvs_conn_app *ca = cp->app;
	bool orig = dir == KVS_DIR_ORIG;
	struct tcphdr *th, _th;
	struct kvs_app_pkt p;
	unsigned int doff;
	bool payload;
	u32 seq;

	/* A data connection (no helper of its own) is never changed. */
	if (!ca->app || iph->protocol != IPPROTO_TCP ||
	    cp->proto->protocol != IPPROTO_TCP)
		return 0;
	th = skb_header_pointer(skb, iph->thoff, sizeof(_th), &_th);
	if (!th)
		return 0;
	doff = th->doff * 4;
	if (doff < sizeof(*th) || doff > skb->len - iph->thoff)
		return 0;
	payload = iph->thoff + doff < skb->len;
	if (!payload && !READ_ONCE(ca->seq_flags))
		return 0;
	if (skb_ensure_writable(skb, skb->len))
		return -ENOMEM;
	if (payload && nf_checksum(skb, hooknum, iph->thoff, IPPROTO_TCP,
				   iph->af))
		return -EBADMSG;
	th = (struct tcphdr *)(skb->data + iph->thoff);
	seq = ntohl(th->seq);

	/* With sysctl conntrack, conntrack may move them on its own way out. */
	if (!kvs_nfct_seq_adjusts(skb, cp)) {
		spin_lock_bh(&cp->lock);
		seq_fix(skb, th, orig ? &ca->in_seq : &ca->out_seq);
		ack_fix(skb, th, orig ? &ca->out_seq : &ca->in_seq);
		spin_unlock_bh(&cp->lock);
	}

	if (!payload)
		return 0;
	p.kn = kn;
	p.skb = skb;
	p.cp = cp;
	p.iph = iph;
	p.dir = dir;
	p.payload = iph->thoff + doff;
	p.diff = 0;
	p.mangled = false;
	ca->app->packet(&p);
	if (!p.mangled)
		return 0;
	app_csum(skb, iph);
	if (p.diff) {
		spin_lock_bh(&cp->lock);
		seq_update(ca, orig ? &ca->in_seq : &ca->out_seq,
			   orig ? IP_VS_CONN_F_IN_SEQ : IP_VS_CONN_F_OUT_SEQ,
			   seq, p.diff);
		spin_unlock_bh(&cp->lock);
		/* Both keep the same account, for packets with and without. */
		kvs_nfct_resized(skb, cp, htonl(seq), p.diff);
	}
	return 0;
}

/*
 * For the helper: replace the @len payload bytes at @off with the
 * @buf_len bytes of @buf, growing or shrinking the packet.  The caller
 * makes the checksum and lengths right afterwards.  Returns 0, or an
 * error with the packet as it was.
 */
int kvs_app_mangle(struct kvs_app_pkt *p, unsigned int off, unsigned int len,
		   const char *buf, unsigned int buf_len)
{
	struct sk_buff *skb = p->skb;
	unsigned int start = p->payload + off;
	int diff = (int)buf_len - (int)len;
	unsigned int tail;

	/* A GSO packet's segments would no longer add up: left alone. */
	if (start < p->payload || len > skb->len - start || skb_is_gso(skb))
		return -EINVAL;
	tail = skb->len - start - len;
	if (diff > 0) {
		if (skb->len + diff > IP_MAX_MTU)
			return -E2BIG;
		if (skb_tailroom(skb) < diff &&
		    pskb_expand_head(skb, 0, diff - skb_tailroom(skb),
				     GFP_ATOMIC))
			return -ENOMEM;
		skb_put(skb, diff);
	}
	memmove(skb->data + start + buf_len, skb->data + start + len, tail);
	memcpy(skb->data + start, buf, buf_len);
	if (diff < 0)
		skb_trim(skb, skb->len + diff);
	p->diff += diff;
	p->mangled = true;
	return 0;
}
EXPORT_SYMBOL_GPL(kvs_app_mangle);

/*
 * For the helper: a connection it expects, from the client at
 * @caddr:@cport (0: any port, filled by its first packet) to the
 * virtual address at @vport, going to the real server of @p's
 * connection at @dport, and controlled by it.  With sysctl conntrack,
 * conntrack expects a passive one too (as related to the control
 * connection), as in-tree; an active one it learns of from its own ftp
 * helper, if the control connection has it.
 * Returns 0 (also when it already exists) or an error.
 */
int kvs_app_expect(struct kvs_app_pkt *p, const union nf_inet_addr *caddr,
		   __be16 cport, __be16 vport, __be16 dport)
{
	struct kvs_conn *cp = p->cp, *n;
	struct kvs_conn_app *ca;
	struct kvs_iph iph;

	if (cp->proto->protocol != IPPROTO_TCP)
		return -EINVAL;
	memset(&iph, 0, sizeof(iph));
	iph.af = cp->tuple[KVS_DIR_ORIG].t.af;
	iph.protocol = cp->proto->protocol;
	iph.saddr = *caddr;
	iph.daddr = *kvs_conn_vaddr(cp);
	iph.sport = cport;
	iph.dport = vport;

	ca = kzalloc(sizeof(*ca), GFP_ATOMIC);
	if (!ca)
		return -ENOMEM;
	refcount_set(&ca->refcnt, 1);
	ca->vport = vport;
	ca->ctl = cp->app;
	refcount_inc(&cp->app->refcnt);
	n = kvs_conn_new_app(&p->kn->conns, &iph, cp->dest, dport, cp->proto,
			     cp->proto->timeout(p->kn, KVS_TCP_S_LISTEN), NULL,
			     ca, cport ? 0 : IP_VS_CONN_F_NO_CPORT);
	if (IS_ERR(n)) {
		kvs_conn_app_put(ca);
		return PTR_ERR(n) == -EEXIST ? 0 : PTR_ERR(n);
	}
	/* As in-tree, it listens: waits a LISTEN timeout for its SYN. */
	spin_lock_bh(&n->lock);
	WRITE_ONCE(n->state, KVS_TCP_S_LISTEN);
	spin_unlock_bh(&n->lock);
	/* As in-tree, conntrack expects what the client is to open. */
	if (!cport)
		kvs_nfct_expect(p->skb, n);
	return 0;
}
EXPORT_SYMBOL_GPL(kvs_app_expect);

/* For the helper: a command it could not make sense of went through as is. */
void kvs_app_malformed(struct kvs_app_pkt *p)
{
	atomic_long_inc(&p->kn->app_malformed);
}
EXPORT_SYMBOL_GPL(kvs_app_malformed);

/*
 * /proc/net/ip_vs_app, as in-tree: one line per helper and port.  The
 * helpers are the same in every namespace here, and so is the count of
 * connections using them.
 */
int kvs_app_seq_show(struct seq_file *seq, void *v)
{
	struct kvs_app *app;
	unsigned int i;

	seq_puts(seq, "prot port    usecnt name\n");
	rcu_read_lock();
	list_for_each_entry_rcu(app, &app_list, list)
		for (i = 0; i < app->num_ports; i++)
			if (app->ports[i])
				seq_printf(seq, "%-3s  %-7u %-6d %-17s\n",
					   kvs_proc_proto_name(app->protocol),
					   app->ports[i],
					   atomic_read(&app->usecnt),
					   app->name);
	rcu_read_unlock();
	return 0;
}
