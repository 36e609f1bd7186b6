/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzzers' random numbers (kvs_nlfuzz, kvs_syncfuzz): one sequence
 * per seed, the same on every machine, so that a seed replays exactly.
 */
#ifndef KVS_FUZZ_RNG_H
#define KVS_FUZZ_RNG_H

#include <linux/types.h>
#include <stdlib.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

static u64 rng;

/* The state for seed @arg (a number in any base strtoull takes). */
static inline void rnd_seed(const char *arg)
{
	rng = strtoull(arg, NULL, 0) * 0x9e3779b97f4a7c15ULL | 1;
}

/* xorshift64*: small, and the same sequence on every machine. */
static inline u64 rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static inline u32 below(u32 n)
{
	return n ? (u32)(rnd() % n) : 0;
}

static inline int chance(u32 percent)
{
	return below(100) < percent;
}

#endif
