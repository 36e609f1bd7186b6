// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the connection table (core/conn.c) on a table of its
 * own, outside any namespace: insertion and lookup in both directions,
 * clashes, expiry by lookup and by gc, ActiveConn/InActConn accounting,
 * dest thresholds, and a table large enough to be resized.  The dests
 * and their service are fakes holding only what the table touches; the
 * last kvs_dest_put() frees them as it would a removed real server.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "../core/kunit_seams.h"
#include "../core/packet.h"
#include "../core/service.h"

/* Bit 0 of kvs_conn.dead, as documented in kvs.h. */
#define CONN_DEAD_BIT	0

#define CONN_MAX_DESTS	4
#define CONN_TIMEOUT	(60 * HZ)
#define VIP		0xc0000201	/* 192.0.2.1 */
#define VIP2		0xc0000202	/* 192.0.2.2 */
#define VPORT		80
#define DADDR		0xc633640a	/* 198.51.100.10 */
#define DPORT		8080
#define CADDR		0x0a000000	/* 10.0.0.0 + client index */
#define CPORT		40000

struct conn_ctx {
	struct kvs_conn_table tbl;
	bool tbl_live;
	struct kvs_service *svc;
	struct kvs_dest *dest[CONN_MAX_DESTS];
	unsigned int ndest;
};

/* A dest of a fake service; the test holds the dest set's reference. */
static struct kvs_dest *conn_dest(struct kunit *test, u32 fwd, u32 upper,
				  u32 lower)
{
	struct conn_ctx *ctx = test->priv;
	struct kvs_dest *d;

	KUNIT_ASSERT_LT(test, ctx->ndest, CONN_MAX_DESTS);
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	d->svc = ctx->svc;
	d->af = AF_INET;
	d->addr.ip = htonl(DADDR + ctx->ndest);
	d->port = htons(DPORT);
	d->conn_flags = fwd;
	d->weight = 1;
	d->u_threshold = upper;
	d->l_threshold = lower;
	refcount_set(&d->refcnt, 1);
	/* The service is freed with its last dest, from dest_free_rcu(). */
	if (!ctx->ndest)
		refcount_set(&ctx->svc->refcnt, 1);
	else
		refcount_inc(&ctx->svc->refcnt);
	ctx->dest[ctx->ndest++] = d;
	return d;
}

static void client_iph(struct kvs_iph *iph, unsigned int c, bool vip2)
{
	memset(iph, 0, sizeof(*iph));
	iph->af = AF_INET;
	iph->protocol = IPPROTO_TCP;
	iph->saddr.ip = htonl(CADDR + c);
	iph->daddr.ip = htonl(vip2 ? VIP2 : VIP);
	iph->sport = htons(CPORT + c % 20000);
	iph->dport = htons(VPORT);
}

static void orig_tuple(struct kvs_tuple *t, unsigned int c, bool vip2)
{
	struct kvs_iph iph;

	client_iph(&iph, c, vip2);
	memset(t, 0, sizeof(*t));
	t->af = AF_INET;
	t->protocol = IPPROTO_TCP;
	t->src = iph.saddr;
	t->dst = iph.daddr;
	t->sport = iph.sport;
	t->dport = iph.dport;
}

/* What the real server's answer looks like on the wire. */
static void reply_tuple(struct kvs_tuple *t, const struct kvs_dest *d,
			unsigned int c)
{
	struct kvs_iph iph;

	client_iph(&iph, c, false);
	memset(t, 0, sizeof(*t));
	t->af = AF_INET;
	t->protocol = IPPROTO_TCP;
	t->src = d->addr;
	t->sport = d->port;
	t->dst = iph.saddr;
	t->dport = iph.sport;
}

static int conn_add(struct conn_ctx *ctx, struct kvs_dest *d, unsigned int c,
		    bool vip2, unsigned long timeout)
{
	struct kvs_conn *cp;
	struct kvs_iph iph;

	client_iph(&iph, c, vip2);
	rcu_read_lock();
	cp = kvs_conn_new(&ctx->tbl, &iph, d, &kvs_proto_tcp, timeout);
	rcu_read_unlock();
	return PTR_ERR_OR_ZERO(cp);
}

/* Unlink client @c's connection now; false if it was not there. */
static bool conn_kill(struct conn_ctx *ctx, unsigned int c)
{
	struct kvs_tuple t;
	struct kvs_conn *cp;
	enum kvs_dir dir;

	orig_tuple(&t, c, false);
	rcu_read_lock();
	cp = kvs_conn_lookup(&ctx->tbl, &t, &dir);
	if (cp)
		kvs_conn_expire_now(&ctx->tbl, cp);
	rcu_read_unlock();
	return cp;
}

static int conn_test_init(struct kunit *test)
{
	struct conn_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->svc = kzalloc(sizeof(*ctx->svc), GFP_KERNEL);
	if (!ctx->svc)
		return -ENOMEM;
	test->priv = ctx;
	if (kvs_conn_table_init(&ctx->tbl))
		return -ENOMEM;
	ctx->tbl_live = true;
	/*
	 * Only the test decides when gc runs: inserts queue the work, after
	 * an interval made too long to come.
	 */
	ctx->tbl.gc_interval = MAX_JIFFY_OFFSET;
	cancel_delayed_work_sync(&ctx->tbl.gc);
	return 0;
}

static void conn_test_exit(struct kunit *test)
{
	struct conn_ctx *ctx = test->priv;
	unsigned int i;

	if (!ctx)
		return;
	if (ctx->tbl_live)
		kvs_conn_table_destroy(&ctx->tbl);
	for (i = 0; i < ctx->ndest; i++) {
		/* Only the set's reference is left once the table is gone. */
		KUNIT_EXPECT_EQ(test, refcount_read(&ctx->dest[i]->refcnt), 1);
		kvs_dest_put(ctx->dest[i]);
	}
	if (!ctx->ndest)
		kfree(ctx->svc);
	/* dest_free_rcu() queues the service's own callback: wait twice. */
	rcu_barrier();
	rcu_barrier();
}

/* ---- scripted sequences ---- */

enum conn_op {
	OP_END,
	OP_NEW,		/* kvs_conn_new() for client c: expect err */
	OP_NEW_NOW,	/* the same with a timeout of 0 */
	OP_NEW_VIP2,	/* same client and dest, other VIP: reply clash */
	OP_FIND,	/* both tuples found, each with its direction */
	OP_FIND_ORIG,	/* original found, reply not hashed */
	OP_MISS,	/* neither tuple found */
	OP_MISS_VIP2,	/* the other VIP's original tuple not found */
	OP_AGE,		/* expiry moved into the past */
	OP_KILL,	/* kvs_conn_expire_now() twice, then set active */
	OP_DEAD,	/* dead bit set by hand: both lookups miss */
	OP_ACTIVE,
	OP_INACTIVE,
	OP_GC,
	OP_GC_ALL,
	OP_DYING,	/* table shutting down: no new connections */
};

/* One step and the table's and dest's counters after it. */
struct conn_step {
	enum conn_op op;
	unsigned int c;
	int err;
	int count;
	int active;
	int inact;
};

struct conn_case {
	const char *desc;
	u32 fwd;
	struct conn_step steps[16];
};

#define MASQ	IP_VS_CONN_F_MASQ
#define DR	IP_VS_CONN_F_DROUTE

static const struct conn_case conn_cases[] = {
	{
		.desc = "insert, both directions found, expire_now, gone",
		.fwd = MASQ,
		.steps = {
			{ OP_NEW, 0, 0, 1, 0, 1 },
			{ OP_FIND, 0, 0, 1, 0, 1 },
			{ OP_MISS, 1, 0, 1, 0, 1 },
			{ OP_KILL, 0, 0, 0, 0, 0 },
			{ OP_MISS, 0, 0, 0, 0, 0 },
		},
	},
	{
		.desc = "duplicate insert is -EEXIST and changes nothing",
		.fwd = MASQ,
		.steps = {
			{ OP_NEW, 0, 0, 1, 0, 1 },
			{ OP_NEW, 0, -EEXIST, 1, 0, 1 },
			{ OP_FIND, 0, 0, 1, 0, 1 },
			{ OP_NEW, 1, 0, 2, 0, 2 },
			{ OP_FIND, 1, 0, 2, 0, 2 },
		},
	},
	{
		.desc = "reply tuple held by a live conn unhashes the original again",
		.fwd = MASQ,
		.steps = {
			{ OP_NEW, 0, 0, 1, 0, 1 },
			{ OP_NEW_VIP2, 0, -EADDRINUSE, 1, 0, 1 },
			{ OP_MISS_VIP2, 0, 0, 1, 0, 1 },
			{ OP_FIND, 0, 0, 1, 0, 1 },
		},
	},
	{
		.desc = "an expired holder of the reply tuple gives way",
		.fwd = MASQ,
		.steps = {
			{ OP_NEW, 0, 0, 1, 0, 1 },
			{ OP_AGE, 0, 0, 1, 0, 1 },
			/* One left: the old holder went, the new one came. */
			{ OP_NEW_VIP2, 0, 0, 1, 0, 1 },
		},
	},
	{
		.desc = "direct routing hashes the original tuple only",
		.fwd = DR,
		.steps = {
			{ OP_NEW, 0, 0, 1, 0, 1 },
			{ OP_FIND_ORIG, 0, 0, 1, 0, 1 },
			{ OP_NEW, 0, -EEXIST, 1, 0, 1 },
			{ OP_GC_ALL, 0, 0, 0, 0, 0 },
			{ OP_MISS, 0, 0, 0, 0, 0 },
		},
	},
	{
		.desc = "lookup reaps an expired connection",
		.fwd = MASQ,
		.steps = {
			{ OP_NEW, 0, 0, 1, 0, 1 },
			{ OP_NEW, 1, 0, 2, 0, 2 },
			{ OP_AGE, 0, 0, 2, 0, 2 },
			{ OP_MISS, 0, 0, 1, 0, 1 },
			{ OP_FIND, 1, 0, 1, 0, 1 },
		},
	},
	{
		.desc = "lookup by the reply tuple reaps too",
		.fwd = MASQ,
		.steps = {
			{ OP_NEW, 0, 0, 1, 0, 1 },
			{ OP_ACTIVE, 0, 0, 1, 1, 0 },
			{ OP_AGE, 0, 0, 1, 1, 0 },
			{ OP_MISS, 0, 0, 0, 0, 0 },
		},
	},
	{
		.desc = "a zero timeout is expired at once",
		.fwd = MASQ,
		.steps = {
			{ OP_NEW_NOW, 0, 0, 1, 0, 1 },
			{ OP_MISS, 0, 0, 0, 0, 0 },
		},
	},
	{
		.desc = "expired but not reaped still clashes, reaped does not",
		.fwd = MASQ,
		.steps = {
			{ OP_NEW, 0, 0, 1, 0, 1 },
			{ OP_AGE, 0, 0, 1, 0, 1 },
			{ OP_NEW, 0, -EEXIST, 1, 0, 1 },
			{ OP_MISS, 0, 0, 0, 0, 0 },
			{ OP_NEW, 0, 0, 1, 0, 1 },
			{ OP_FIND, 0, 0, 1, 0, 1 },
		},
	},
	{
		.desc = "gc reaps exactly the expired ones",
		.fwd = MASQ,
		.steps = {
			{ OP_NEW, 0, 0, 1, 0, 1 },
			{ OP_NEW, 1, 0, 2, 0, 2 },
			{ OP_NEW, 2, 0, 3, 0, 3 },
			{ OP_ACTIVE, 2, 0, 3, 1, 2 },
			{ OP_AGE, 1, 0, 3, 1, 2 },
			{ OP_AGE, 2, 0, 3, 1, 2 },
			{ OP_GC, 0, 0, 1, 0, 1 },
			{ OP_FIND, 0, 0, 1, 0, 1 },
			{ OP_MISS, 1, 0, 1, 0, 1 },
			{ OP_MISS, 2, 0, 1, 0, 1 },
		},
	},
	{
		.desc = "gc with all empties the table",
		.fwd = MASQ,
		.steps = {
			{ OP_NEW, 0, 0, 1, 0, 1 },
			{ OP_NEW, 1, 0, 2, 0, 2 },
			{ OP_NEW, 2, 0, 3, 0, 3 },
			{ OP_ACTIVE, 1, 0, 3, 1, 2 },
			{ OP_GC_ALL, 0, 0, 0, 0, 0 },
			{ OP_MISS, 0, 0, 0, 0, 0 },
			{ OP_MISS, 1, 0, 0, 0, 0 },
			{ OP_NEW, 1, 0, 1, 0, 1 },
			{ OP_FIND, 1, 0, 1, 0, 1 },
		},
	},
	{
		.desc = "an entry with the dead bit set is not found",
		.fwd = MASQ,
		.steps = {
			{ OP_NEW, 0, 0, 1, 0, 1 },
			{ OP_DEAD, 0, 0, 1, 0, 1 },
			{ OP_FIND, 0, 0, 1, 0, 1 },
			{ OP_KILL, 0, 0, 0, 0, 0 },
		},
	},
	{
		.desc = "set_active moves counters once each way",
		.fwd = MASQ,
		.steps = {
			{ OP_NEW, 0, 0, 1, 0, 1 },
			{ OP_NEW, 1, 0, 2, 0, 2 },
			{ OP_ACTIVE, 0, 0, 2, 1, 1 },
			{ OP_ACTIVE, 0, 0, 2, 1, 1 },
			{ OP_INACTIVE, 0, 0, 2, 0, 2 },
			{ OP_INACTIVE, 0, 0, 2, 0, 2 },
			{ OP_ACTIVE, 1, 0, 2, 1, 1 },
			{ OP_KILL, 1, 0, 1, 0, 1 },
			{ OP_ACTIVE, 0, 0, 1, 1, 0 },
			{ OP_AGE, 0, 0, 1, 1, 0 },
			{ OP_GC, 0, 0, 0, 0, 0 },
		},
	},
	{
		.desc = "a dying table refuses new connections",
		.fwd = MASQ,
		.steps = {
			{ OP_NEW, 0, 0, 1, 0, 1 },
			{ OP_DYING, 0, 0, 1, 0, 1 },
			{ OP_NEW, 1, -ESHUTDOWN, 1, 0, 1 },
			{ OP_FIND, 0, 0, 1, 0, 1 },
		},
	},
};

static void conn_case_desc(const struct conn_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(conn_script, conn_cases, conn_case_desc);

static void expect_found(struct kunit *test, struct conn_ctx *ctx,
			 const struct kvs_tuple *t, enum kvs_dir want,
			 unsigned int step)
{
	enum kvs_dir dir = KVS_DIR_MAX;
	struct kvs_conn *cp;

	rcu_read_lock();
	cp = kvs_conn_lookup(&ctx->tbl, t, &dir);
	KUNIT_EXPECT_NOT_NULL_MSG(test, cp, "step %u", step);
	KUNIT_EXPECT_EQ_MSG(test, dir, want, "step %u", step);
	if (cp)
		KUNIT_EXPECT_EQ_MSG(test, cp->tuple[want].dir, want,
				    "step %u", step);
	rcu_read_unlock();
}

static void expect_missing(struct kunit *test, struct conn_ctx *ctx,
			   const struct kvs_tuple *t, unsigned int step)
{
	enum kvs_dir dir;

	rcu_read_lock();
	KUNIT_EXPECT_NULL_MSG(test, kvs_conn_lookup(&ctx->tbl, t, &dir),
			      "step %u", step);
	rcu_read_unlock();
}

static void set_active(struct kunit *test, struct conn_ctx *ctx,
		       unsigned int c, bool active, unsigned int step)
{
	struct kvs_tuple t;
	struct kvs_conn *cp;
	enum kvs_dir dir;

	orig_tuple(&t, c, false);
	rcu_read_lock();
	cp = kvs_conn_lookup(&ctx->tbl, &t, &dir);
	KUNIT_EXPECT_NOT_NULL_MSG(test, cp, "step %u", step);
	if (cp) {
		spin_lock_bh(&cp->lock);
		kvs_conn_set_active(cp, active);
		KUNIT_EXPECT_EQ_MSG(test, !(cp->flags & IP_VS_CONN_F_INACTIVE),
				    active, "step %u", step);
		spin_unlock_bh(&cp->lock);
	}
	rcu_read_unlock();
}

static void conn_run_step(struct kunit *test, struct conn_ctx *ctx,
			  struct kvs_dest *d, const struct conn_step *s,
			  unsigned int i)
{
	struct kvs_tuple orig, reply;
	struct kvs_conn *cp;
	enum kvs_dir dir;

	orig_tuple(&orig, s->c, false);
	reply_tuple(&reply, d, s->c);

	switch (s->op) {
	case OP_NEW:
	case OP_NEW_NOW:
	case OP_NEW_VIP2:
		KUNIT_EXPECT_EQ_MSG(test, conn_add(ctx, d, s->c,
						   s->op == OP_NEW_VIP2,
						   s->op == OP_NEW_NOW ?
						   0 : CONN_TIMEOUT),
				    s->err, "step %u", i);
		break;
	case OP_FIND:
		expect_found(test, ctx, &orig, KVS_DIR_ORIG, i);
		expect_found(test, ctx, &reply, KVS_DIR_REPLY, i);
		break;
	case OP_FIND_ORIG:
		expect_found(test, ctx, &orig, KVS_DIR_ORIG, i);
		expect_missing(test, ctx, &reply, i);
		break;
	case OP_MISS:
		/* The reply first: a reaping original lookup hides bugs. */
		expect_missing(test, ctx, &reply, i);
		expect_missing(test, ctx, &orig, i);
		break;
	case OP_MISS_VIP2:
		orig_tuple(&orig, s->c, true);
		expect_missing(test, ctx, &orig, i);
		break;
	case OP_AGE:
		rcu_read_lock();
		cp = kvs_conn_lookup(&ctx->tbl, &orig, &dir);
		KUNIT_EXPECT_NOT_NULL_MSG(test, cp, "step %u", i);
		if (cp)
			WRITE_ONCE(cp->expires, jiffies - 1);
		rcu_read_unlock();
		break;
	case OP_KILL:
		rcu_read_lock();
		cp = kvs_conn_lookup(&ctx->tbl, &orig, &dir);
		KUNIT_EXPECT_NOT_NULL_MSG(test, cp, "step %u", i);
		if (cp) {
			kvs_conn_expire_now(&ctx->tbl, cp);
			/* Neither may touch the counters a second time. */
			kvs_conn_expire_now(&ctx->tbl, cp);
			spin_lock_bh(&cp->lock);
			kvs_conn_set_active(cp,
					    cp->flags & IP_VS_CONN_F_INACTIVE);
			spin_unlock_bh(&cp->lock);
		}
		rcu_read_unlock();
		break;
	case OP_DEAD:
		rcu_read_lock();
		cp = kvs_conn_lookup(&ctx->tbl, &orig, &dir);
		KUNIT_EXPECT_NOT_NULL_MSG(test, cp, "step %u", i);
		if (cp) {
			/* What another CPU's conn_unlink() does first. */
			set_bit(CONN_DEAD_BIT, &cp->dead);
			KUNIT_EXPECT_NULL_MSG(test,
					      kvs_conn_lookup(&ctx->tbl, &orig,
							      &dir),
					      "step %u", i);
			KUNIT_EXPECT_NULL_MSG(test,
					      kvs_conn_lookup(&ctx->tbl, &reply,
							      &dir),
					      "step %u", i);
			clear_bit(CONN_DEAD_BIT, &cp->dead);
		}
		rcu_read_unlock();
		break;
	case OP_ACTIVE:
	case OP_INACTIVE:
		set_active(test, ctx, s->c, s->op == OP_ACTIVE, i);
		break;
	case OP_GC:
	case OP_GC_ALL:
		kvs_conn_gc(&ctx->tbl, s->op == OP_GC_ALL);
		break;
	case OP_DYING:
		WRITE_ONCE(ctx->tbl.dying, true);
		break;
	case OP_END:
		break;
	}
}

static void conn_script_test(struct kunit *test)
{
	const struct conn_case *c = test->param_value;
	struct conn_ctx *ctx = test->priv;
	const struct conn_step *s;
	struct kvs_dest *d;
	unsigned int i;

	d = conn_dest(test, c->fwd, 0, 0);
	for (i = 0; i < ARRAY_SIZE(c->steps) && c->steps[i].op != OP_END;
	     i++) {
		s = &c->steps[i];
		conn_run_step(test, ctx, d, s, i);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ctx->tbl.count),
				    s->count, "step %u", i);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&d->activeconns),
				    s->active, "step %u", i);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&d->inactconns),
				    s->inact, "step %u", i);
		/* One reference per connection plus the dest set's. */
		KUNIT_EXPECT_EQ_MSG(test, refcount_read(&d->refcnt),
				    s->count + 1, "step %u", i);
	}
}

/* ---- thresholds ---- */

struct thresh_step {
	int delta;		/* connections added (> 0) or removed */
	bool overload;		/* KVS_DEST_OVERLOAD afterwards */
};

struct thresh_case {
	const char *desc;
	u32 upper;
	u32 lower;
	struct thresh_step steps[8];
};

static const struct thresh_case thresh_cases[] = {
	{
		.desc = "u=4 l=2: set at 4, cleared under 2",
		.upper = 4, .lower = 2,
		.steps = { { 3, false }, { 1, true }, { -1, true },
			   { -1, true }, { -1, false }, { 2, false },
			   { 1, true } },
	},
	{
		.desc = "u=4 l=0: cleared under 3/4 of u",
		.upper = 4,
		.steps = { { 4, true }, { -1, true }, { -1, false },
			   { 1, false }, { 1, true } },
	},
	{
		.desc = "u=10 l=0: 8 keeps it, 7 clears it",
		.upper = 10,
		.steps = { { 9, false }, { 1, true }, { 1, true },
			   { -3, true }, { -1, false } },
	},
	{
		.desc = "u=1 l=0: every connection overloads",
		.upper = 1,
		.steps = { { 1, true }, { -1, false }, { 1, true },
			   { 1, true }, { -1, true }, { -1, false } },
	},
	{
		.desc = "l above u: cleared by the first removal",
		.upper = 3, .lower = 5,
		.steps = { { 3, true }, { -1, false } },
	},
	{
		.desc = "no thresholds: never overloaded",
		.steps = { { 12, false }, { -12, false } },
	},
};

static void thresh_case_desc(const struct thresh_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(conn_thresh, thresh_cases, thresh_case_desc);

static void conn_thresh_test(struct kunit *test)
{
	const struct thresh_case *c = test->param_value;
	struct conn_ctx *ctx = test->priv;
	unsigned int i, live = 0;
	struct kvs_dest *d;
	int k;

	d = conn_dest(test, MASQ, c->upper, c->lower);
	for (i = 0; i < ARRAY_SIZE(c->steps) && c->steps[i].delta; i++) {
		const struct thresh_step *s = &c->steps[i];

		for (k = 0; k < s->delta; k++)
			KUNIT_ASSERT_EQ(test, conn_add(ctx, d, live++, false,
						       CONN_TIMEOUT), 0);
		for (k = 0; k > s->delta; k--)
			KUNIT_ASSERT_TRUE(test, conn_kill(ctx, --live));
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&d->inactconns), live,
				    "step %u", i);
		KUNIT_EXPECT_EQ_MSG(test,
				    test_bit(KVS_DEST_OVERLOAD, &d->flags),
				    s->overload, "step %u", i);
		KUNIT_EXPECT_EQ_MSG(test, kvs_dest_usable(d), !s->overload,
				    "step %u", i);
	}
}

/* Active connections count toward the thresholds as well. */
static void conn_thresh_active_test(struct kunit *test)
{
	struct conn_ctx *ctx = test->priv;
	struct kvs_dest *d;
	unsigned int c;

	d = conn_dest(test, MASQ, 2, 0);
	KUNIT_ASSERT_EQ(test, conn_add(ctx, d, 0, false, CONN_TIMEOUT), 0);
	set_active(test, ctx, 0, true, 0);
	KUNIT_EXPECT_FALSE(test, test_bit(KVS_DEST_OVERLOAD, &d->flags));
	KUNIT_ASSERT_EQ(test, conn_add(ctx, d, 1, false, CONN_TIMEOUT), 0);
	KUNIT_EXPECT_TRUE(test, test_bit(KVS_DEST_OVERLOAD, &d->flags));
	/* 1 * 4 < 2 * 3: removing the active one clears it. */
	KUNIT_EXPECT_TRUE(test, conn_kill(ctx, 0));
	KUNIT_EXPECT_FALSE(test, test_bit(KVS_DEST_OVERLOAD, &d->flags));
	for (c = 0; c < 2; c++)
		conn_kill(ctx, c);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->activeconns), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->inactconns), 0);
}

/* ---- timeouts ---- */

struct timeout_case {
	const char *desc;
	long step;		/* jiffies added to the current timeout */
	bool written;
};

/* The slack (HZ / 8) keeps small forward steps from dirtying the line. */
static const struct timeout_case timeout_cases[] = {
	{ "same timeout again: not written", 0, false },
	{ "forward within the slack: not written", HZ / 16, false },
	{ "forward past the slack: written", HZ, true },
	{ "backward by a little: written", -HZ / 4, true },
	{ "backward to almost nothing: written", -(CONN_TIMEOUT - 1), true },
};

static void timeout_case_desc(const struct timeout_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(conn_timeout, timeout_cases, timeout_case_desc);

static void conn_timeout_test(struct kunit *test)
{
	const struct timeout_case *c = test->param_value;
	struct conn_ctx *ctx = test->priv;
	unsigned long before, j0, j1, timeout;
	struct kvs_dest *d;
	struct kvs_conn *cp;
	struct kvs_tuple t;
	enum kvs_dir dir;

	d = conn_dest(test, MASQ, 0, 0);
	KUNIT_ASSERT_EQ(test, conn_add(ctx, d, 0, false, CONN_TIMEOUT), 0);
	orig_tuple(&t, 0, false);
	timeout = CONN_TIMEOUT + c->step;

	rcu_read_lock();
	cp = kvs_conn_lookup(&ctx->tbl, &t, &dir);
	KUNIT_EXPECT_NOT_NULL(test, cp);
	if (cp) {
		before = READ_ONCE(cp->expires);
		j0 = jiffies;
		kvs_conn_set_timeout(cp, timeout);
		j1 = jiffies;
		if (c->written) {
			KUNIT_EXPECT_TRUE(test, time_in_range(cp->expires,
							      j0 + timeout,
							      j1 + timeout));
		} else {
			KUNIT_EXPECT_EQ(test, cp->expires, before);
		}
	}
	rcu_read_unlock();
}

/* ---- scale and the gc worker ---- */

#define CONN_MANY	20000

static unsigned int table_size(struct kvs_conn_table *tbl)
{
	unsigned int size;

	rcu_read_lock();
	size = rcu_dereference(tbl->ht.tbl)->size;
	rcu_read_unlock();
	return size;
}

static void conn_fill(struct kunit *test, struct kvs_dest *d)
{
	unsigned int c;

	for (c = 0; c < CONN_MANY; c++) {
		int err = conn_add(test->priv, d, c, false, CONN_TIMEOUT);

		KUNIT_ASSERT_EQ_MSG(test, err, 0, "connection %u", c);
		if (c % 1024 == 0)
			cond_resched();
	}
}

/* Enough connections to resize the table several times; all found. */
static void conn_many_test(struct kunit *test)
{
	struct conn_ctx *ctx = test->priv;
	unsigned int c, size0, found = 0, replies = 0;
	struct kvs_tuple t;
	struct kvs_dest *d;
	enum kvs_dir dir;

	d = conn_dest(test, MASQ, 0, 0);
	size0 = table_size(&ctx->tbl);
	conn_fill(test, d);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->tbl.count), CONN_MANY);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->tbl.ht.nelems), 2 * CONN_MANY);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->inactconns), CONN_MANY);
	KUNIT_EXPECT_EQ(test, refcount_read(&d->refcnt), CONN_MANY + 1);

	/* Let the deferred resize finish, then check it happened. */
	flush_work(&ctx->tbl.ht.run_work);
	KUNIT_EXPECT_GT(test, table_size(&ctx->tbl), size0);

	for (c = 0; c < CONN_MANY; c++) {
		rcu_read_lock();
		orig_tuple(&t, c, false);
		if (kvs_conn_lookup(&ctx->tbl, &t, &dir) &&
		    dir == KVS_DIR_ORIG)
			found++;
		reply_tuple(&t, d, c);
		if (kvs_conn_lookup(&ctx->tbl, &t, &dir) &&
		    dir == KVS_DIR_REPLY)
			replies++;
		rcu_read_unlock();
	}
	KUNIT_EXPECT_EQ(test, found, CONN_MANY);
	KUNIT_EXPECT_EQ(test, replies, CONN_MANY);
	orig_tuple(&t, CONN_MANY, false);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, kvs_conn_lookup(&ctx->tbl, &t, &dir));
	rcu_read_unlock();

	/* Age every third one: gc must take exactly those. */
	for (c = 0; c < CONN_MANY; c += 3) {
		struct kvs_conn *cp;

		orig_tuple(&t, c, false);
		rcu_read_lock();
		cp = kvs_conn_lookup(&ctx->tbl, &t, &dir);
		if (cp)
			WRITE_ONCE(cp->expires, jiffies - 1);
		rcu_read_unlock();
	}
	/* One pass takes every entry expired when it began. */
	kvs_conn_gc(&ctx->tbl, false);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->tbl.count),
			CONN_MANY - DIV_ROUND_UP(CONN_MANY, 3));

	/* One pass with @all must leave nothing, as at namespace exit. */
	kvs_conn_gc(&ctx->tbl, true);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->tbl.count), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->tbl.ht.nelems), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->inactconns), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->activeconns), 0);
	KUNIT_EXPECT_EQ(test, refcount_read(&d->refcnt), 1);
}

/*
 * Emptying a full table in one call, as at namespace exit: a single walk
 * that unlinks as it goes and yields now and then used to leave some
 * behind, so try it a few times over.
 */
static void conn_flush_test(struct kunit *test)
{
	struct conn_ctx *ctx = test->priv;
	struct kvs_dest *d;
	unsigned int round;

	d = conn_dest(test, MASQ, 0, 0);
	for (round = 0; round < 4; round++) {
		conn_fill(test, d);
		KUNIT_ASSERT_EQ(test, atomic_read(&ctx->tbl.count), CONN_MANY);
		kvs_conn_gc(&ctx->tbl, true);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ctx->tbl.count), 0,
				    "round %u", round);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ctx->tbl.ht.nelems), 0,
				    "round %u", round);
		KUNIT_EXPECT_EQ_MSG(test, refcount_read(&d->refcnt), 1,
				    "round %u", round);
		/* Next round starts clean even if this one failed. */
		kvs_conn_gc(&ctx->tbl, true);
		kvs_conn_gc(&ctx->tbl, true);
	}
}

/* The periodic work reaps what expired and re-arms itself. */
static void conn_gc_work_test(struct kunit *test)
{
	struct conn_ctx *ctx = test->priv;
	struct kvs_dest *d;
	unsigned int c;

	d = conn_dest(test, MASQ, 0, 0);
	for (c = 0; c < 8; c++)
		KUNIT_ASSERT_EQ(test, conn_add(ctx, d, c, false,
					       c < 5 ? 0 : CONN_TIMEOUT), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->tbl.count), 8);

	mod_delayed_work(system_power_efficient_wq, &ctx->tbl.gc, 0);
	flush_delayed_work(&ctx->tbl.gc);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->tbl.count), 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->inactconns), 3);
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(&ctx->tbl.gc));

	/* Teardown stops it for good and empties the table. */
	kvs_conn_table_destroy(&ctx->tbl);
	ctx->tbl_live = false;
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(&ctx->tbl.gc));
	KUNIT_EXPECT_EQ(test, atomic_read(&d->inactconns), 0);
	KUNIT_EXPECT_EQ(test, refcount_read(&d->refcnt), 1);
}

static bool pick_even_client(struct kvs_conn *cp, void *arg)
{
	unsigned int *seen = arg;

	(*seen)++;
	return !(ntohs(kvs_conn_cport(cp)) % 2);
}

/*
 * Memory defense's drop_entry: each call looks at a random 1/32 of the
 * buckets only, and unlinks just what the pick chooses, once, by the
 * original tuple; calls enough take every chosen one.
 */
static void conn_drop_random_test(struct kunit *test)
{
	struct conn_ctx *ctx = test->priv;
	unsigned int c, calls, seen = 0, found[2] = { 0, 0 };
	struct kvs_tuple t;
	struct kvs_dest *d;
	enum kvs_dir dir;

	d = conn_dest(test, MASQ, 0, 0);
	for (c = 0; c < 256; c++)
		KUNIT_ASSERT_EQ(test, conn_add(ctx, d, c, false, CONN_TIMEOUT),
				0);
	flush_work(&ctx->tbl.ht.run_work);

	kvs_conn_drop_random(&ctx->tbl, pick_even_client, &seen);
	KUNIT_EXPECT_LT(test, seen, 128U);
	KUNIT_EXPECT_GT(test, atomic_read(&ctx->tbl.count), 128);

	for (calls = 0; calls < 4000 && atomic_read(&ctx->tbl.count) > 128;
	     calls++)
		kvs_conn_drop_random(&ctx->tbl, pick_even_client, &seen);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->tbl.count), 128);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->tbl.ht.nelems), 256);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->inactconns), 128);
	for (c = 0; c < 256; c++) {
		orig_tuple(&t, c, false);
		rcu_read_lock();
		if (kvs_conn_lookup(&ctx->tbl, &t, &dir))
			found[c % 2]++;
		rcu_read_unlock();
	}
	KUNIT_EXPECT_EQ(test, found[0], 0U);
	KUNIT_EXPECT_EQ(test, found[1], 128U);
}

/* A dest whose last reference is gone takes no new connections. */
static void conn_dead_dest_test(struct kunit *test)
{
	struct conn_ctx *ctx = test->priv;
	struct kvs_dest *d;

	d = conn_dest(test, MASQ, 0, 0);
	refcount_set(&d->refcnt, 0);
	KUNIT_EXPECT_EQ(test, conn_add(ctx, d, 0, false, CONN_TIMEOUT),
			-ENOENT);
	refcount_set(&d->refcnt, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->tbl.count), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->inactconns), 0);
}

/* Connections to different dests of one client port are distinct. */
static void conn_two_dests_test(struct kunit *test)
{
	struct conn_ctx *ctx = test->priv;
	struct kvs_dest *d0, *d1;
	struct kvs_tuple t;
	struct kvs_conn *cp;
	enum kvs_dir dir;

	d0 = conn_dest(test, MASQ, 0, 0);
	d1 = conn_dest(test, MASQ, 0, 0);
	KUNIT_ASSERT_EQ(test, conn_add(ctx, d0, 0, false, CONN_TIMEOUT), 0);
	KUNIT_ASSERT_EQ(test, conn_add(ctx, d1, 0, true, CONN_TIMEOUT), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->tbl.count), 2);

	rcu_read_lock();
	reply_tuple(&t, d1, 0);
	cp = kvs_conn_lookup(&ctx->tbl, &t, &dir);
	KUNIT_EXPECT_NOT_NULL(test, cp);
	if (cp) {
		KUNIT_EXPECT_PTR_EQ(test, cp->dest, d1);
		KUNIT_EXPECT_EQ(test, dir, KVS_DIR_REPLY);
		KUNIT_EXPECT_EQ(test, ntohl(kvs_conn_vaddr(cp)->ip), VIP2);
		KUNIT_EXPECT_EQ(test, ntohl(kvs_conn_daddr(cp)->ip), DADDR + 1);
		KUNIT_EXPECT_EQ(test, ntohs(kvs_conn_cport(cp)), CPORT);
		KUNIT_EXPECT_EQ(test, ntohs(kvs_conn_dport(cp)), DPORT);
	}
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&d0->inactconns), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&d1->inactconns), 1);
}

/*
 * What another CPU may do the instant a new connection's first tuple is
 * hashed: look it up, and run gc over everything (teardown, or gc with
 * its connection expired).  Neither may see it before it is complete.
 */
static struct {
	struct kvs_tuple orig;
	bool found;
} race;

static void conn_race_other_cpu(struct kvs_conn_table *tbl,
				struct kvs_conn *cp)
{
	enum kvs_dir dir;

	race.found = kvs_conn_lookup(tbl, &race.orig, &dir);
	kvs_conn_gc(tbl, true);
}

/*
 * A connection is published only complete: a gc pass between its two
 * tuples used to unlink and free it, and the reply tuple then went into
 * the table pointing at freed memory, with the counts off by one.
 */
static void conn_publish_race_test(struct kunit *test)
{
	struct conn_ctx *ctx = test->priv;
	struct kvs_tuple t;
	struct kvs_conn *cp;
	struct kvs_dest *d;
	enum kvs_dir dir;
	int err;

	d = conn_dest(test, MASQ, 0, 0);
	orig_tuple(&race.orig, 0, false);
	race.found = false;
	kvs_seam_conn_hashed = conn_race_other_cpu;
	err = conn_add(ctx, d, 0, false, CONN_TIMEOUT);
	kvs_seam_conn_hashed = NULL;
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_FALSE(test, race.found);

	/* Whole: both tuples, counted once, holding the dest. */
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->tbl.count), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->tbl.ht.nelems), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->inactconns), 1);
	KUNIT_EXPECT_EQ(test, refcount_read(&d->refcnt), 2);
	rcu_read_lock();
	cp = kvs_conn_lookup(&ctx->tbl, &race.orig, &dir);
	KUNIT_EXPECT_NOT_NULL(test, cp);
	reply_tuple(&t, d, 0);
	KUNIT_EXPECT_PTR_EQ(test, kvs_conn_lookup(&ctx->tbl, &t, &dir), cp);
	rcu_read_unlock();

	/* And it leaves whole. */
	kvs_conn_gc(&ctx->tbl, true);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->tbl.count), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->tbl.ht.nelems), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->inactconns), 0);
	KUNIT_EXPECT_EQ(test, refcount_read(&d->refcnt), 1);
}

static struct kunit_case conn_test_cases[] = {
	KUNIT_CASE_PARAM(conn_script_test, conn_script_gen_params),
	KUNIT_CASE_PARAM(conn_thresh_test, conn_thresh_gen_params),
	KUNIT_CASE(conn_thresh_active_test),
	KUNIT_CASE_PARAM(conn_timeout_test, conn_timeout_gen_params),
	KUNIT_CASE(conn_two_dests_test),
	KUNIT_CASE(conn_dead_dest_test),
	KUNIT_CASE(conn_gc_work_test),
	KUNIT_CASE(conn_many_test),
	KUNIT_CASE(conn_flush_test),
	KUNIT_CASE(conn_drop_random_test),
	KUNIT_CASE(conn_publish_race_test),
	{}
};

static struct kunit_suite conn_test_suite = {
	.name = "kvs_conn",
	.init = conn_test_init,
	.exit = conn_test_exit,
	.test_cases = conn_test_cases,
};

kunit_test_suite(conn_test_suite);
