// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the schedulers, reached by name through the registry
 * as a service would reach them: the exact choice sequences of wrr, lc,
 * wlc, sed, nq, fo, ovf, lblc and lblcr for given weights, counters,
 * quiescent and overloaded dests; twos for a given random stream and its
 * split over 10,000 connections; and for dh and sh the hash, the bucket
 * table, stability of a key, spread over many keys and what a removed
 * or unusable dest moves.
 *
 * Every expected value below was derived by hand from the in-tree
 * scheduler of the same name in Linux 6.1.192 (net/netfilter/ipvs/),
 * walking its loop over the same dest order (newest first) with the
 * same counters; the comments give the steps.  The fake service has
 * just what a scheduler reads, and its own kvs_net so that the control
 * calls can hold the lock they assert.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "../core/plugin.h"
#include "../core/sched.h"

#define SCHED_MAX_DESTS	6
#define SCHED_MAX_STEPS	12
#define SCHED_KEYS	4096
#define DADDR		0xc633640a	/* 198.51.100.10 + dest index */
#define KEY_BASE	0x0a010000	/* 10.1.0.0 + key index */

struct sched_ctx {
	struct kvs_net kn;
	struct kvs_service svc;
	struct kvs_dest dest[SCHED_MAX_DESTS];
	struct kvs_scheduler *sched;
};

/* What a test case sets on a dest; index in the case = index in the set. */
struct fake_dest {
	int weight;
	int active;
	int inactive;
	bool overload;
};

static int sched_test_init(struct kunit *test)
{
	struct sched_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return -ENOMEM;
	mutex_init(&ctx->kn.lock);
	/* lblc and lblcr read their sysctl from the service's namespace. */
	ctx->kn.net = &init_net;
	ctx->svc.kn = &ctx->kn;
	ctx->svc.key.af = AF_INET;
	test->priv = ctx;
	return 0;
}

static void sched_test_exit(struct kunit *test)
{
	struct sched_ctx *ctx = test->priv;

	mutex_lock(&ctx->kn.lock);
	kvs_sched_unbind(&ctx->svc);
	mutex_unlock(&ctx->kn.lock);
	/* lblc and lblcr drop their dest references from RCU callbacks. */
	rcu_barrier();
	WRITE_ONCE(kvs_sched_random_hook, NULL);
}

static void set_dest(struct sched_ctx *ctx, unsigned int i,
		     const struct fake_dest *fd)
{
	struct kvs_dest *d = &ctx->dest[i];

	d->svc = &ctx->svc;
	d->af = AF_INET;
	d->addr.ip = htonl(DADDR + i);
	d->port = htons(80);
	d->weight = fd->weight;
	d->last_weight = fd->weight;
	/* The dest set's reference, which lblc and lblcr add to. */
	refcount_set(&d->refcnt, 1);
	atomic_set(&d->activeconns, fd->active);
	atomic_set(&d->inactconns, fd->inactive);
	set_bit(KVS_DEST_AVAILABLE, &d->flags);
	if (fd->overload)
		set_bit(KVS_DEST_OVERLOAD, &d->flags);
	else
		clear_bit(KVS_DEST_OVERLOAD, &d->flags);
}

/*
 * Publish a new dest set made of ctx->dest[order[0]], ... in that order
 * and tell the scheduler, as kvs_dest_add/del do.  The old set is test
 * memory and outlives every reader.
 */
static void publish(struct kunit *test, const int *order, unsigned int n)
{
	struct sched_ctx *ctx = test->priv;
	struct kvs_dest_set *set, *old;
	unsigned int i;

	set = kunit_kzalloc(test, sizeof(*set), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, set);
	set->dest = kunit_kcalloc(test, n ? n : 1, sizeof(set->dest[0]),
				  GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, set->dest);
	set->n = n;
	for (i = 0; i < n; i++)
		set->dest[i] = &ctx->dest[order[i]];
	mutex_lock(&ctx->kn.lock);
	old = kvs_dests_locked(&ctx->svc);
	rcu_assign_pointer(ctx->svc.dests, set);
	kvs_sched_update(&ctx->svc, old);
	mutex_unlock(&ctx->kn.lock);
}

/* Dests 0..n-1 from @fd, published in index order. */
static void make_dests(struct kunit *test, const struct fake_dest *fd,
		       unsigned int n)
{
	static const int order[SCHED_MAX_DESTS] = { 0, 1, 2, 3, 4, 5 };
	unsigned int i;

	KUNIT_ASSERT_LE(test, n, SCHED_MAX_DESTS);
	for (i = 0; i < n; i++)
		set_dest(test->priv, i, &fd[i]);
	publish(test, order, n);
}

static void bind(struct kunit *test, const char *name)
{
	struct sched_ctx *ctx = test->priv;
	int err;

	ctx->sched = kvs_sched_get(name);
	KUNIT_ASSERT_NOT_NULL_MSG(test, ctx->sched, "scheduler %s", name);
	mutex_lock(&ctx->kn.lock);
	err = kvs_sched_bind(&ctx->svc, ctx->sched);
	mutex_unlock(&ctx->kn.lock);
	if (err)
		kvs_sched_put(ctx->sched);
	KUNIT_ASSERT_EQ(test, err, 0);
}

/* A weight edit: same set, as kvs_dest_edit reports it. */
static void set_weight(struct kunit *test, unsigned int i, int weight)
{
	struct sched_ctx *ctx = test->priv;

	mutex_lock(&ctx->kn.lock);
	WRITE_ONCE(ctx->dest[i].weight, weight);
	if (weight)
		WRITE_ONCE(ctx->dest[i].last_weight, weight);
	kvs_sched_update(&ctx->svc, kvs_dests_locked(&ctx->svc));
	mutex_unlock(&ctx->kn.lock);
}

/* The index of the chosen dest, or -1; in the data path's context. */
static int pick(struct sched_ctx *ctx, const struct kvs_iph *iph)
{
	struct kvs_dest *d;

	rcu_read_lock();
	local_bh_disable();
	d = ctx->sched->schedule(&ctx->svc, NULL, iph);
	local_bh_enable();
	rcu_read_unlock();
	return d ? d - ctx->dest : -1;
}

/* A packet from client @addr:@port to virtual address @addr (dh, sh). */
static void key_iph(struct kvs_iph *iph, u32 addr, u16 port)
{
	memset(iph, 0, sizeof(*iph));
	iph->af = AF_INET;
	iph->protocol = IPPROTO_TCP;
	iph->saddr.ip = htonl(addr);
	iph->daddr.ip = htonl(addr);
	iph->sport = htons(port);
	iph->dport = htons(80);
}

/* ---- choice sequences ---- */

/* After each choice the chosen dest gains a connection of this kind. */
enum bump { BUMP_NONE, BUMP_ACTIVE, BUMP_INACTIVE };

struct seq_case {
	const char *desc;
	const char *sched;
	unsigned int n;
	struct fake_dest d[SCHED_MAX_DESTS];
	enum bump bump;
	unsigned int steps;
	int want[SCHED_MAX_STEPS];
};

#define W(w)		{ .weight = (w) }
#define C(w, a, i)	{ .weight = (w), .active = (a), .inactive = (i) }
#define OVL(w, a, i)	{ .weight = (w), .active = (a), .inactive = (i), \
			  .overload = true }

static const struct seq_case seq_cases[] = {
	/*
	 * wrr: gcd g, top threshold max - (g - 1), each pass from the head
	 * takes the dests whose weight reaches the threshold, which then
	 * drops by g.  3,1: g 1; cw 3: d0; cw 2: d0; cw 1: d0 d1; wrap.
	 */
	{ "wrr 3:1", "wrr", 2, { W(3), W(1) }, BUMP_NONE, 8,
	  { 0, 0, 0, 1, 0, 0, 0, 1 } },
	/* cw 4: d0; 3: d0 d1; 2: d0 d1 d2; 1: d0 d1 d2; wrap: d0. */
	{ "wrr 4:3:2", "wrr", 3, { W(4), W(3), W(2) }, BUMP_NONE, 10,
	  { 0, 0, 1, 0, 1, 2, 0, 1, 2, 0 } },
	/* Lightest first in set order: cw 3: d2; 2: d1 d2; 1: d0 d1 d2. */
	{ "wrr 1:2:3", "wrr", 3, { W(1), W(2), W(3) }, BUMP_NONE, 6,
	  { 2, 1, 2, 0, 1, 2 } },
	/* g 2, top 4 - 1 = 3; cw 3: d0; cw 1: d0 d1; wrap. */
	{ "wrr 4:2 gcd", "wrr", 2, { W(4), W(2) }, BUMP_NONE, 6,
	  { 0, 0, 1, 0, 0, 1 } },
	/* A weight-0 dest never reaches a threshold >= 1. */
	{ "wrr quiescent", "wrr", 3, { W(2), W(0), W(1) }, BUMP_NONE, 6,
	  { 0, 0, 2, 0, 0, 2 } },
	/*
	 * d0 overloaded still sets the top (2); cw 2 finds nothing, cw 1
	 * takes d1; later calls wrap and reach d1 on the last pass.
	 */
	{ "wrr overloaded", "wrr", 2, { OVL(2, 0, 0), W(1) }, BUMP_NONE, 3,
	  { 1, 1, 1 } },
	/* gcd 1 and top 0: no available dest at all. */
	{ "wrr all quiescent", "wrr", 2, { W(0), W(0) }, BUMP_NONE, 2,
	  { -1, -1 } },
	/* From the head down to threshold 1 without a match: none. */
	{ "wrr all overloaded", "wrr", 2, { OVL(1, 0, 0), OVL(1, 0, 0) },
	  BUMP_NONE, 2, { -1, -1 } },

	/*
	 * lc: least active * 256 + total (active + inactive), the in-tree
	 * ip_vs_dest_conn_overhead() of 6.1.192; weights only quiesce; the
	 * first in order wins a tie (strict <).
	 */
	{ "lc round", "lc", 3, { W(1), W(1), W(1) }, BUMP_ACTIVE, 6,
	  { 0, 1, 2, 0, 1, 2 } },
	/* 257, 5, 300: d1 each time. */
	{ "lc counts", "lc", 3, { C(1, 1, 0), C(1, 0, 5), C(1, 0, 300) },
	  BUMP_NONE, 3, { 1, 1, 1 } },
	/*
	 * 257 against 256: d1.  With the older active * 256 + inactive
	 * both would be 256 and d0 would win the tie.
	 */
	{ "lc totalconns", "lc", 2, { C(1, 1, 0), C(1, 0, 256) }, BUMP_NONE,
	  2, { 1, 1 } },
	/* Inactive connections alone: 0 1 0 1 0. */
	{ "lc inactive", "lc", 2, { W(1), W(1) }, BUMP_INACTIVE, 5,
	  { 0, 1, 0, 1, 0 } },
	{ "lc weight ignored", "lc", 2, { C(10, 2, 0), C(1, 1, 0) },
	  BUMP_NONE, 2, { 1, 1 } },
	{ "lc quiescent", "lc", 2, { C(0, 0, 0), C(1, 5, 0) }, BUMP_NONE, 2,
	  { 1, 1 } },
	{ "lc overloaded", "lc", 2, { OVL(1, 0, 0), C(1, 3, 0) }, BUMP_NONE,
	  2, { 1, 1 } },
	{ "lc none", "lc", 2, { W(0), OVL(1, 0, 0) }, BUMP_NONE, 2,
	  { -1, -1 } },

	/*
	 * wlc: least overhead / weight, compared as oh_least * w > oh * w_least
	 * (strict, so the first wins a tie).  1:2 all idle, each choice
	 * active: d0 (0 vs 0 tie); d1 (257*2 > 0); d1 (514 > 257); d0
	 * (514 > 514 no); d1; d1; d0.
	 */
	{ "wlc 1:2", "wlc", 2, { W(1), W(2) }, BUMP_ACTIVE, 7,
	  { 0, 1, 1, 0, 1, 1, 0 } },
	/* A weight-0 dest after the first: 1285 * 0 > 0 never holds. */
	{ "wlc quiescent later", "wlc", 2, { C(1, 5, 0), C(0, 0, 0) },
	  BUMP_NONE, 2, { 0, 0 } },
	{ "wlc quiescent first", "wlc", 2, { C(0, 0, 0), C(1, 5, 0) },
	  BUMP_NONE, 2, { 1, 1 } },
	{ "wlc overloaded", "wlc", 2, { OVL(1, 0, 0), C(1, 3, 0) },
	  BUMP_NONE, 2, { 1, 1 } },
	/* Inactive counts: 10 against 3. */
	{ "wlc inactive", "wlc", 2, { C(1, 0, 10), C(1, 0, 3) }, BUMP_NONE, 2,
	  { 1, 1 } },
	/*
	 * 2570000 * 1000 > 666658 * 3000 (1999974000): d1.  The left side
	 * passes 2^31, so a 32-bit product would wrap and keep d0.
	 */
	{ "wlc 64-bit", "wlc", 2, { C(3000, 10000, 0), C(1000, 2594, 0) },
	  BUMP_NONE, 1, { 1 } },
	{ "wlc none", "wlc", 2, { W(0), OVL(1, 0, 0) }, BUMP_NONE, 2,
	  { -1, -1 } },

	/*
	 * sed: least (active + 1) / weight, same comparison as wlc.  1:3
	 * idle, each choice active: d1 (1*3 > 1*1); d1 (1*3 > 2*1); d0
	 * (1*3 > 3*1 fails); d1 (2*3 > 3*1); d1 (6 > 4); d1 (6 > 5); d0
	 * (6 > 6 fails); d1 (3*3 > 6).
	 */
	{ "sed 1:3", "sed", 2, { W(1), W(3) }, BUMP_ACTIVE, 8,
	  { 1, 1, 0, 1, 1, 1, 0, 1 } },
	/* Inactive connections do not count: tie, first wins (wlc: d1). */
	{ "sed inactive", "sed", 2, { C(1, 0, 100), C(1, 0, 0) }, BUMP_NONE,
	  2, { 0, 0 } },
	/* 4/1 against quiescent, overloaded and 3/1: d3. */
	{ "sed skips", "sed", 4,
	  { C(1, 3, 0), C(0, 0, 0), OVL(2, 0, 0), C(1, 2, 0) }, BUMP_NONE, 1,
	  { 3 } },
	{ "sed none", "sed", 2, { W(0), OVL(1, 0, 0) }, BUMP_NONE, 2,
	  { -1, -1 } },

	/* nq: the first usable dest without active connections. */
	{ "nq idle", "nq", 3, { C(1, 2, 0), C(3, 0, 0), C(1, 0, 0) },
	  BUMP_NONE, 2, { 1, 1 } },
	/* Inactive connections do not make a dest busy. */
	{ "nq inactive", "nq", 2, { C(1, 1, 0), C(1, 0, 50) }, BUMP_NONE, 2,
	  { 1, 1 } },
	/*
	 * No usable idle dest (d0 overloaded, d1 quiescent): sed among the
	 * rest, 5/2 against 2/1: d3.
	 */
	{ "nq busy", "nq", 4,
	  { OVL(1, 0, 0), C(0, 0, 0), C(2, 4, 0), C(1, 1, 0) }, BUMP_NONE, 2,
	  { 3, 3 } },
	/*
	 * 1:3 idle: d0, d1 while idle; then sed from 2/1 against 2/3: d1
	 * (2*3 > 2*1), d1 (6 > 3), d1 (6 > 4), d1 (6 > 5), d0 (6 > 6 fails).
	 */
	{ "nq 1:3", "nq", 2, { W(1), W(3) }, BUMP_ACTIVE, 7,
	  { 0, 1, 1, 1, 1, 1, 0 } },
	{ "nq none", "nq", 2, { W(0), OVL(1, 0, 0) }, BUMP_NONE, 2,
	  { -1, -1 } },

	/*
	 * fo: the heaviest dest not overloaded, the first on a tie; load
	 * plays no part.
	 */
	{ "fo heaviest", "fo", 3, { W(1), W(3), W(2) }, BUMP_ACTIVE, 3,
	  { 1, 1, 1 } },
	{ "fo tie", "fo", 2, { W(2), W(2) }, BUMP_ACTIVE, 2, { 0, 0 } },
	{ "fo skips", "fo", 3, { OVL(5, 0, 0), W(0), C(3, 9, 0) }, BUMP_NONE,
	  1, { 2 } },
	{ "fo none", "fo", 2, { W(0), OVL(1, 0, 0) }, BUMP_NONE, 1, { -1 } },

	/*
	 * ovf: the heaviest usable dest whose active connections do not
	 * exceed its weight.  1:2, each choice active: d1 at 0, 1, 2; at 3
	 * it is over, d0 at 0, 1; then both are over: none.
	 */
	{ "ovf overflow", "ovf", 2, { W(1), W(2) }, BUMP_ACTIVE, 7,
	  { 1, 1, 1, 0, 0, -1, -1 } },
	/* The first on a tie, until it is over. */
	{ "ovf tie", "ovf", 2, { W(2), W(2) }, BUMP_ACTIVE, 7,
	  { 0, 0, 0, 1, 1, 1, -1 } },
	/* Inactive connections do not count. */
	{ "ovf inactive", "ovf", 2, { C(1, 0, 100), W(1) }, BUMP_NONE, 1,
	  { 0 } },
	{ "ovf skips", "ovf", 3, { OVL(3, 0, 0), W(0), W(1) }, BUMP_NONE, 1,
	  { 2 } },

	/*
	 * lblc, one destination address throughout: wlc picks d0 (all
	 * idle), remembered; d0 at 1 active is not over its weight 1; at 2
	 * it is while d1 is under half of its: wlc, d1 (514/1 against
	 * 0/1), remembered; d1 likewise until 2, then d2; d2 stays, since
	 * no dest is under half its weight any more.
	 */
	{ "lblc 1:1:1", "lblc", 3, { W(1), W(1), W(1) }, BUMP_ACTIVE, 9,
	  { 0, 0, 1, 1, 2, 2, 2, 2, 2 } },
	/* Inactive connections never move a remembered dest. */
	{ "lblc sticks", "lblc", 2, { W(1), W(1) }, BUMP_INACTIVE, 4,
	  { 0, 0, 0, 0 } },
	{ "lblc none", "lblc", 2, { W(0), OVL(1, 0, 0) }, BUMP_NONE, 1,
	  { -1 } },

	/*
	 * lblcr, the same: d0 twice; then d1 joins the set {d1, d0} and
	 * is its least loaded twice; over its weight, d2 joins; d2 three
	 * times (at 2 active nothing is under half its weight any more);
	 * then the set's least loaded: d1 (771 against 514 per weight 1),
	 * then d0, where lblc stays on d2.
	 */
	{ "lblcr 1:1:1", "lblcr", 3, { W(1), W(1), W(1) }, BUMP_ACTIVE, 9,
	  { 0, 0, 1, 1, 2, 2, 2, 1, 0 } },
	{ "lblcr none", "lblcr", 2, { W(0), OVL(1, 0, 0) }, BUMP_NONE, 1,
	  { -1 } },

	/* Every scheduler refuses a service without dests. */
	{ "rr empty", "rr", 0, { }, BUMP_NONE, 1, { -1 } },
	{ "wrr empty", "wrr", 0, { }, BUMP_NONE, 1, { -1 } },
	{ "lc empty", "lc", 0, { }, BUMP_NONE, 1, { -1 } },
	{ "wlc empty", "wlc", 0, { }, BUMP_NONE, 1, { -1 } },
	{ "sed empty", "sed", 0, { }, BUMP_NONE, 1, { -1 } },
	{ "nq empty", "nq", 0, { }, BUMP_NONE, 1, { -1 } },
	{ "dh empty", "dh", 0, { }, BUMP_NONE, 1, { -1 } },
	{ "sh empty", "sh", 0, { }, BUMP_NONE, 1, { -1 } },
	{ "fo empty", "fo", 0, { }, BUMP_NONE, 1, { -1 } },
	{ "ovf empty", "ovf", 0, { }, BUMP_NONE, 1, { -1 } },
	{ "lblc empty", "lblc", 0, { }, BUMP_NONE, 1, { -1 } },
	{ "lblcr empty", "lblcr", 0, { }, BUMP_NONE, 1, { -1 } },
	{ "twos empty", "twos", 0, { }, BUMP_NONE, 1, { -1 } },
};

static void seq_desc(const struct seq_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(seq, seq_cases, seq_desc);

static void sched_seq_test(struct kunit *test)
{
	const struct seq_case *c = test->param_value;
	struct sched_ctx *ctx = test->priv;
	struct kvs_iph iph;
	unsigned int i;
	int got;

	make_dests(test, c->d, c->n);
	bind(test, c->sched);
	key_iph(&iph, KEY_BASE, 1024);
	for (i = 0; i < c->steps; i++) {
		got = pick(ctx, &iph);
		KUNIT_EXPECT_EQ_MSG(test, got, c->want[i], "choice %u", i);
		if (got < 0 || c->bump == BUMP_NONE)
			continue;
		atomic_inc(c->bump == BUMP_ACTIVE ?
			   &ctx->dest[got].activeconns :
			   &ctx->dest[got].inactconns);
	}
}

/* ---- lblc and lblcr, several destination addresses ---- */

/* A packet to destination address @daddr (lblc, lblcr). */
static void dst_iph(struct kvs_iph *iph, u32 daddr)
{
	key_iph(iph, KEY_BASE, 1024);
	iph->daddr.ip = htonl(daddr);
}

/*
 * lblc: each address keeps its dest; a remembered dest marked
 * overloaded is still taken (in-tree checks only availability, weight
 * and active connections), and one quiesced is left for wlc's choice.
 */
static void sched_lblc_addrs_test(struct kunit *test)
{
	static const struct fake_dest d[] = { W(1), W(1), W(1) };
	struct sched_ctx *ctx = test->priv;
	struct kvs_iph a, b;

	dst_iph(&a, KEY_BASE + 1);
	dst_iph(&b, KEY_BASE + 2);
	make_dests(test, d, 3);
	bind(test, "lblc");
	KUNIT_EXPECT_EQ(test, pick(ctx, &a), 0);
	atomic_inc(&ctx->dest[0].inactconns);
	/* wlc: 1 against 0, 0: d1. */
	KUNIT_EXPECT_EQ(test, pick(ctx, &b), 1);
	atomic_inc(&ctx->dest[1].inactconns);
	set_bit(KVS_DEST_OVERLOAD, &ctx->dest[0].flags);
	KUNIT_EXPECT_EQ(test, pick(ctx, &a), 0);
	set_weight(test, 1, 0);
	/* d0 overloaded, d1 quiescent: wlc has d2 only. */
	KUNIT_EXPECT_EQ(test, pick(ctx, &b), 2);
	KUNIT_EXPECT_EQ(test, pick(ctx, &b), 2);
	KUNIT_EXPECT_EQ(test, pick(ctx, &a), 0);
}

/*
 * lblcr: a member marked overloaded is passed over within the set,
 * and the service's wlc choice joins it.
 */
static void sched_lblcr_overload_test(struct kunit *test)
{
	static const struct fake_dest d[] = { W(1), W(1) };
	struct sched_ctx *ctx = test->priv;
	struct kvs_iph a;

	dst_iph(&a, KEY_BASE + 1);
	make_dests(test, d, 2);
	bind(test, "lblcr");
	KUNIT_EXPECT_EQ(test, pick(ctx, &a), 0);
	set_bit(KVS_DEST_OVERLOAD, &ctx->dest[0].flags);
	KUNIT_EXPECT_EQ(test, pick(ctx, &a), 1);
	/* Both members now: d0 is the set's first usable again. */
	clear_bit(KVS_DEST_OVERLOAD, &ctx->dest[0].flags);
	atomic_inc(&ctx->dest[1].inactconns);
	KUNIT_EXPECT_EQ(test, pick(ctx, &a), 0);
}

/* ---- twos ---- */

static const u32 *twos_stream;
static unsigned int twos_drawn;
static u32 twos_ceil;

/* The pinned random stream: the next number, and the range asked. */
static u32 twos_next(u32 ceil)
{
	twos_ceil = ceil;
	return twos_stream[twos_drawn++];
}

/*
 * d0 weight 3 and d1 weight 1 (d2 quiescent and d3 overloaded take no
 * part): total 4, draws in [0, 5); 0..3 land on d0 and 4 on d1.  Each
 * choice then has one more active connection (overhead 257).  Pairs:
 * (0, 4) d0 against d1, both idle: the first drawn, d0; (0, 4) again,
 * d0 257/3 against d1 0/1: d1; (4, 4) d1 both times; (3, 0) d0 both
 * times; (4, 0): d1 514/1 against d0 514/3: d0.
 */
static void sched_twos_stream_test(struct kunit *test)
{
	static const struct fake_dest d[] = { W(3), W(1), W(0), OVL(2, 0, 0) };
	static const u32 stream[] = { 0, 4, 0, 4, 4, 4, 3, 0, 4, 0 };
	static const int want[] = { 0, 1, 1, 0, 0 };
	struct sched_ctx *ctx = test->priv;
	struct kvs_iph iph;
	unsigned int i;
	int got;

	key_iph(&iph, KEY_BASE, 1024);
	make_dests(test, d, 4);
	bind(test, "twos");
	twos_stream = stream;
	twos_drawn = 0;
	WRITE_ONCE(kvs_sched_random_hook, twos_next);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		got = pick(ctx, &iph);
		KUNIT_EXPECT_EQ_MSG(test, got, want[i], "choice %u", i);
		KUNIT_EXPECT_EQ_MSG(test, twos_drawn, 2 * (i + 1),
				    "draws by choice %u", i);
		KUNIT_EXPECT_EQ(test, twos_ceil, 5);
		if (got >= 0)
			atomic_inc(&ctx->dest[got].activeconns);
	}
	WRITE_ONCE(kvs_sched_random_hook, NULL);
}

#define TWOS_CONNS	10000

/*
 * Pearson's chi-square of @got against shares @share[i] / @total of
 * TWOS_CONNS, times @total: summed as (got * total - N * share)^2 /
 * (N * share) in integers.
 */
static u64 chi2_scaled(const unsigned int *got, const unsigned int *share,
		       unsigned int n, unsigned int total)
{
	u64 sum = 0;
	s64 dev;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!share[i])
			continue;
		dev = (s64)got[i] * total - (s64)TWOS_CONNS * share[i];
		sum += div64_u64(dev * dev, (u64)TWOS_CONNS * share[i]);
	}
	return sum;
}

struct twos_split_case {
	const char *desc;
	enum bump bump;
	/* Expected share of each dest, in units of @total. */
	unsigned int share[4];
	unsigned int total;
};

/*
 * Weights 5, 3, 2 and a quiescent d3.  With each connection counted
 * (inactive: overhead + 1), two choices keep overhead per weight even:
 * the split follows the weights, 5:3:2.  With none counted every pair
 * ties and the first drawn wins: in-tree's draw, where d0 also takes
 * the draw of 0, gives 6:3:2 of 11.
 */
static const struct twos_split_case twos_split_cases[] = {
	{ "twos split counted", BUMP_INACTIVE, { 5, 3, 2, 0 }, 10 },
	{ "twos split uncounted", BUMP_NONE, { 6, 3, 2, 0 }, 11 },
};

static void twos_split_desc(const struct twos_split_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(twos_split, twos_split_cases, twos_split_desc);

/*
 * 10,000 connections with the real random numbers: the chi-square of
 * the split (2 degrees of freedom) stays under 13.82, which a correct
 * scheduler exceeds once in a thousand runs.
 */
static void sched_twos_split_test(struct kunit *test)
{
	static const struct fake_dest d[] = { W(5), W(3), W(2), W(0) };
	const struct twos_split_case *c = test->param_value;
	struct sched_ctx *ctx = test->priv;
	unsigned int got[4] = { };
	struct kvs_iph iph;
	unsigned int i;
	u64 chi2;
	int k;

	key_iph(&iph, KEY_BASE, 1024);
	make_dests(test, d, 4);
	bind(test, "twos");
	for (i = 0; i < TWOS_CONNS; i++) {
		k = pick(ctx, &iph);
		KUNIT_ASSERT_GE(test, k, 0);
		got[k]++;
		if (c->bump == BUMP_INACTIVE)
			atomic_inc(&ctx->dest[k].inactconns);
	}
	chi2 = chi2_scaled(got, c->share, 4, c->total);
	kunit_info(test, "%s: %u %u %u %u, chi-square %llu.%02llu\n", c->desc,
		   got[0], got[1], got[2], got[3], div_u64(chi2, c->total),
		   div_u64(chi2 % c->total * 100, c->total));
	KUNIT_EXPECT_EQ(test, got[3], 0);
	/* chi2 / total < 13.82 */
	KUNIT_EXPECT_LT(test, chi2 * 100, 1382ULL * c->total);
}

/* ---- wrr across changes ---- */

/*
 * Mid-cycle at cw 2 (after d0 d0), d1 goes 1 -> 3: gcd 3, top
 * 3 - 2 = 1; cw 2 is above it, so cw = 1, from the head: d0 d1 d0 d1.
 */
static void sched_wrr_edit_test(struct kunit *test)
{
	static const struct fake_dest d[] = { W(3), W(1) };
	static const int want[] = { 0, 0, 0, 1, 0, 1 };
	struct sched_ctx *ctx = test->priv;
	struct kvs_iph iph;
	unsigned int i;

	key_iph(&iph, KEY_BASE, 1024);
	make_dests(test, d, 2);
	bind(test, "wrr");
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		if (i == 2)
			set_weight(test, 1, 3);
		KUNIT_EXPECT_EQ_MSG(test, pick(ctx, &iph), want[i],
				    "choice %u", i);
	}
}

/*
 * 4,2: gcd 2, top 3; d0 is taken at cw 3.  Then a new d2 of weight 6
 * at the head: gcd 2, top 5; cw 3 maps to 3 / 2 * 2 + 1 = 3 and the
 * walk restarts from the head: cw 3: d2 d0; cw 1: d2 d0 d1; cw 5: d2;
 * cw 3: d2 d0; cw 1: d2 d0 d1.
 */
static void sched_wrr_add_test(struct kunit *test)
{
	static const struct fake_dest d[] = { W(4), W(2), W(6) };
	static const int grown[] = { 2, 0, 1 };
	static const int want[] = { 2, 0, 2, 0, 1, 2, 2, 0, 2, 0, 1 };
	struct sched_ctx *ctx = test->priv;
	struct kvs_iph iph;
	unsigned int i;

	key_iph(&iph, KEY_BASE, 1024);
	make_dests(test, d, 2);
	bind(test, "wrr");
	KUNIT_EXPECT_EQ(test, pick(ctx, &iph), 0);
	set_dest(ctx, 2, &d[2]);
	publish(test, grown, 3);
	for (i = 0; i < ARRAY_SIZE(want); i++)
		KUNIT_EXPECT_EQ_MSG(test, pick(ctx, &iph), want[i],
				    "choice %u", i);
}

/*
 * A service is born without dests and gets them one at a time, and
 * the threshold is carried through each update (an empty set gives top
 * 0 and cw 0).  d1 of weight 3, then d0 of weight 1 at the head: cw 0
 * becomes the top 3 - 2 = 1; with d0, top 3 and step 1 keep cw 1, so
 * the first pass is at 1: d0 d1; then cw 3: d1; 2: d1; 1: d0 d1.
 * d1 of 2, then d0 of 4: cw 1 (top 2 - 1), kept as 1 / 2 * 2 + 1 = 1:
 * d0 d1; cw 3: d0; cw 1: d0 d1; cw 3: d0.
 */
struct grow_case {
	const char *desc;
	struct fake_dest d[2];
	unsigned int steps;
	int want[SCHED_MAX_STEPS];
};

static const struct grow_case grow_cases[] = {
	{ "3 then 1", { W(1), W(3) }, 8, { 0, 1, 1, 1, 0, 1, 1, 1 } },
	{ "2 then 4", { W(4), W(2) }, 6, { 0, 1, 0, 0, 1, 0 } },
};

static void grow_desc(const struct grow_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(grow, grow_cases, grow_desc);

static void sched_wrr_grow_test(struct kunit *test)
{
	static const int order[] = { 0, 1 };
	const struct grow_case *c = test->param_value;
	struct sched_ctx *ctx = test->priv;
	struct kvs_iph iph;
	unsigned int i;

	key_iph(&iph, KEY_BASE, 1024);
	publish(test, order, 0);
	bind(test, "wrr");
	set_dest(ctx, 1, &c->d[1]);
	publish(test, order + 1, 1);
	set_dest(ctx, 0, &c->d[0]);
	publish(test, order, 2);
	for (i = 0; i < c->steps; i++)
		KUNIT_EXPECT_EQ_MSG(test, pick(ctx, &iph), c->want[i],
				    "choice %u", i);
}

static void sched_wrr_overload_test(struct kunit *test)
{
	static const struct fake_dest d[] = { W(1), W(1), W(1) };
	static const int after[] = { 0, 1, 2, 0 };
	struct sched_ctx *ctx = test->priv;
	struct kvs_iph iph;
	unsigned int i;

	key_iph(&iph, KEY_BASE, 1024);
	make_dests(test, d, 3);
	bind(test, "wrr");
	KUNIT_EXPECT_EQ(test, pick(ctx, &iph), 0);
	/* All overloaded: the walk stops where it started, on d0. */
	for (i = 0; i < 3; i++)
		set_bit(KVS_DEST_OVERLOAD, &ctx->dest[i].flags);
	KUNIT_EXPECT_EQ(test, pick(ctx, &iph), -1);
	KUNIT_EXPECT_EQ(test, pick(ctx, &iph), -1);
	/* d2 back: reached after d0 on this pass, then again after a wrap. */
	clear_bit(KVS_DEST_OVERLOAD, &ctx->dest[2].flags);
	KUNIT_EXPECT_EQ(test, pick(ctx, &iph), 2);
	KUNIT_EXPECT_EQ(test, pick(ctx, &iph), 2);
	clear_bit(KVS_DEST_OVERLOAD, &ctx->dest[0].flags);
	clear_bit(KVS_DEST_OVERLOAD, &ctx->dest[1].flags);
	for (i = 0; i < ARRAY_SIZE(after); i++)
		KUNIT_EXPECT_EQ(test, pick(ctx, &iph), after[i]);
}

/* ---- dh and sh ---- */

/*
 * The in-tree hash: hash_32(host-order address + host-order port, 8),
 * that is (x * 0x61c88647) >> 24, values worked out by hand.  An IPv6
 * address is folded by xor of its four words first.
 */
static void sched_hash_vectors_test(struct kunit *test)
{
	static const struct {
		u32 addr;
		u16 port;
		unsigned int bucket;
	} v[] = {
		{ 0x0a000001, 0, 39 },		/* 10.0.0.1 */
		{ 0x0a000001, 12345, 134 },
		{ 0x0a000001, 80, 182 },
		{ 0x0a000002, 0, 137 },		/* 10.0.0.2 */
		{ 0xc0a80164, 0, 89 },		/* 192.168.1.100 */
		{ 0xac100005, 0, 1 },		/* 172.16.0.5 */
		{ 0x0a000102, 0, 82 },		/* 10.0.1.2 */
	};
	union nf_inet_addr a = {};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		a.ip = htonl(v[i].addr);
		KUNIT_EXPECT_EQ_MSG(test, kvs_sched_hash(AF_INET, &a,
							 htons(v[i].port)),
				    v[i].bucket, "vector %u", i);
	}
	/* 2001:db8::1 folds to 0x20010db9. */
	memset(&a, 0, sizeof(a));
	a.ip6[0] = htonl(0x20010db8);
	a.ip6[3] = htonl(1);
	KUNIT_EXPECT_EQ(test, kvs_sched_hash(AF_INET6, &a, 0), 63U);
}

struct fill_case {
	const char *desc;
	const char *sched;
	unsigned int n;
	struct fake_dest d[SCHED_MAX_DESTS];
	/* Bucket b holds dest want[b % period] (-1: none). */
	unsigned int period;
	int want[SCHED_MAX_STEPS];
};

/*
 * ip_vs_sh_reassign() deals buckets in list order and moves to the next
 * dest once it has taken "weight" buckets in a row, checked after each
 * bucket, so weight 0 takes one; ip_vs_dh_reassign() deals one each.
 */
static const struct fill_case fill_cases[] = {
	{ "sh 3:1", "sh", 2, { W(3), W(1) }, 4, { 0, 0, 0, 1 } },
	{ "sh 1:2:3", "sh", 3, { W(1), W(2), W(3) }, 6,
	  { 0, 1, 1, 2, 2, 2 } },
	{ "sh weight 0 takes one", "sh", 2, { W(0), W(2) }, 3, { 0, 1, 1 } },
	{ "sh overloaded keeps its share", "sh", 2, { OVL(2, 0, 0), W(1) }, 3,
	  { 0, 0, 1 } },
	{ "sh weight over 256", "sh", 2, { W(300), W(1) }, 1, { 0 } },
	{ "sh empty", "sh", 0, { }, 1, { -1 } },
	{ "dh ignores weights", "dh", 3, { W(5), W(1), W(0) }, 3,
	  { 0, 1, 2 } },
	{ "dh empty", "dh", 0, { }, 1, { -1 } },
};

static void fill_desc(const struct fill_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fill, fill_cases, fill_desc);

static void sched_table_fill_test(struct kunit *test)
{
	const struct fill_case *c = test->param_value;
	struct sched_ctx *ctx = test->priv;
	const struct kvs_sched_table *t;
	struct kvs_dest *want;
	unsigned int b;
	int w;

	make_dests(test, c->d, c->n);
	bind(test, c->sched);
	t = rcu_dereference_protected(ctx->svc.sched_data, 1);
	KUNIT_ASSERT_NOT_NULL(test, t);
	for (b = 0; b < KVS_SCHED_TAB_SIZE; b++) {
		w = c->want[b % c->period];
		want = w < 0 ? NULL : &ctx->dest[w];
		KUNIT_EXPECT_PTR_EQ_MSG(test, t->bucket[b], want, "bucket %u", b);
	}
}

struct spread_case {
	const char *desc;
	const char *sched;
	u32 flags;
	bool vary_port;		/* one address, SCHED_KEYS ports */
	unsigned int n;
	struct fake_dest d[SCHED_MAX_DESTS];
};

/*
 * 4096 keys, consecutive addresses or ports.  hash_32 spreads those
 * almost evenly over the buckets, and each dest owns weight/total of
 * the buckets (dh: 1/n, 256/n rounded), so each dest must get its
 * share within 5% (of the share).  Worked through the in-tree
 * formulas, the cases below stay within 1.4% (dh, three dests: 1384
 * keys against a share of 1365).
 */
static const struct spread_case spread_cases[] = {
	{ "dh 4 dests", "dh", 0, false, 4, { W(1), W(1), W(1), W(1) } },
	{ "dh 3 dests", "dh", 0, false, 3, { W(1), W(7), W(1) } },
	{ "sh 4 dests", "sh", 0, false, 4, { W(1), W(1), W(1), W(1) } },
	{ "sh 3:1", "sh", 0, false, 2, { W(3), W(1) } },
	{ "sh 1:1:2", "sh", 0, false, 3, { W(1), W(1), W(2) } },
	{ "sh ports", "sh", IP_VS_SVC_F_SCHED_SH_PORT, true, 4,
	  { W(1), W(1), W(1), W(1) } },
};

static void spread_desc(const struct spread_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(spread, spread_cases, spread_desc);

static void spread_key(struct kvs_iph *iph, const struct spread_case *c,
		       unsigned int k)
{
	if (c->vary_port)
		key_iph(iph, KEY_BASE, 1024 + k);
	else
		key_iph(iph, KEY_BASE + k, 1024);
}

static void sched_hash_spread_test(struct kunit *test)
{
	const struct spread_case *c = test->param_value;
	struct sched_ctx *ctx = test->priv;
	unsigned int count[SCHED_MAX_DESTS] = {};
	unsigned int i, k, total = 0, share;
	struct kvs_iph iph;
	int got;

	make_dests(test, c->d, c->n);
	ctx->svc.flags = c->flags;
	bind(test, c->sched);
	for (k = 0; k < SCHED_KEYS; k++) {
		spread_key(&iph, c, k);
		got = pick(ctx, &iph);
		KUNIT_ASSERT_GE(test, got, 0);
		/* The same key again: the same dest. */
		KUNIT_ASSERT_EQ(test, pick(ctx, &iph), got);
		count[got]++;
	}
	for (i = 0; i < c->n; i++)
		total += strcmp(c->sched, "dh") ? c->d[i].weight : 1;
	for (i = 0; i < c->n; i++) {
		share = SCHED_KEYS * (strcmp(c->sched, "dh") ?
				      c->d[i].weight : 1) / total;
		KUNIT_EXPECT_GE_MSG(test, count[i] * 100, share * 95,
				    "dest %u: %u keys", i, count[i]);
		KUNIT_EXPECT_LE_MSG(test, count[i] * 100, share * 105,
				    "dest %u: %u keys", i, count[i]);
	}
}

/* Without the sh-port flag the port does not matter. */
static void sched_sh_port_off_test(struct kunit *test)
{
	static const struct fake_dest d[] = { W(1), W(1), W(1), W(1) };
	struct sched_ctx *ctx = test->priv;
	struct kvs_iph iph;
	unsigned int k;
	int first;

	make_dests(test, d, 4);
	bind(test, "sh");
	key_iph(&iph, KEY_BASE, 1024);
	first = pick(ctx, &iph);
	KUNIT_ASSERT_GE(test, first, 0);
	for (k = 1; k < 256; k++) {
		key_iph(&iph, KEY_BASE, 1024 + k);
		KUNIT_EXPECT_EQ(test, pick(ctx, &iph), first);
	}
}

#define MAP_KEYS	1024

static void map_keys(struct sched_ctx *ctx, int *map)
{
	struct kvs_iph iph;
	unsigned int k;

	for (k = 0; k < MAP_KEYS; k++) {
		key_iph(&iph, KEY_BASE + k, 1024);
		map[k] = pick(ctx, &iph);
	}
}

/*
 * An unusable dest keeps its buckets (overload does not touch the
 * table; with weight 1 -> 0 its share stays one bucket a round), so
 * only its own keys are affected: refused, or with sh-fallback moved to
 * another dest; every other key keeps its dest.
 */
static void check_unusable(struct kunit *test, const int *before,
			   const int *after, int gone, bool fallback)
{
	unsigned int k;

	for (k = 0; k < MAP_KEYS; k++) {
		if (before[k] != gone) {
			KUNIT_EXPECT_EQ_MSG(test, after[k], before[k], "key %u", k);
		} else if (fallback) {
			KUNIT_EXPECT_GE_MSG(test, after[k], 0, "key %u", k);
			KUNIT_EXPECT_NE_MSG(test, after[k], gone, "key %u", k);
		} else {
			KUNIT_EXPECT_EQ_MSG(test, after[k], -1, "key %u", k);
		}
	}
}

static void sched_sh_unusable_test(struct kunit *test)
{
	static const struct fake_dest d[] = { W(1), W(1), W(1), W(1) };
	struct sched_ctx *ctx = test->priv;
	int *before, *after, *again;
	struct kvs_iph iph;

	before = kunit_kcalloc(test, MAP_KEYS, sizeof(int), GFP_KERNEL);
	after = kunit_kcalloc(test, MAP_KEYS, sizeof(int), GFP_KERNEL);
	again = kunit_kcalloc(test, MAP_KEYS, sizeof(int), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, before && after && again);
	make_dests(test, d, 4);
	bind(test, "sh");
	map_keys(ctx, before);

	set_bit(KVS_DEST_OVERLOAD, &ctx->dest[2].flags);
	map_keys(ctx, after);
	check_unusable(test, before, after, 2, false);

	WRITE_ONCE(ctx->svc.flags, IP_VS_SVC_F_SCHED_SH_FALLBACK);
	map_keys(ctx, after);
	check_unusable(test, before, after, 2, true);
	map_keys(ctx, again);
	KUNIT_EXPECT_EQ(test, memcmp(after, again, MAP_KEYS * sizeof(int)), 0);
	/*
	 * 10.0.1.2 hashes to 82 (d2, 82 % 4).  In-tree walks on from
	 * bucket 2 * 82 = 164, d0, not from 83, d3.
	 */
	key_iph(&iph, 0x0a000102, 1024);
	KUNIT_EXPECT_EQ(test, pick(ctx, &iph), 0);

	/* Quiesced instead of overloaded: the same, the table unchanged. */
	clear_bit(KVS_DEST_OVERLOAD, &ctx->dest[2].flags);
	set_weight(test, 2, 0);
	map_keys(ctx, again);
	KUNIT_EXPECT_EQ(test, memcmp(after, again, MAP_KEYS * sizeof(int)), 0);
	WRITE_ONCE(ctx->svc.flags, 0);
	map_keys(ctx, after);
	check_unusable(test, before, after, 2, false);

	/* Back to weight 1: everything as at first. */
	set_weight(test, 2, 1);
	map_keys(ctx, after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, MAP_KEYS * sizeof(int)), 0);
}

/* dh refuses the keys of an unusable dest, and of one no longer in the set. */
static void sched_dh_unusable_test(struct kunit *test)
{
	static const struct fake_dest d[] = { W(1), W(1), W(1) };
	struct sched_ctx *ctx = test->priv;
	int *before, *after;

	before = kunit_kcalloc(test, MAP_KEYS, sizeof(int), GFP_KERNEL);
	after = kunit_kcalloc(test, MAP_KEYS, sizeof(int), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, before && after);
	make_dests(test, d, 3);
	bind(test, "dh");
	map_keys(ctx, before);

	set_bit(KVS_DEST_OVERLOAD, &ctx->dest[1].flags);
	map_keys(ctx, after);
	check_unusable(test, before, after, 1, false);
	clear_bit(KVS_DEST_OVERLOAD, &ctx->dest[1].flags);

	set_weight(test, 1, 0);
	map_keys(ctx, after);
	check_unusable(test, before, after, 1, false);
	set_weight(test, 1, 1);

	/* A table that lags a removal by a moment: as in-tree, refused. */
	clear_bit(KVS_DEST_AVAILABLE, &ctx->dest[1].flags);
	map_keys(ctx, after);
	check_unusable(test, before, after, 1, false);
}

/*
 * Removing a dest.  The in-tree tables are dealt afresh in list order,
 * so removal does NOT keep the other keys in place: bucket b goes from
 * set[b % 4] to set[b % 3] and most keys move.  What it does guarantee,
 * and what is checked: the keys of the removed dest go elsewhere, every
 * key lands exactly where a table dealt from the new set puts it, and
 * adding the dest back (at the head, where it was as the newest)
 * restores every key.
 */
/*
 * The bucket of an IPv4 address with port 0, as in-tree's sh and dh
 * compute it and independently of kvs_sched_hash(): hash_32(addr, 8),
 * the top 8 bits of addr * 0x61c88647 (GOLDEN_RATIO_32) modulo 2^32.
 */
static unsigned int ref_bucket(u32 addr)
{
	return (u32)(addr * 0x61c88647U) >> (32 - 8);
}

static void sched_hash_remove_test(struct kunit *test)
{
	static const struct fake_dest d[] = { W(1), W(1), W(1), W(1) };
	static const int all[] = { 0, 1, 2, 3 };
	struct sched_ctx *ctx = test->priv;
	const char * const *name = test->param_value;
	unsigned int k, others = 0, moved = 0;
	int *before, *after;
	unsigned int b;

	before = kunit_kcalloc(test, MAP_KEYS, sizeof(int), GFP_KERNEL);
	after = kunit_kcalloc(test, MAP_KEYS, sizeof(int), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, before && after);
	make_dests(test, d, 4);
	bind(test, *name);
	map_keys(ctx, before);

	publish(test, all + 1, 3);
	map_keys(ctx, after);
	for (k = 0; k < MAP_KEYS; k++) {
		b = ref_bucket(KEY_BASE + k);
		KUNIT_EXPECT_EQ_MSG(test, before[k], all[b % 4], "key %u", k);
		KUNIT_EXPECT_EQ_MSG(test, after[k], all[1 + b % 3], "key %u", k);
		if (before[k] == 0)
			continue;
		others++;
		if (after[k] != before[k])
			moved++;
	}
	kunit_info(test, "%s: %u of the %u keys on other dests moved\n",
		   *name, moved, others);

	publish(test, all, 4);
	map_keys(ctx, after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, MAP_KEYS * sizeof(int)), 0);
}

static const char * const hash_scheds[] = { "dh", "sh" };

static void name_desc(const char * const *name, char *desc)
{
	strscpy(desc, *name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(hash_sched, hash_scheds, name_desc);

/*
 * A scheduler that notes when it let go of a service and, when bound
 * again, whether a grace period has passed since: a reader that found
 * it just before it let go may still be inside it, reading sched_data.
 */
static struct {
	unsigned long done_at;		/* RCU state at done_service */
	bool done;
	bool waited;
} gp_seen;

static int gp_init_service(struct kvs_service *svc)
{
	if (gp_seen.done)
		gp_seen.waited = poll_state_synchronize_rcu(gp_seen.done_at);
	return 0;
}

static void gp_done_service(struct kvs_service *svc)
{
	gp_seen.done_at = get_state_synchronize_rcu();
	gp_seen.done = true;
}

static struct kvs_dest *gp_schedule(struct kvs_service *svc,
				    const struct sk_buff *skb,
				    const struct kvs_iph *iph)
{
	return NULL;
}

static struct kvs_scheduler gp_sched = {
	.name		= "gptest",
	.owner		= THIS_MODULE,
	.init_service	= gp_init_service,
	.done_service	= gp_done_service,
	.schedule	= gp_schedule,
};

/*
 * ipvsadm -E ... -s none, then -s NAME at once: the new scheduler's
 * data goes into the slot only a grace period after the old scheduler
 * left it.
 */
static void sched_unbind_rebind_gp_test(struct kunit *test)
{
	struct sched_ctx *ctx = test->priv;
	struct kvs_scheduler *s;
	int err;

	memset(&gp_seen, 0, sizeof(gp_seen));
	KUNIT_ASSERT_EQ(test, kvs_register_scheduler(&gp_sched), 0);
	bind(test, "gptest");
	mutex_lock(&ctx->kn.lock);
	kvs_sched_unbind(&ctx->svc);
	mutex_unlock(&ctx->kn.lock);
	KUNIT_EXPECT_TRUE(test, gp_seen.done);

	s = kvs_sched_get("gptest");
	KUNIT_ASSERT_NOT_NULL(test, s);
	mutex_lock(&ctx->kn.lock);
	err = kvs_sched_rebind(&ctx->svc, s);
	mutex_unlock(&ctx->kn.lock);
	if (err)
		kvs_sched_put(s);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_TRUE(test, gp_seen.waited);

	mutex_lock(&ctx->kn.lock);
	kvs_sched_unbind(&ctx->svc);
	mutex_unlock(&ctx->kn.lock);
	kvs_unregister_scheduler(&gp_sched);
}

/* The choices of mh for SCHED_KEYS client addresses, by dest index. */
static void mh_picks(struct sched_ctx *ctx, int *out)
{
	struct kvs_iph iph;
	unsigned int k;

	for (k = 0; k < SCHED_KEYS; k++) {
		key_iph(&iph, KEY_BASE + k, 0);
		out[k] = pick(ctx, &iph);
	}
}

/*
 * mh: flag-3 deals the table in address order, so the same dests added
 * in two orders give every client the same dest; without it (in-tree's
 * table) the order shows.  A quiesced dest keeps its slots: only its
 * clients lose their dest, the others keep theirs.
 */
static void sched_mh_test(struct kunit *test)
{
	static const int fwd[4] = { 0, 1, 2, 3 }, rev[4] = { 3, 1, 0, 2 };
	static const struct fake_dest fd[4] = { W(1), W(2), W(1), W(3) };
	struct sched_ctx *ctx = test->priv;
	int *a, *b, *c;
	unsigned int k, moved = 0, same = 0, gone = 0;

	a = kunit_kcalloc(test, 3 * SCHED_KEYS, sizeof(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	b = a + SCHED_KEYS;
	c = b + SCHED_KEYS;
	for (k = 0; k < 4; k++)
		set_dest(ctx, k, &fd[k]);

	ctx->svc.flags = IP_VS_SVC_F_SCHED3;
	publish(test, fwd, 4);
	bind(test, "mh");
	mh_picks(ctx, a);
	publish(test, rev, 4);
	mh_picks(ctx, b);
	for (k = 0; k < SCHED_KEYS; k++) {
		KUNIT_ASSERT_GE(test, a[k], 0);
		same += a[k] == b[k];
	}
	KUNIT_EXPECT_EQ(test, same, SCHED_KEYS);

	mutex_lock(&ctx->kn.lock);
	ctx->svc.flags = 0;
	kvs_sched_update(&ctx->svc, kvs_dests_locked(&ctx->svc));
	mutex_unlock(&ctx->kn.lock);
	mh_picks(ctx, c);
	for (k = 0; k < SCHED_KEYS; k++)
		moved += b[k] != c[k];
	KUNIT_EXPECT_GT(test, moved, 0U);

	set_weight(test, 3, 0);
	mh_picks(ctx, a);
	for (k = 0; k < SCHED_KEYS; k++) {
		if (c[k] == 3)
			gone += a[k] == -1;
		else
			KUNIT_EXPECT_EQ(test, a[k], c[k]);
	}
	KUNIT_EXPECT_GT(test, gone, 0U);
}

static struct kunit_case sched_test_cases[] = {
	KUNIT_CASE_PARAM(sched_seq_test, seq_gen_params),
	KUNIT_CASE(sched_wrr_edit_test),
	KUNIT_CASE(sched_wrr_add_test),
	KUNIT_CASE_PARAM(sched_wrr_grow_test, grow_gen_params),
	KUNIT_CASE(sched_wrr_overload_test),
	KUNIT_CASE(sched_hash_vectors_test),
	KUNIT_CASE_PARAM(sched_table_fill_test, fill_gen_params),
	KUNIT_CASE_PARAM(sched_hash_spread_test, spread_gen_params),
	KUNIT_CASE(sched_sh_port_off_test),
	KUNIT_CASE(sched_sh_unusable_test),
	KUNIT_CASE(sched_dh_unusable_test),
	KUNIT_CASE_PARAM(sched_hash_remove_test, hash_sched_gen_params),
	KUNIT_CASE(sched_unbind_rebind_gp_test),
	KUNIT_CASE(sched_mh_test),
	KUNIT_CASE(sched_lblc_addrs_test),
	KUNIT_CASE(sched_lblcr_overload_test),
	KUNIT_CASE(sched_twos_stream_test),
	KUNIT_CASE_PARAM(sched_twos_split_test, twos_split_gen_params),
	{}
};

static struct kunit_suite sched_test_suite = {
	.name = "kvs_sched",
	.init = sched_test_init,
	.exit = sched_test_exit,
	.test_cases = sched_test_cases,
};

kunit_test_suite(sched_test_suite);
