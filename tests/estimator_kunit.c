// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the rate estimator's arithmetic (core/estimator.c): one
 * smoothing step, the decoding of an average, and whole sequences of
 * samples, with the values the in-tree estimator computes for them.
 */
#include <kunit/test.h>

#include "../core/estimator.h"

struct smooth_case {
	const char *name;
	enum kvs_rate rate;
	u64 avg;		/* before */
	u64 delta;		/* counter growth over 2 s */
	u64 want;		/* average after */
};

static const struct smooth_case smooth_cases[] = {
	/* 200 packets in 2 s: 100/s = 102400 scaled; a quarter of it. */
	{ "pps from 0", KVS_RATE_INPPS, 0, 200, 25600 },
	{ "pps second step", KVS_RATE_INPPS, 25600, 200, 44800 },
	{ "pps at its rate stays", KVS_RATE_OUTPPS, 102400, 200, 102400 },
	{ "pps falls a quarter", KVS_RATE_INPPS, 102400, 0, 76800 },
	/* Falling by less than 4 still moves: the shift is arithmetic. */
	{ "tiny average falls", KVS_RATE_CPS, 1, 0, 0 },
	{ "small average falls", KVS_RATE_CPS, 3, 0, 2 },
	{ "cps one conn", KVS_RATE_CPS, 0, 1, 128 },
	/* Bytes are scaled by 2^5: 1000 B in 2 s is 500 B/s = 16000. */
	{ "bps from 0", KVS_RATE_INBPS, 0, 1000, 4000 },
	{ "bps at its rate stays", KVS_RATE_OUTBPS, 16000, 1000, 16000 },
	/* 10 Gbit/s for 2 s does not overflow. */
	{ "bps 10G", KVS_RATE_INBPS, 0, 2500000000ULL, 10000000000ULL },
};

static void smooth_desc(const struct smooth_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(smooth, smooth_cases, smooth_desc);

static void est_smooth_test(struct kunit *test)
{
	const struct smooth_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, kvs_est_smooth(c->avg, c->delta, c->rate),
			c->want);
}

struct decode_case {
	const char *name;
	enum kvs_rate rate;
	u64 avg;
	u64 want;
};

static const struct decode_case decode_cases[] = {
	{ "zero", KVS_RATE_CPS, 0, 0 },
	/* Nearest unit; exactly one half goes down, as in-tree. */
	{ "just under half", KVS_RATE_CPS, 511, 0 },
	{ "half", KVS_RATE_CPS, 512, 0 },
	{ "just over half", KVS_RATE_CPS, 513, 1 },
	{ "one", KVS_RATE_INPPS, 1024, 1 },
	{ "25.5 pps", KVS_RATE_INPPS, 25600, 25 },
	{ "43.75 pps", KVS_RATE_OUTPPS, 44800, 44 },
	{ "bytes half", KVS_RATE_INBPS, 16, 0 },
	{ "bytes over half", KVS_RATE_INBPS, 17, 1 },
	{ "125 B/s", KVS_RATE_OUTBPS, 4000, 125 },
};

static void decode_desc(const struct decode_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(decode, decode_cases, decode_desc);

static void est_decode_test(struct kunit *test)
{
	const struct decode_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, kvs_est_decode(c->avg, c->rate), c->want);
}

/* A steady 100 pps read after each 2 s sample, then silence. */
static void est_sequence_test(struct kunit *test)
{
	static const u64 rise[] = { 25, 44, 58, 68, 76, 82, 87, 90, 92, 94 };
	static const u64 fall[] = { 71, 53, 40, 30, 22, 17, 13, 9, 7, 5 };
	u64 avg = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(rise); i++) {
		avg = kvs_est_smooth(avg, 200, KVS_RATE_INPPS);
		KUNIT_EXPECT_EQ_MSG(test, kvs_est_decode(avg, KVS_RATE_INPPS),
				    rise[i], "rising sample %d", i);
	}
	for (i = 0; i < ARRAY_SIZE(fall); i++) {
		avg = kvs_est_smooth(avg, 0, KVS_RATE_INPPS);
		KUNIT_EXPECT_EQ_MSG(test, kvs_est_decode(avg, KVS_RATE_INPPS),
				    fall[i], "falling sample %d", i);
	}
	/* Long silence ends at exactly 0, not at a residue. */
	for (i = 0; i < 100; i++)
		avg = kvs_est_smooth(avg, 0, KVS_RATE_INPPS);
	KUNIT_EXPECT_EQ(test, avg, 0ULL);
}

static struct kunit_case estimator_cases[] = {
	KUNIT_CASE_PARAM(est_smooth_test, smooth_gen_params),
	KUNIT_CASE_PARAM(est_decode_test, decode_gen_params),
	KUNIT_CASE(est_sequence_test),
	{}
};

static struct kunit_suite estimator_suite = {
	.name = "kvs_estimator",
	.test_cases = estimator_cases,
};

kunit_test_suite(estimator_suite);
