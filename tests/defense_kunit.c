// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of memory defense (core/defense.c): how the modes of
 * drop_entry, drop_packet and secure_tcp move with memory, the rate
 * drop_packet drops at, and that it drops exactly one new connection in
 * that many.  The expected values are the in-tree module's, read off
 * update_defense_level() and ip_vs_todrop() in ip_vs_ctl.c / ip_vs.h.
 */
#include <kunit/test.h>

#include "../core/netns.h"

struct defense_mode_case {
	int mode;
	bool nomem;
	int next;
	bool active;
};

static const struct defense_mode_case defense_mode_cases[] = {
	{ 0, false, 0, false },		/* off stays off */
	{ 0, true, 0, false },
	{ 1, false, 1, false },		/* automatic, memory plenty */
	{ 1, true, 2, true },		/* automatic, memory short: on, shown 2 */
	{ 2, true, 2, true },
	{ 2, false, 1, false },		/* memory back: off, shown 1 again */
	{ 3, false, 3, true },		/* always on */
	{ 3, true, 3, true },
};

static void defense_mode_desc(const struct defense_mode_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "mode %d, memory %s", c->mode,
		 c->nomem ? "short" : "plenty");
}

KUNIT_ARRAY_PARAM(defense_mode, defense_mode_cases, defense_mode_desc);

static void defense_mode_test(struct kunit *test)
{
	const struct defense_mode_case *c = test->param_value;
	bool active = !c->active;

	KUNIT_EXPECT_EQ(test, kvs_defense_mode(c->mode, c->nomem, &active),
			c->next);
	KUNIT_EXPECT_EQ(test, active, c->active);
}

struct defense_rate_case {
	const char *desc;
	int mode;
	long avail;
	int amemthresh;
	int am_droprate;
	int rate;
};

static const struct defense_rate_case defense_rate_cases[] = {
	{ "off", 0, 100, 1000, 10, 0 },
	{ "automatic, memory plenty", 1, 2000, 1000, 10, 0 },
	{ "short by 40%: 1 in 2", 2, 600, 1000, 10, 2 },
	{ "short by 10%: 1 in 10", 2, 900, 1000, 10, 10 },
	{ "one page short: 1 in amemthresh", 2, 999, 1000, 10, 1000 },
	{ "short by half or more: every one", 2, 400, 1000, 10, 1 },
	{ "none left: every one", 2, 0, 1000, 10, 1 },
	{ "always: 1 in am_droprate", 3, 2000, 1000, 10, 10 },
	{ "always, am_droprate 3", 3, 0, 1000, 3, 3 },
	{ "always, am_droprate 0: none", 3, 0, 1000, 0, 0 },
};

static void defense_rate_desc(const struct defense_rate_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(defense_rate, defense_rate_cases, defense_rate_desc);

static void defense_rate_test(struct kunit *test)
{
	const struct defense_rate_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, kvs_defense_drop_rate(c->mode, c->avail,
						    c->amemthresh,
						    c->am_droprate), c->rate);
}

static struct kvs_net *defense_net(struct kunit *test)
{
	struct kvs_net *kn = kunit_kzalloc(test, sizeof(*kn), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, kn);
	mutex_init(&kn->lock);
	kvs_sysctl_defaults(kn);
	return kn;
}

/* Which of @n new connections drop_packet drops, as a bitmap. */
static u64 defense_drops(struct kvs_net *kn, unsigned int n)
{
	u64 dropped = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (kvs_defense_drop_packet(kn))
			dropped |= BIT_ULL(i);
	return dropped;
}

/*
 * One in drop_rate exactly; a fresh count (as mode 3 starts with)
 * drops the first, a restarted one (mode 2) the drop_rate-th.
 */
static void defense_drop_packet_test(struct kunit *test)
{
	struct kvs_net *kn = defense_net(test);

	KUNIT_EXPECT_EQ(test, defense_drops(kn, 64), 0);

	kn->defense.drop_rate = 4;
	KUNIT_EXPECT_EQ(test, defense_drops(kn, 40),
			0x1111111111ULL);
	atomic_set(&kn->defense.drop_counter, 4);
	KUNIT_EXPECT_EQ(test, defense_drops(kn, 12), 0x888);

	/* A count left over runs out before a new rate applies. */
	kn->defense.drop_rate = 1;
	KUNIT_EXPECT_EQ(test, defense_drops(kn, 16), 0xfff8);
	KUNIT_EXPECT_EQ(test, defense_drops(kn, 16), 0xffff);

	kn->defense.drop_rate = 0;
	KUNIT_EXPECT_EQ(test, defense_drops(kn, 16), 0);
}

/*
 * The update as the work and the sysctls run it, step by step on one
 * namespace: the modes shown (drop_entry, drop_packet, secure_tcp) move
 * with memory against amemthresh, and what the data path reads follows.
 * A mode of -1 is left as the step before left it.
 */
struct defense_step {
	const char *desc;
	int set[3];
	int amemthresh;
	int am_droprate;
	int shown[3];
	bool drop_entry;
	int drop_rate;
	bool secure_tcp;
};

static const struct defense_step defense_steps[] = {
	{ "no machine has so little memory: nothing happens",
	  { 1, 1, 1 }, 0, 10, { 1, 1, 1 }, false, 0, false },
	{ "nor so much: all on, every new connection dropped",
	  { -1, -1, -1 }, INT_MAX, 10, { 2, 2, 2 }, true, 1, true },
	{ "off stays off whatever the memory",
	  { 0, -1, -1 }, INT_MAX, 10, { 0, 2, 2 }, false, 1, true },
	{ "memory back: automatic ones off again",
	  { -1, -1, -1 }, 0, 10, { 0, 1, 1 }, false, 0, false },
	{ "always on stays on with memory plenty, at am_droprate",
	  { -1, 3, 3 }, 0, 7, { 0, 3, 3 }, false, 7, true },
};

static void defense_update_test(struct kunit *test)
{
	struct kvs_net *kn = defense_net(test);
	struct kvs_sysctl *s = &kn->sysctl;
	int *mode[] = { &s->drop_entry, &s->drop_packet, &s->secure_tcp };
	struct kvs_defense *d = &kn->defense;
	unsigned int i, m;

	mutex_lock(&kn->lock);
	for (i = 0; i < ARRAY_SIZE(defense_steps); i++) {
		const struct defense_step *st = &defense_steps[i];

		for (m = 0; m < ARRAY_SIZE(mode); m++)
			if (st->set[m] >= 0)
				*mode[m] = st->set[m];
		s->amemthresh = st->amemthresh;
		s->am_droprate = st->am_droprate;
		kvs_defense_update(kn);
		for (m = 0; m < ARRAY_SIZE(mode); m++)
			KUNIT_EXPECT_EQ_MSG(test, *mode[m], st->shown[m],
					    "%s: mode %u", st->desc, m);
		KUNIT_EXPECT_EQ_MSG(test, d->drop_entry, st->drop_entry,
				    "%s", st->desc);
		KUNIT_EXPECT_EQ_MSG(test, d->drop_rate, st->drop_rate,
				    "%s", st->desc);
		KUNIT_EXPECT_EQ_MSG(test, d->secure_tcp, st->secure_tcp,
				    "%s", st->desc);
	}
	mutex_unlock(&kn->lock);
}

static struct kunit_case defense_test_cases[] = {
	KUNIT_CASE_PARAM(defense_mode_test, defense_mode_gen_params),
	KUNIT_CASE_PARAM(defense_rate_test, defense_rate_gen_params),
	KUNIT_CASE(defense_drop_packet_test),
	KUNIT_CASE(defense_update_test),
	{}
};

static struct kunit_suite defense_test_suite = {
	.name = "kvs_defense",
	.test_cases = defense_test_cases,
};

kunit_test_suite(defense_test_suite);
