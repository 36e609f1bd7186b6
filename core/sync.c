// SPDX-License-Identifier: GPL-2.0
/*
 * The connection sync daemons, per network namespace, as in-tree IPVS
 * runs them (ipvsadm --start-daemon master|backup): a master sends the
 * connections and templates its data path makes, a backup puts those it
 * receives into its own tables, where they take over when traffic
 * arrives.  Both may run at once.  sysctl sync_ports sockets and threads
 * each, on multicast group ports port, port + 1, ...; the messages are
 * built and read by sync_msg.c.
 *
 * Master: the data path appends entries to the current message of one
 * of its threads (picked by connection) under sn->lock, a spinlock
 * taken with BHs off; full messages queue for the thread (at most
 * sync_qlen_max), which sends them and also a message that has waited
 * SYNC_FLUSH.  Backup: a thread per socket receives, decodes and
 * applies, in process context under RCU with BHs off, as the data path
 * runs.  Start and stop are serialised by sn->mutex; the data path sees
 * a master through sn->master (RCU).
 */
#include <linux/in6.h>
#include <linux/inetdevice.h>
#include <linux/kthread.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/netns/generic.h>
#include <net/sock.h>

#include "sync.h"

#define SYNC_FLUSH		(HZ / 5)	/* a message waits at most this */
#define SYNC_POLL		(HZ / 10)
#define SYNC_RCVTIMEO		(HZ / 5)

DEFINE_STATIC_KEY_FALSE(kvs_sync_master_key);
DEFINE_STATIC_KEY_FALSE(kvs_sync_backup_key);

struct sync_buf {
	struct list_head list;
	unsigned long first;		/* jiffies of its first entry */
	struct kvs_sync_msg msg;
	u8 data[];
};

struct sync_thread {
	struct kvs_sync_net *sn;
	struct sync_daemon *d;
	struct socket *sock;
	struct task_struct *task;
	/* Master: under sn->lock. */
	struct sync_buf *cur;
	struct list_head queue;
	unsigned long qlen;
	/* Backup: the receive buffer. */
	u8 *buf;
};

/* One daemon: its settings and its threads. */
struct sync_daemon {
	struct kvs_sync_conf conf;
	unsigned int n;
	struct rcu_head rcu;
	struct sync_thread t[];
};

enum {
	SYNC_RX_MSGS,
	SYNC_RX_CONNS,
	SYNC_TX_MSGS,
	SYNC_TX_CONNS,
	SYNC_TX_DROPPED,	/* queue full, or no memory for a message */
	SYNC_COUNTERS,
};

static const char *const counter_names[SYNC_COUNTERS] = {
	"rx_msgs", "rx_conns", "tx_msgs", "tx_conns", "tx_dropped",
};

static const char *const drop_names[KVS_SYNC_DROP_MAX] = {
	"rx_drop_short", "rx_drop_syncid", "rx_drop_truncated",
	"rx_drop_version", "rx_drop_option", "rx_drop_entry",
	"rx_drop_nodest", "rx_drop_nomem",
};

struct kvs_sync_net {
	struct net *net;
	struct mutex mutex;		/* start and stop */
	spinlock_t lock;		/* the masters' messages and queues */
	struct sync_daemon __rcu *master;
	struct sync_daemon *backup;	/* under @mutex */
	/* Threads per daemon, fixed by the first of the two to start. */
	unsigned int threads;
	atomic_long_t count[SYNC_COUNTERS];
	atomic_long_t drops[KVS_SYNC_DROP_MAX];
};

static unsigned int sync_net_id __read_mostly;

static struct kvs_sync_net *sync_net(const struct net *net)
{
	return net_generic(net, sync_net_id);
}

/* ---- master: the data path side ---- */

static void entry_from_conn(struct kvs_net *kn, const struct kvs_conn *cp,
			    struct kvs_sync_entry *e)
{
	const struct kvs_tuple *t = &cp->tuple[KVS_DIR_ORIG].t;
	const struct kvs_dest *dest = cp->dest;

	memset(e, 0, sizeof(*e));
	e->af = t->af;
	e->protocol = t->protocol;
	e->flags = cp->flags;
	e->state = READ_ONCE(cp->state);
	e->cport = t->sport;
	e->vport = t->dport;
	e->dport = kvs_conn_dport(cp);
	e->caddr = t->src;
	e->vaddr = t->dst;
	e->daddr = dest->addr;
	e->fwmark = READ_ONCE(dest->svc)->key.fwmark;
	e->timeout = cp->proto->timeout(kn, e->state) / HZ;
}

static void entry_from_tpl(const struct kvs_template *tpl,
			   struct kvs_sync_entry *e)
{
	const struct kvs_dest *dest = tpl->dest;
	u32 method = READ_ONCE(dest->conn_flags) & IP_VS_CONN_F_FWD_MASK;

	memset(e, 0, sizeof(*e));
	e->af = tpl->key.af;
	e->protocol = tpl->key.protocol;
	/* What in-tree's templates carry: the dest's method, inactive. */
	e->flags = IP_VS_CONN_F_TEMPLATE | IP_VS_CONN_F_INACTIVE | method;
	if (method != IP_VS_CONN_F_MASQ)
		e->flags |= IP_VS_CONN_F_NOOUTPUT;
	e->state = test_bit(KVS_TPL_ASSURED, &tpl->flags);
	e->vport = tpl->key.vport;
	e->dport = tpl->dport;
	e->caddr = tpl->key.caddr;
	e->vaddr = tpl->key.vaddr;
	e->daddr = dest->addr;
	e->fwmark = READ_ONCE(dest->svc)->key.fwmark;
	e->timeout = READ_ONCE(tpl->timeout) / HZ;
}

static struct sync_buf *buf_new(const struct sync_daemon *d, u8 version)
{
	struct sync_buf *b;

	b = kmalloc(sizeof(*b) + d->conf.maxlen, GFP_ATOMIC);
	if (!b)
		return NULL;
	kvs_sync_msg_init(&b->msg, b->data, d->conf.maxlen, version,
			  d->conf.syncid);
	b->first = jiffies;
	return b;
}

/* Hand @t's current message to its thread; sn->lock held. */
static void buf_queue(struct kvs_net *kn, struct sync_thread *t)
{
	struct sync_buf *b = t->cur;

	t->cur = NULL;
	if (t->qlen >= READ_ONCE(kn->sysctl.sync_qlen_max)) {
		atomic_long_inc(&t->sn->count[SYNC_TX_DROPPED]);
		kfree(b);
		return;
	}
	list_add_tail(&b->list, &t->queue);
	t->qlen++;
	wake_up_process(t->task);
}

static void sync_add(struct kvs_net *kn, struct sync_daemon *d,
		     unsigned int id, const struct kvs_sync_entry *e)
{
	u8 version = READ_ONCE(kn->sysctl.sync_version) ? 1 : 0;
	struct sync_thread *t = &d->t[id];
	int err;

	if (!version && e->af != AF_INET)
		return;
	spin_lock_bh(&t->sn->lock);
	if (t->cur && t->cur->msg.version != version)
		buf_queue(kn, t);
	for (;;) {
		if (!t->cur)
			t->cur = buf_new(d, version);
		if (!t->cur) {
			atomic_long_inc(&t->sn->count[SYNC_TX_DROPPED]);
			break;
		}
		err = kvs_sync_msg_add(&t->cur->msg, e);
		/* A fresh message too small for one entry: none ever is. */
		if (err != -ENOSPC || kvs_sync_msg_count(&t->cur->msg) == 0)
			break;
		buf_queue(kn, t);
	}
	spin_unlock_bh(&t->sn->lock);
}

/*
 * An entry's sync_endtime is the end of its life as the backups were
 * last told it (the jiffies of that send plus its timeout then), its
 * two low bits counting how often that same end was sent again.
 *
 * With sync_refresh_period, an entry whose end moved less than that
 * (or less than half its timeout, at least 10 s, if that is shorter)
 * since it was sent is not sent again, except sync_retries times, an
 * eighth of the period apart: a lost message is not the last word.
 * Then the request count decides, as without it: the threshold-th
 * request and every period-th after it (a template each time, with a
 * period); with no period, the threshold-th only, or each time with a
 * refresh period.  A move to a state sent at once skips all of this.
 * Returns whether to send; @next is the sync_endtime a send records.
 */
bool kvs_sync_due(const struct kvs_sync_due *d, unsigned long now,
		  unsigned long last, unsigned long *next)
{
	unsigned long end = (now + d->timeout) & ~3UL;
	unsigned long resent = last & 3;
	long moved, enough;

	*next = end;
	if (d->at_once)
		return true;
	if (d->refresh) {
		moved = abs((long)(end - last));
		enough = min_t(long, d->refresh,
			       max_t(long, d->timeout / 2, 10 * HZ));
		if (moved < enough) {
			if (resent >= d->retries)
				return false;
			/* last - timeout: when it was sent */
			if (time_before(now, last - d->timeout + d->refresh / 8))
				return false;
			*next = end | (resent + 1);
		}
	}
	if (d->period > 0)
		return d->tpl || d->pkts % d->period == d->threshold;
	return d->refresh || d->pkts == d->threshold;
}

static void due_init(struct kvs_net *kn, struct kvs_sync_due *d,
		     unsigned long timeout, u32 pkts)
{
	memset(d, 0, sizeof(*d));
	d->threshold = READ_ONCE(kn->sysctl.sync_threshold[0]);
	d->period = READ_ONCE(kn->sysctl.sync_threshold[1]);
	d->refresh = max(READ_ONCE(kn->sysctl.sync_refresh_period), 0);
	d->retries = READ_ONCE(kn->sysctl.sync_retries);
	d->timeout = timeout;
	d->pkts = pkts;
}

/*
 * Is @cp worth sending now?  TCP and SCTP only in their established and
 * closing states, at once on a move to a closing one; then as
 * kvs_sync_due() says.  Of two CPUs deciding at once, one sends, unless
 * the state moved.
 */
static bool sync_needed(struct kvs_net *kn, struct kvs_conn *cp, u32 pkts)
{
	u8 state = READ_ONCE(cp->state), old = READ_ONCE(cp->sync_state);
	unsigned long mask = 0, closing = 0, last, next;
	struct kvs_sync_due d;
	bool moved;

	switch (cp->proto->protocol) {
	case IPPROTO_TCP:
		closing = BIT(KVS_TCP_S_FIN_WAIT) | BIT(KVS_TCP_S_CLOSE) |
			  BIT(KVS_TCP_S_CLOSE_WAIT) | BIT(KVS_TCP_S_TIME_WAIT);
		mask = closing | BIT(KVS_TCP_S_ESTABLISHED);
		break;
	case IPPROTO_SCTP:
		closing = BIT(KVS_SCTP_S_SHUTDOWN_SENT) |
			  BIT(KVS_SCTP_S_SHUTDOWN_RECEIVED) |
			  BIT(KVS_SCTP_S_SHUTDOWN_ACK_SENT) |
			  BIT(KVS_SCTP_S_CLOSED);
		mask = closing | BIT(KVS_SCTP_S_ESTABLISHED);
		break;
	}
	if (mask && !(BIT(state) & mask))
		return false;
	moved = mask && state != old;
	due_init(kn, &d, cp->proto->timeout(kn, state), pkts);
	d.at_once = moved && (BIT(state) & closing);
	last = READ_ONCE(cp->sync_endtime);
	if (!kvs_sync_due(&d, jiffies, last, &next))
		return false;
	WRITE_ONCE(cp->sync_state, state);
	return cmpxchg(&cp->sync_endtime, last, next) == last || moved;
}

/* Is @tpl worth sending now?  Each try counts as a request. */
static bool tpl_sync_needed(struct kvs_net *kn, struct kvs_template *tpl)
{
	unsigned long last, next;
	struct kvs_sync_due d;

	due_init(kn, &d, READ_ONCE(tpl->timeout),
		 atomic_inc_return(&tpl->sync_pkts));
	d.tpl = true;
	last = READ_ONCE(tpl->sync_endtime);
	if (!kvs_sync_due(&d, jiffies, last, &next))
		return false;
	return cmpxchg(&tpl->sync_endtime, last, next) == last;
}

/*
 * A request of @cp was handled, a master runs somewhere.  RCU held.
 * Its template is tried with each request (version 1) or each send of
 * the connection (version 0), as in-tree; sync_persist_mode sends the
 * template alone for the connections it controls.
 */
void kvs_sync_conn(struct kvs_net *kn, struct kvs_conn *cp)
{
	struct kvs_sync_net *sn = sync_net(kn->net);
	struct kvs_sync_entry e;
	struct sync_daemon *d;
	bool sent = false;
	unsigned int id;
	u32 pkts;

	d = rcu_dereference(sn->master);
	if (!d)
		return;
	id = hash_ptr(cp, 16) % d->n;
	if (!(cp->flags & IP_VS_CONN_F_ONE_PACKET) &&
	    !(cp->control && READ_ONCE(kn->sysctl.sync_persist_mode))) {
		pkts = atomic_inc_return(&cp->sync_pkts);
		sent = sync_needed(kn, cp, pkts);
		if (sent) {
			entry_from_conn(kn, cp, &e);
			sync_add(kn, d, id, &e);
			atomic_long_inc(&sn->count[SYNC_TX_CONNS]);
		}
	}
	if (!cp->control || !(sent || READ_ONCE(kn->sysctl.sync_version)))
		return;
	if (tpl_sync_needed(kn, cp->control)) {
		entry_from_tpl(cp->control, &e);
		sync_add(kn, d, id, &e);
		atomic_long_inc(&sn->count[SYNC_TX_CONNS]);
	}
}

/* ---- master: its threads ---- */

static struct sync_buf *next_buf(struct sync_thread *t)
{
	struct sync_buf *b = NULL;

	spin_lock_bh(&t->sn->lock);
	if (!list_empty(&t->queue)) {
		b = list_first_entry(&t->queue, struct sync_buf, list);
		list_del(&b->list);
		t->qlen--;
	} else if (t->cur && time_after_eq(jiffies, t->cur->first + SYNC_FLUSH)) {
		b = t->cur;
		t->cur = NULL;
	}
	spin_unlock_bh(&t->sn->lock);
	return b;
}

static void send_buf(struct sync_thread *t, struct sync_buf *b)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	struct kvec iov = { .iov_base = b->data, .iov_len = b->msg.len };
	int tries, err = -EAGAIN;

	/* A full socket buffer drains quickly; a few retries, then give up. */
	for (tries = 0; tries < 10 && err == -EAGAIN; tries++) {
		err = kernel_sendmsg(t->sock, &msg, &iov, 1, b->msg.len);
		if (err == -EAGAIN)
			schedule_timeout_interruptible(1);
	}
	if (err >= 0)
		atomic_long_inc(&t->sn->count[SYNC_TX_MSGS]);
	else
		atomic_long_inc(&t->sn->count[SYNC_TX_DROPPED]);
}

static int master_thread(void *data)
{
	struct sync_thread *t = data;
	struct sync_buf *b;

	while (!kthread_should_stop()) {
		b = next_buf(t);
		if (!b) {
			schedule_timeout_interruptible(SYNC_POLL);
			continue;
		}
		send_buf(t, b);
		kfree(b);
	}
	return 0;
}

/* ---- backup ---- */

static struct kvs_service *entry_service(struct kvs_net *kn,
					 const struct kvs_sync_entry *e)
{
	struct kvs_service_key key;
	struct kvs_service *svc;
	u32 mark = e->fwmark;

	/* A fwmark service's template holds the mark as its address. */
	if (e->flags & IP_VS_CONN_F_TEMPLATE && e->protocol == IPPROTO_IP &&
	    !mark)
		mark = ntohl(e->vaddr.ip);
	if (mark) {
		kvs_service_key_init(&key);
		key.af = e->af;
		key.fwmark = mark;
		svc = kvs_service_lookup(kn, &key);
		if (svc)
			return svc;
	}
	kvs_service_key_init(&key);
	key.af = e->af;
	key.protocol = e->protocol;
	key.addr = e->vaddr;
	key.port = e->vport;
	svc = kvs_service_lookup(kn, &key);
	if (!svc && key.port) {
		key.port = 0;
		svc = kvs_service_lookup(kn, &key);
	}
	return svc;
}

static int apply_tpl(struct kvs_net *kn, const struct kvs_sync_entry *e,
		     struct kvs_dest *dest)
{
	unsigned int timeout = e->timeout ? e->timeout : 3 * 60;
	struct kvs_tpl_key key;

	memset(&key, 0, sizeof(key));
	key.af = e->af;
	key.protocol = e->protocol;
	key.caddr = e->caddr;
	key.vaddr = e->vaddr;
	key.vport = e->vport;
	timeout = min_t(unsigned int, timeout, INT_MAX / HZ);
	if (kvs_persist_sync(kn, &key, dest, e->dport, timeout * HZ,
			     e->state))
		return KVS_SYNC_DROP_NOMEM;
	return -1;
}

static int apply_conn(struct kvs_net *kn, const struct kvs_sync_entry *e,
		      struct kvs_dest *dest)
{
	const struct kvs_proto *pp = kvs_proto_find(e->protocol);
	unsigned long timeout;
	struct kvs_iph iph;
	struct kvs_tuple t;
	bool created = false;
	struct kvs_conn *cp;
	enum kvs_dir dir;

	memset(&iph, 0, sizeof(iph));
	iph.af = e->af;
	iph.protocol = e->protocol;
	iph.saddr = e->caddr;
	iph.daddr = e->vaddr;
	iph.sport = e->cport;
	iph.dport = e->vport;
	timeout = e->timeout ? min_t(unsigned long, e->timeout, INT_MAX / HZ) * HZ :
			       pp->timeout(kn, e->state);

	kvs_tuple_from_iph(&t, &iph);
	cp = kvs_conn_lookup(&kn->conns, &t, &dir);
	if (cp && dir != KVS_DIR_ORIG)
		return KVS_SYNC_DROP_ENTRY;
	if (cp && (cp->dest != dest || kvs_conn_dport(cp) != e->dport)) {
		/* An inactive one is the end of what was replaced already. */
		if (e->flags & IP_VS_CONN_F_INACTIVE)
			return -1;
		kvs_conn_expire_now(&kn->conns, cp);
		cp = NULL;
	}
	if (!cp) {
		cp = kvs_conn_new_ctl(&kn->conns, &iph, dest, e->dport, pp,
				      timeout, NULL);
		if (IS_ERR(cp))
			return PTR_ERR(cp) == -ENOMEM ? KVS_SYNC_DROP_NOMEM :
							KVS_SYNC_DROP_ENTRY;
		created = true;
	}
	spin_lock_bh(&cp->lock);
	/* A connection scheduled here stays LOCAL in ip_vs_conn_sync. */
	if (created)
		cp->flags |= IP_VS_CONN_F_SYNC;
	WRITE_ONCE(cp->state, e->state);
	cp->sync_state = e->state;
	kvs_conn_set_active(cp, pp->state_active(e->state));
	spin_unlock_bh(&cp->lock);
	atomic_set(&cp->sync_pkts, READ_ONCE(kn->sysctl.sync_threshold[0]));
	kvs_conn_set_timeout(cp, timeout);
	return -1;
}

/* One received entry into this namespace's tables; RCU held, BHs off. */
static int apply_entry(void *arg, const struct kvs_sync_entry *e)
{
	struct kvs_net *kn = arg;
	struct kvs_service *svc;
	struct kvs_dest *dest;

	svc = entry_service(kn, e);
	dest = svc ? kvs_dest_find(svc, &e->daddr, e->dport, e->af) : NULL;
	if (!dest)
		return KVS_SYNC_DROP_NODEST;
	if (e->flags & IP_VS_CONN_F_TEMPLATE)
		return apply_tpl(kn, e, dest);
	return apply_conn(kn, e, dest);
}

static void sync_rx(struct kvs_sync_net *sn, u8 syncid, const u8 *buf,
		    size_t len)
{
	struct kvs_sync_rx rx = {
		.syncid = syncid,
		.entry = apply_entry,
		.arg = kvs_net(sn->net),
	};
	int i;

	rcu_read_lock();
	local_bh_disable();
	kvs_sync_decode(&rx, buf, len);
	local_bh_enable();
	rcu_read_unlock();
	atomic_long_inc(&sn->count[SYNC_RX_MSGS]);
	atomic_long_add(rx.entries, &sn->count[SYNC_RX_CONNS]);
	for (i = 0; i < KVS_SYNC_DROP_MAX; i++)
		if (rx.drops[i])
			atomic_long_add(rx.drops[i], &sn->drops[i]);
}

static int backup_thread(void *data)
{
	struct sync_thread *t = data;
	const struct sync_daemon *d = t->d;
	struct kvec iov;
	int len;

	while (!kthread_should_stop()) {
		struct msghdr msg = {};

		iov.iov_base = t->buf;
		iov.iov_len = d->conf.maxlen;
		len = kernel_recvmsg(t->sock, &msg, &iov, 1, d->conf.maxlen, 0);
		if (len < 0)
			continue;
		sync_rx(t->sn, d->conf.syncid, t->buf, len);
	}
	return 0;
}

bool kvs_sync_backup_only(struct kvs_net *kn)
{
	return READ_ONCE(kn->sysctl.backup_only) &&
	       READ_ONCE(sync_net(kn->net)->backup);
}

/* ---- sockets ---- */

static int sock_opt(struct socket *sock, int level, int opt, const void *v,
		    unsigned int len)
{
	return sock->ops->setsockopt(sock, level, opt,
				     KERNEL_SOCKPTR((void *)v), len);
}

static int sock_int(struct socket *sock, int level, int opt, int v)
{
	if (level == SOL_SOCKET)
		return sock_setsockopt(sock, level, opt, KERNEL_SOCKPTR(&v),
				       sizeof(v));
	return sock_opt(sock, level, opt, &v, sizeof(v));
}

static void group_addr(const struct kvs_sync_conf *c, unsigned int id,
		       struct sockaddr_storage *ss, int *len)
{
	memset(ss, 0, sizeof(*ss));
	if (c->af == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(c->port + id);
		s6->sin6_addr = c->group.in6;
		*len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(c->port + id);
		s4->sin_addr.s_addr = c->group.ip;
		*len = sizeof(*s4);
	}
}

static int master_sock(struct net *net, const struct kvs_sync_conf *c,
		       struct net_device *dev, unsigned int id,
		       struct socket *sock)
{
	struct kvs_net *kn = kvs_net(net);
	struct sockaddr_storage ss;
	int err, len, size;

	if (c->af == AF_INET6) {
		err = sock_int(sock, SOL_IPV6, IPV6_MULTICAST_IF, dev->ifindex) ?:
		      sock_int(sock, SOL_IPV6, IPV6_MULTICAST_LOOP, 0) ?:
		      sock_int(sock, SOL_IPV6, IPV6_MULTICAST_HOPS, c->ttl) ?:
		      sock_int(sock, SOL_IPV6, IPV6_MTU_DISCOVER,
			       IPV6_PMTUDISC_DONT);
	} else {
		struct ip_mreqn mr = { .imr_ifindex = dev->ifindex };
		struct sockaddr_in sin = { .sin_family = AF_INET };

		err = sock_opt(sock, SOL_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) ?:
		      sock_int(sock, SOL_IP, IP_MULTICAST_LOOP, 0) ?:
		      sock_int(sock, SOL_IP, IP_MULTICAST_TTL, c->ttl) ?:
		      sock_int(sock, SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT);
		/* From the interface's own address, as in-tree. */
		sin.sin_addr.s_addr = inet_select_addr(dev, 0,
						       RT_SCOPE_UNIVERSE);
		if (!err)
			err = kernel_bind(sock, (struct sockaddr *)&sin,
					  sizeof(sin));
	}
	size = READ_ONCE(kn->sysctl.sync_sock_size);
	if (!err && size > 0)
		err = sock_int(sock, SOL_SOCKET, SO_SNDBUF, size);
	if (err)
		return err;
	group_addr(c, id, &ss, &len);
	return kernel_connect(sock, (struct sockaddr *)&ss, len, 0);
}

static int backup_sock(struct net *net, const struct kvs_sync_conf *c,
		       struct net_device *dev, unsigned int id,
		       struct socket *sock)
{
	struct kvs_net *kn = kvs_net(net);
	struct sockaddr_storage ss;
	int err, len, size;

	sock->sk->sk_reuse = SK_CAN_REUSE;
	sock->sk->sk_rcvtimeo = SYNC_RCVTIMEO;
	size = READ_ONCE(kn->sysctl.sync_sock_size);
	if (size > 0) {
		err = sock_int(sock, SOL_SOCKET, SO_RCVBUF, size);
		if (err)
			return err;
	}
	err = sock_bindtoindex(sock->sk, dev->ifindex, true);
	if (err)
		return err;
	group_addr(c, id, &ss, &len);
	err = kernel_bind(sock, (struct sockaddr *)&ss, len);
	if (err)
		return err;
	if (c->af == AF_INET6) {
		struct ipv6_mreq mr = {
			.ipv6mr_multiaddr = c->group.in6,
			.ipv6mr_ifindex = dev->ifindex,
		};

		return sock_opt(sock, SOL_IPV6, IPV6_ADD_MEMBERSHIP, &mr,
				sizeof(mr));
	} else {
		struct ip_mreqn mr = {
			.imr_multiaddr.s_addr = c->group.ip,
			.imr_ifindex = dev->ifindex,
		};

		return sock_opt(sock, SOL_IP, IP_ADD_MEMBERSHIP, &mr,
				sizeof(mr));
	}
}

/* ---- start and stop ---- */

static void daemon_free(struct sync_daemon *d)
{
	struct sync_buf *b, *tmp;
	unsigned int i;

	for (i = 0; i < d->n; i++) {
		struct sync_thread *t = &d->t[i];

		if (t->task)
			kthread_stop(t->task);
		if (t->sock)
			sock_release(t->sock);
		list_for_each_entry_safe(b, tmp, &t->queue, list)
			kfree(b);
		kfree(t->cur);
		kfree(t->buf);
	}
	kfree(d);
}

/* Fill in the defaults and the message size, as in-tree does. */
static void conf_defaults(struct kvs_sync_conf *c, struct net_device *dev)
{
	unsigned int hlen, mtu;

	if (!c->af) {
		c->af = AF_INET;
		c->group.ip = KVS_SYNC_GROUP;
	}
	if (!c->port)
		c->port = KVS_SYNC_PORT;
	if (!c->ttl)
		c->ttl = 1;
	hlen = (c->af == AF_INET6 ? sizeof(struct ipv6hdr) :
				    sizeof(struct iphdr)) + sizeof(struct udphdr);
	if (c->state == IP_VS_STATE_BACKUP) {
		mtu = clamp(dev->mtu, 1500U, 65535U);
		c->maxlen = c->maxlen ? clamp_t(unsigned int, c->maxlen, 1024,
						65535 - hlen) : mtu - hlen;
	} else {
		c->maxlen = c->maxlen ? clamp_t(unsigned int, c->maxlen, 1,
						65535 - hlen) : 1500 - hlen;
	}
}

int kvs_sync_start(struct net *net, struct kvs_sync_conf *c)
{
	struct kvs_sync_net *sn = sync_net(net);
	bool master = c->state == IP_VS_STATE_MASTER;
	struct net_device *dev;
	struct sync_daemon *d;
	unsigned int i, n;
	int err;

	mutex_lock(&sn->mutex);
	dev = dev_get_by_name(net, c->ifname);
	if (!dev) {
		err = -ENODEV;
		goto out;
	}
	/* A state neither master nor backup: -EINVAL, running or not. */
	err = -EINVAL;
	if (!master && c->state != IP_VS_STATE_BACKUP)
		goto out_dev;
	err = -EEXIST;
	if (master ? rcu_access_pointer(sn->master) : sn->backup)
		goto out_dev;
	conf_defaults(c, dev);
	if (!rcu_access_pointer(sn->master) && !sn->backup)
		sn->threads = clamp(READ_ONCE(kvs_net(net)->sysctl.sync_ports),
				    1, KVS_SYNC_PORTS_MAX);
	n = sn->threads;

	err = -ENOMEM;
	d = kzalloc(struct_size(d, t, n), GFP_KERNEL);
	if (!d)
		goto out_dev;
	d->conf = *c;
	d->n = n;
	for (i = 0; i < n; i++) {
		struct sync_thread *t = &d->t[i];

		t->sn = sn;
		t->d = d;
		INIT_LIST_HEAD(&t->queue);
		err = sock_create_kern(net, c->af, SOCK_DGRAM, IPPROTO_UDP,
				       &t->sock);
		if (err) {
			t->sock = NULL;
			goto err_daemon;
		}
		if (master) {
			err = master_sock(net, c, dev, i, t->sock);
		} else {
			err = -ENOMEM;
			t->buf = kmalloc(c->maxlen, GFP_KERNEL);
			if (t->buf)
				err = backup_sock(net, c, dev, i, t->sock);
		}
		if (err)
			goto err_daemon;
	}
	for (i = 0; i < n; i++) {
		struct task_struct *task;

		task = kthread_run(master ? master_thread : backup_thread,
				   &d->t[i], master ? "kvs-m:%u" : "kvs-b:%u",
				   i);
		if (IS_ERR(task)) {
			err = PTR_ERR(task);
			goto err_daemon;
		}
		d->t[i].task = task;
	}
	if (master) {
		rcu_assign_pointer(sn->master, d);
		static_branch_inc(&kvs_sync_master_key);
	} else {
		WRITE_ONCE(sn->backup, d);
		static_branch_inc(&kvs_sync_backup_key);
	}
	pr_info("sync daemon started: %s, interface %s, syncid %u, %u thread%s\n",
		master ? "master" : "backup", c->ifname, c->syncid, n,
		n > 1 ? "s" : "");
	err = 0;
	goto out_dev;

err_daemon:
	daemon_free(d);
out_dev:
	dev_put(dev);
out:
	mutex_unlock(&sn->mutex);
	return err;
}

static void sync_stop_locked(struct kvs_sync_net *sn, u32 state)
{
	struct sync_daemon *d;

	if (state == IP_VS_STATE_MASTER) {
		d = rcu_dereference_protected(sn->master,
					      lockdep_is_held(&sn->mutex));
		RCU_INIT_POINTER(sn->master, NULL);
		static_branch_dec(&kvs_sync_master_key);
		/* No data path CPU is adding to its messages any more. */
		synchronize_rcu();
	} else {
		d = sn->backup;
		WRITE_ONCE(sn->backup, NULL);
		static_branch_dec(&kvs_sync_backup_key);
	}
	daemon_free(d);
}

int kvs_sync_stop(struct net *net, u32 state)
{
	struct kvs_sync_net *sn = sync_net(net);
	int err = 0;

	if (state != IP_VS_STATE_MASTER && state != IP_VS_STATE_BACKUP)
		return -EINVAL;
	mutex_lock(&sn->mutex);
	if (state == IP_VS_STATE_MASTER ? !rcu_access_pointer(sn->master) :
					  !sn->backup)
		err = -ESRCH;
	else
		sync_stop_locked(sn, state);
	mutex_unlock(&sn->mutex);
	return err;
}

bool kvs_sync_get(struct net *net, u32 state, struct kvs_sync_conf *c)
{
	struct kvs_sync_net *sn = sync_net(net);
	struct sync_daemon *d;

	mutex_lock(&sn->mutex);
	d = state == IP_VS_STATE_MASTER ?
	    rcu_dereference_protected(sn->master, lockdep_is_held(&sn->mutex)) :
	    sn->backup;
	if (d)
		*c = d->conf;
	mutex_unlock(&sn->mutex);
	return d;
}

/* ---- per namespace ---- */

static int sync_stats_show(struct seq_file *seq, void *v)
{
	struct kvs_sync_net *sn = sync_net(seq_file_single_net(seq));
	int i;

	for (i = 0; i < SYNC_COUNTERS; i++)
		seq_printf(seq, "%s %lu\n", counter_names[i],
			   atomic_long_read(&sn->count[i]));
	for (i = 0; i < KVS_SYNC_DROP_MAX; i++)
		seq_printf(seq, "%s %lu\n", drop_names[i],
			   atomic_long_read(&sn->drops[i]));
	return 0;
}

static int __net_init sync_net_init(struct net *net)
{
	struct kvs_sync_net *sn = sync_net(net);

	sn->net = net;
	mutex_init(&sn->mutex);
	spin_lock_init(&sn->lock);
	if (!proc_create_net_single("kvs_sync", 0444, net->proc_net,
				    sync_stats_show, NULL))
		return -ENOMEM;
	return 0;
}

static void __net_exit sync_net_exit(struct net *net)
{
	struct kvs_sync_net *sn = sync_net(net);

	mutex_lock(&sn->mutex);
	if (rcu_access_pointer(sn->master))
		sync_stop_locked(sn, IP_VS_STATE_MASTER);
	if (sn->backup)
		sync_stop_locked(sn, IP_VS_STATE_BACKUP);
	mutex_unlock(&sn->mutex);
	remove_proc_entry("kvs_sync", net->proc_net);
}

static struct pernet_operations sync_net_ops = {
	.init	= sync_net_init,
	.exit	= sync_net_exit,
	.id	= &sync_net_id,
	.size	= sizeof(struct kvs_sync_net),
};

int kvs_sync_init(void)
{
	return register_pernet_subsys(&sync_net_ops);
}

void kvs_sync_exit(void)
{
	unregister_pernet_subsys(&sync_net_ops);
}
