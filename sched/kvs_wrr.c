// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted round robin: passes over the dests with a threshold that
 * starts at the largest weight and steps down by the gcd of the weights;
 * each pass takes every usable dest whose weight reaches the threshold.
 * A dest of weight w thus gets w/gcd turns per cycle, interleaved with
 * the others, in the order the in-tree wrr produces.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include "../core/plugin.h"

/*
 * @plan is the cycle's shape, fixed by update: top threshold (the
 * largest weight lowered by gcd - 1, so the last pass takes any
 * weight >= 1 even while a weight changes under us) in the upper half,
 * step in the lower.  @pos is where the cycle stands: the threshold in
 * the upper half and one plus the index of the last choice (0: start of
 * the set) in the lower.  Each is one 64-bit word so it is read whole;
 * @pos moves by cmpxchg, so concurrent CPUs each take a distinct turn.
 */
struct wrr_data {
	atomic64_t plan;
	atomic64_t pos;
	struct rcu_head rcu;
};

static u64 pack(int hi, int lo)
{
	return (u64)(u32)hi << 32 | (u32)lo;
}

static int hi_half(u64 v)
{
	return (int)(u32)(v >> 32);
}

static int lo_half(u64 v)
{
	return (int)(u32)v;
}

/*
 * One choice.  @last is the index chosen last time (-1: none, start at
 * the head), @cw the threshold it was chosen at; both are moved to the
 * new choice.  The walk ends without a choice once every dest has been
 * seen at threshold 1: from the head that is when the threshold wraps,
 * from the middle it takes one more pass up to @last.
 */
static struct kvs_dest *wrr_next(const struct kvs_dest_set *set, int mw,
				 int di, int *last, int *cw)
{
	bool last_pass = false, wrapped = false;
	int i = *last, stop = -1;
	struct kvs_dest *dest;

	for (;;) {
		for (i++; i < set->n; i++) {
			dest = set->dest[i];
			if (kvs_dest_usable(dest) &&
			    READ_ONCE(dest->weight) >= *cw) {
				*last = i;
				return dest;
			}
			if (i == stop) {
				*last = i;
				return NULL;
			}
		}
		i = -1;
		*cw -= di;
		if (*cw <= 0) {
			*cw = mw;
			if (last_pass || *last < 0) {
				*last = -1;
				return NULL;
			}
			wrapped = true;
		}
		last_pass = *cw <= di;
		if (last_pass && wrapped && *last >= 0)
			stop = *last;
	}
}

static struct kvs_dest *wrr_schedule(struct kvs_service *svc,
				     const struct sk_buff *skb,
				     const struct kvs_iph *iph)
{
	const struct kvs_dest_set *set = rcu_dereference(svc->dests);
	struct wrr_data *wrr = rcu_dereference(svc->sched_data);
	struct kvs_dest *dest;
	int mw, di, last, cw;
	u64 plan, pos;

	if (!set || !wrr)
		return NULL;
	plan = atomic64_read(&wrr->plan);
	mw = hi_half(plan);
	di = lo_half(plan);
	if (mw <= 0 || di <= 0)
		return NULL;

	pos = atomic64_read(&wrr->pos);
	do {
		cw = hi_half(pos);
		last = lo_half(pos) - 1;
		/* Only a racing update leaves these out of range. */
		if (last >= (int)set->n)
			last = -1;
		if (cw <= 0 || cw > mw)
			cw = mw;
		dest = wrr_next(set, mw, di, &last, &cw);
	} while (!atomic64_try_cmpxchg(&wrr->pos, &pos, pack(cw, last + 1)));
	return dest;
}

static u64 wrr_plan(const struct kvs_dest_set *set)
{
	int di = kvs_sched_gcd_weight(set);

	return pack(kvs_sched_max_weight(set) - (di - 1), di);
}

static int wrr_init_service(struct kvs_service *svc)
{
	struct wrr_data *wrr = kzalloc(sizeof(*wrr), GFP_KERNEL);
	u64 plan;

	if (!wrr)
		return -ENOMEM;
	plan = wrr_plan(kvs_dests_locked(svc));
	atomic64_set(&wrr->plan, plan);
	/* The first pass is at the top threshold, from the head. */
	atomic64_set(&wrr->pos, pack(hi_half(plan), 0));
	rcu_assign_pointer(svc->sched_data, wrr);
	return 0;
}

static void wrr_done_service(struct kvs_service *svc)
{
	struct wrr_data *wrr = rcu_dereference_protected(svc->sched_data, 1);

	RCU_INIT_POINTER(svc->sched_data, NULL);
	kfree_rcu(wrr, rcu);
}

/*
 * Restart from the head of the new set.  The threshold is kept where it
 * can be: clamped to the new top, or moved to the matching step of the
 * new gcd, as the in-tree update does, so that a weight edit does not
 * hand the heaviest dests a fresh burst each time.
 */
static void wrr_update_service(struct kvs_service *svc,
			       const struct kvs_dest_set *old)
{
	struct wrr_data *wrr = rcu_dereference_protected(svc->sched_data,
					lockdep_is_held(&svc->kn->lock));
	u64 plan = wrr_plan(kvs_dests_locked(svc));
	int mw = hi_half(plan), di = lo_half(plan);
	int cw = hi_half(atomic64_read(&wrr->pos));

	if (cw <= 0 || cw > mw)
		cw = mw;
	else if (di > 1)
		cw = cw / di * di + 1;
	atomic64_set(&wrr->plan, plan);
	atomic64_set(&wrr->pos, pack(cw, 0));
}

static struct kvs_scheduler wrr_sched = {
	.name		= "wrr",
	.owner		= THIS_MODULE,
	.init_service	= wrr_init_service,
	.done_service	= wrr_done_service,
	.update_service	= wrr_update_service,
	.schedule	= wrr_schedule,
};

module_kvs_scheduler(wrr_sched);
MODULE_DESCRIPTION("kvs weighted round-robin scheduler");
MODULE_LICENSE("GPL");
