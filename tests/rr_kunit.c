// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the round-robin scheduler (sched/kvs_rr.c), reached
 * through the scheduler registry as a service would, and of binding a
 * scheduler to a service.  Dest sets are built by hand, newest first as
 * the control plane keeps them, and changed as it changes them: the
 * expected choices are those of the in-tree ip_vs_rr for the same list.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "../core/sched.h"

#define RR_DESTS	8	/* dests 'A' to 'H' */

struct rr_ctx {
	struct kvs_net *kn;
	struct kvs_service *svc;
	struct kvs_dest *dest[RR_DESTS];
	bool bound;
};

static struct kvs_dest *rr_dest(struct rr_ctx *ctx, char name)
{
	return ctx->dest[name - 'A'];
}

static char rr_name(struct rr_ctx *ctx, const struct kvs_dest *d)
{
	unsigned int i;

	for (i = 0; i < RR_DESTS; i++)
		if (ctx->dest[i] == d)
			return 'A' + i;
	return d ? '?' : '-';
}

static int rr_test_init(struct kunit *test)
{
	struct kvs_scheduler *sched;
	struct rr_ctx *ctx;
	unsigned int i;
	int err;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->kn = kunit_kzalloc(test, sizeof(*ctx->kn), GFP_KERNEL);
	ctx->svc = kunit_kzalloc(test, sizeof(*ctx->svc), GFP_KERNEL);
	if (!ctx->kn || !ctx->svc)
		return -ENOMEM;
	mutex_init(&ctx->kn->lock);
	ctx->svc->kn = ctx->kn;
	refcount_set(&ctx->svc->refcnt, 1);
	for (i = 0; i < RR_DESTS; i++) {
		ctx->dest[i] = kunit_kzalloc(test, sizeof(*ctx->dest[i]),
					     GFP_KERNEL);
		if (!ctx->dest[i])
			return -ENOMEM;
		ctx->dest[i]->svc = ctx->svc;
		ctx->dest[i]->af = AF_INET;
		ctx->dest[i]->addr.ip = htonl(0x0a000001 + i);
		ctx->dest[i]->port = htons(80);
		ctx->dest[i]->weight = 1;
		set_bit(KVS_DEST_AVAILABLE, &ctx->dest[i]->flags);
		refcount_set(&ctx->dest[i]->refcnt, 1);
	}
	test->priv = ctx;

	sched = kvs_sched_get("rr");
	if (!sched)
		return -ENOENT;
	mutex_lock(&ctx->kn->lock);
	err = kvs_sched_bind(ctx->svc, sched);
	mutex_unlock(&ctx->kn->lock);
	if (err) {
		kvs_sched_put(sched);
		return err;
	}
	ctx->bound = true;
	return 0;
}

static void rr_test_exit(struct kunit *test)
{
	struct rr_ctx *ctx = test->priv;

	if (!ctx)
		return;
	if (ctx->bound) {
		mutex_lock(&ctx->kn->lock);
		kvs_sched_unbind(ctx->svc);
		mutex_unlock(&ctx->kn->lock);
	}
	/* rr frees its data with kfree_rcu(); the sets go with the test. */
	rcu_barrier();
	mutex_destroy(&ctx->kn->lock);
}

/* Publish the set named by @names (newest first), as the control plane. */
static void rr_publish(struct kunit *test, const char *names, bool update)
{
	struct rr_ctx *ctx = test->priv;
	struct kvs_dest_set *set, *old;
	unsigned int i, n = strlen(names);

	set = kunit_kzalloc(test, sizeof(*set), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, set);
	set->dest = kunit_kcalloc(test, n ? n : 1, sizeof(set->dest[0]),
				  GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, set->dest);
	set->n = n;
	for (i = 0; i < n; i++)
		set->dest[i] = rr_dest(ctx, names[i]);

	mutex_lock(&ctx->kn->lock);
	old = kvs_dests_locked(ctx->svc);
	rcu_assign_pointer(ctx->svc->dests, set);
	if (update)
		kvs_sched_update(ctx->svc, old);
	mutex_unlock(&ctx->kn->lock);
	/* Old sets stay allocated until the test ends: no reader to wait for. */
}

/* What the data path asks: one choice, under RCU with BHs off. */
static struct kvs_dest *rr_pick(struct rr_ctx *ctx)
{
	struct kvs_scheduler *sched;
	struct kvs_dest *d = NULL;

	local_bh_disable();
	rcu_read_lock();
	sched = rcu_dereference(ctx->svc->sched);
	if (sched)
		d = sched->schedule(ctx->svc, NULL, NULL);
	rcu_read_unlock();
	local_bh_enable();
	return d;
}

enum rr_op {
	RR_END,
	RR_SET,		/* publish the set @arg and tell the scheduler */
	RR_SWAP,	/* publish the set @arg, scheduler not told yet */
	RR_UPDATE,	/* weights changed: update with the current set */
	RR_PICK,	/* the choices @arg, '-' for none */
	RR_WEIGHT,	/* dests @arg get weight @val */
	RR_OVER,	/* dests @arg get KVS_DEST_OVERLOAD set (@val) or not */
	RR_REBIND,	/* kvs_sched_rebind() to a fresh rr */
};

struct rr_step {
	enum rr_op op;
	const char *arg;
	int val;
};

struct rr_case {
	const char *desc;
	struct rr_step steps[12];
};

static const struct rr_case rr_cases[] = {
	{ "three dests cycle in set order", {
		{ RR_SET, "ABC" }, { RR_PICK, "ABCABCA" } } },
	{ "added A then B: B first, as in-tree", {
		{ RR_SET, "A" }, { RR_SET, "BA" }, { RR_PICK, "BABA" } } },
	{ "a single dest every time", {
		{ RR_SET, "A" }, { RR_PICK, "AAA" } } },
	{ "quiescent (weight 0) dest skipped", {
		{ RR_SET, "ABC" }, { RR_WEIGHT, "B", 0 }, { RR_UPDATE },
		{ RR_PICK, "ACAC" }, { RR_WEIGHT, "B", 1 }, { RR_UPDATE },
		{ RR_PICK, "ABC" } } },
	{ "overloaded dest skipped until it is not", {
		{ RR_SET, "ABC" }, { RR_OVER, "B", 1 }, { RR_PICK, "ACA" },
		{ RR_OVER, "B", 0 }, { RR_PICK, "BCA" } } },
	{ "nothing usable: no choice", {
		{ RR_SET, "AB" }, { RR_WEIGHT, "AB", 0 }, { RR_PICK, "--" },
		{ RR_WEIGHT, "B", 1 }, { RR_PICK, "BB" } } },
	{ "nothing usable keeps the position", {
		{ RR_SET, "ABC" }, { RR_PICK, "A" }, { RR_OVER, "ABC", 1 },
		{ RR_PICK, "-" }, { RR_OVER, "ABC", 0 }, { RR_PICK, "BC" } } },
	{ "no dests or an empty set: no choice", {
		{ RR_PICK, "-" }, { RR_SET, "" }, { RR_PICK, "-" },
		{ RR_SET, "A" }, { RR_PICK, "A" } } },
	{ "adding at the front keeps the cycle on the same dest", {
		{ RR_SET, "A" }, { RR_PICK, "A" }, { RR_SET, "BA" },
		{ RR_PICK, "BAB" }, { RR_SET, "CBA" }, { RR_PICK, "ACBA" } } },
	{ "removing the last chosen continues from its predecessor", {
		{ RR_SET, "CBA" }, { RR_PICK, "CB" }, { RR_SET, "CA" },
		{ RR_PICK, "ACA" } } },
	{ "removing the head when chosen last starts over", {
		{ RR_SET, "CBA" }, { RR_PICK, "C" }, { RR_SET, "BA" },
		{ RR_PICK, "BAB" } } },
	{ "removing the tail when chosen last wraps", {
		{ RR_SET, "CBA" }, { RR_PICK, "CBA" }, { RR_SET, "CB" },
		{ RR_PICK, "CBC" } } },
	{ "removing another dest keeps the cycle", {
		{ RR_SET, "CBA" }, { RR_PICK, "CB" }, { RR_SET, "CB" },
		{ RR_PICK, "CBC" } } },
	{ "removing the last chosen and its predecessor", {
		{ RR_SET, "DCBA" }, { RR_PICK, "DCB" }, { RR_SET, "DA" },
		{ RR_PICK, "AD" } } },
	{ "removing everything, then adding again", {
		{ RR_SET, "BA" }, { RR_PICK, "B" }, { RR_SET, "" },
		{ RR_PICK, "-" }, { RR_SET, "DC" }, { RR_PICK, "DCD" } } },
	{ "a dest removed and added back goes to the front", {
		{ RR_SET, "BA" }, { RR_PICK, "BA" }, { RR_SET, "A" },
		{ RR_PICK, "A" }, { RR_SET, "BA" }, { RR_PICK, "BAB" } } },
	{ "a weight change keeps the position", {
		{ RR_SET, "ABC" }, { RR_PICK, "AB" }, { RR_WEIGHT, "A", 5 },
		{ RR_UPDATE }, { RR_PICK, "CA" } } },
	{ "a new set seen before the update is bounds-checked", {
		{ RR_SET, "ABCD" }, { RR_PICK, "ABCD" }, { RR_SWAP, "AB" },
		{ RR_PICK, "AB" } } },
	{ "rebinding starts the cycle over", {
		{ RR_SET, "ABC" }, { RR_PICK, "AB" }, { RR_REBIND },
		{ RR_PICK, "ABC" } } },
};

static void rr_case_desc(const struct rr_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rr, rr_cases, rr_case_desc);

static void rr_run_step(struct kunit *test, const struct rr_step *s,
			unsigned int i)
{
	struct rr_ctx *ctx = test->priv;
	struct kvs_scheduler *sched;
	const char *p;

	switch (s->op) {
	case RR_SET:
	case RR_SWAP:
		rr_publish(test, s->arg, s->op == RR_SET);
		break;
	case RR_UPDATE:
		mutex_lock(&ctx->kn->lock);
		kvs_sched_update(ctx->svc, kvs_dests_locked(ctx->svc));
		mutex_unlock(&ctx->kn->lock);
		break;
	case RR_PICK:
		for (p = s->arg; *p; p++)
			KUNIT_EXPECT_EQ_MSG(test, rr_name(ctx, rr_pick(ctx)),
					    *p, "step %u, choice %zu", i,
					    p - s->arg);
		break;
	case RR_WEIGHT:
		for (p = s->arg; *p; p++)
			WRITE_ONCE(rr_dest(ctx, *p)->weight, s->val);
		break;
	case RR_OVER:
		for (p = s->arg; *p; p++)
			assign_bit(KVS_DEST_OVERLOAD, &rr_dest(ctx, *p)->flags,
				   s->val);
		break;
	case RR_REBIND:
		sched = kvs_sched_get("rr");
		KUNIT_ASSERT_NOT_NULL(test, sched);
		mutex_lock(&ctx->kn->lock);
		KUNIT_EXPECT_EQ(test, kvs_sched_rebind(ctx->svc, sched), 0);
		mutex_unlock(&ctx->kn->lock);
		break;
	case RR_END:
		break;
	}
}

static void rr_sequence_test(struct kunit *test)
{
	const struct rr_case *c = test->param_value;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c->steps) && c->steps[i].op != RR_END; i++)
		rr_run_step(test, &c->steps[i], i);
}

/* Over many rounds each usable dest gets exactly its share. */
static void rr_fairness_test(struct kunit *test)
{
	struct rr_ctx *ctx = test->priv;
	unsigned int count[RR_DESTS] = {}, i;
	struct kvs_dest *d;

	rr_publish(test, "HGFEDCBA", true);
	WRITE_ONCE(rr_dest(ctx, 'C')->weight, 0);
	set_bit(KVS_DEST_OVERLOAD, &rr_dest(ctx, 'F')->flags);
	for (i = 0; i < 600; i++) {
		d = rr_pick(ctx);
		KUNIT_ASSERT_NOT_NULL(test, d);
		count[rr_name(ctx, d) - 'A']++;
	}
	for (i = 0; i < RR_DESTS; i++)
		KUNIT_EXPECT_EQ_MSG(test, count[i],
				    i == 'C' - 'A' || i == 'F' - 'A' ? 0 : 100,
				    "dest %c", 'A' + i);
}

/* The registry, and what binding and unbinding leave in the service. */
static void rr_bind_test(struct kunit *test)
{
	struct rr_ctx *ctx = test->priv;
	struct kvs_scheduler *sched;

	sched = kvs_sched_get("rr");
	KUNIT_ASSERT_NOT_NULL(test, sched);
	KUNIT_EXPECT_STREQ(test, sched->name, "rr");
	KUNIT_EXPECT_NOT_NULL(test, sched->init_service);
	KUNIT_EXPECT_NOT_NULL(test, sched->done_service);
	KUNIT_EXPECT_NOT_NULL(test, sched->update_service);
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(ctx->svc->sched), sched);
	kvs_sched_put(sched);
	KUNIT_EXPECT_NULL(test, kvs_sched_get("kvs-no-such-scheduler"));

	KUNIT_EXPECT_NOT_NULL(test, rcu_access_pointer(ctx->svc->sched_data));
	mutex_lock(&ctx->kn->lock);
	kvs_sched_unbind(ctx->svc);
	mutex_unlock(&ctx->kn->lock);
	ctx->bound = false;
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(ctx->svc->sched));
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(ctx->svc->sched_data));

	/* An unbound service schedules nothing; a second unbind is a no-op. */
	rr_publish(test, "A", true);
	KUNIT_EXPECT_NULL(test, rr_pick(ctx));
	mutex_lock(&ctx->kn->lock);
	kvs_sched_unbind(ctx->svc);
	mutex_unlock(&ctx->kn->lock);
}

static struct kunit_case rr_test_cases[] = {
	KUNIT_CASE_PARAM(rr_sequence_test, rr_gen_params),
	KUNIT_CASE(rr_fairness_test),
	KUNIT_CASE(rr_bind_test),
	{}
};

static struct kunit_suite rr_test_suite = {
	.name = "kvs_rr",
	.init = rr_test_init,
	.exit = rr_test_exit,
	.test_cases = rr_test_cases,
};

kunit_test_suite(rr_test_suite);
