// SPDX-License-Identifier: GPL-2.0
/*
 * Maglev hashing (Eisenbud et al., NSDI 2016, section 3.4): every dest
 * derives from its address and port a preference order over the slots
 * of a prime-sized table, and the dests take turns claiming their next
 * free slot (a dest of weight w, in units of the weights' gcd, w turns
 * in a row) until every slot is owned.  A client's address (and with
 * the mh-port flag its source port) hashes to a slot.  Adding or
 * removing one dest moves few slots, so directors that hash alike keep
 * sending a client to the same real server.
 *
 * Choices equal in-tree's mh for the same dests, order and weights: the
 * same 4093 slots, the same keyed hsiphash, turns counted from a dest's
 * last nonzero weight (a quiesced dest keeps its slots, whose clients
 * are refused or, with mh-fallback, rehashed on to a usable dest).
 *
 * Beyond in-tree: the scheduler flag flag-3 (IP_VS_SVC_F_SCHED3, `-b
 * flag-3`) deals the turns in address order rather than in the order
 * the dests were added, so directors configured in different orders
 * build the same table.
 */
#include <linux/bitmap.h>
#include <linux/gcd.h>
#include <linux/module.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "../core/plugin.h"

#define MH_FALLBACK		IP_VS_SVC_F_SCHED1
#define MH_PORT			IP_VS_SVC_F_SCHED2
#define MH_SORTED		IP_VS_SVC_F_SCHED3

/* In-tree's default CONFIG_IP_VS_MH_TAB_INDEX 12: primes[12 - 8]. */
#define MH_TAB_SIZE		4093
/* Weights over gcd are cut to this many bits (12 / 2, as in-tree). */
#define MH_WEIGHT_BITS		6

/* The fixed keys in-tree uses, so that every director hashes alike. */
static const hsiphash_key_t mh_key_slot = {
	.key = { 2654435761UL, 2654435761UL },
};

static const hsiphash_key_t mh_key_skip = {
	.key = { 2654446892UL, 2654446892UL },
};

struct mh_table {
	struct rcu_head rcu;
	struct kvs_dest *slot[MH_TAB_SIZE];	/* READ_ONCE */
};

/* One dest's walk over the slots while the table is filled. */
struct mh_walk {
	struct kvs_dest *dest;
	unsigned int next;		/* the slot it tries next */
	unsigned int skip;
	int turns;
};

static u32 mh_hash(u16 af, const union nf_inet_addr *addr, __be16 port,
		   const hsiphash_key_t *key, unsigned int offset)
{
	__be32 fold = addr->ip;
	u32 v;

	if (af == AF_INET6)
		fold = addr->ip6[0] ^ addr->ip6[1] ^ addr->ip6[2] ^
		       addr->ip6[3];
	v = offset + ntohs(port) + ntohl(fold);
	return hsiphash(&v, sizeof(v), key);
}

static int mh_dest_cmp(const void *a, const void *b)
{
	const struct mh_walk *x = a, *y = b;
	int d;

	d = memcmp(&x->dest->addr, &y->dest->addr, sizeof(x->dest->addr));
	if (d)
		return d;
	return (int)ntohs(x->dest->port) - (int)ntohs(y->dest->port);
}

/*
 * Fill @t from @set: every slot, or none when no dest ever had a
 * weight.  Returns -ENOMEM, leaving @t untouched, without scratch
 * memory.  kvs_net.lock held.
 */
static int mh_fill(struct mh_table *t, const struct kvs_service *svc,
		   const struct kvs_dest_set *set)
{
	unsigned int n = set->n, i, filled = 0;
	int g = 0, top = 0, shift, lw, taken;
	unsigned long *used;
	struct mh_walk *w;

	for (i = 0; i < n; i++) {
		lw = READ_ONCE(set->dest[i]->last_weight);
		if (lw > 0)
			g = g ? gcd(g, lw) : lw;
		top = max(top, lw);
	}
	if (!g || n > MH_TAB_SIZE) {
		memset(t->slot, 0, sizeof(t->slot));
		return 0;
	}
	shift = max(fls(top / g) - MH_WEIGHT_BITS, 0);

	w = kcalloc(n, sizeof(*w), GFP_KERNEL);
	used = bitmap_zalloc(MH_TAB_SIZE, GFP_KERNEL);
	if (!w || !used) {
		kfree(w);
		bitmap_free(used);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		struct kvs_dest *d = set->dest[i];

		lw = READ_ONCE(d->last_weight);
		w[i].dest = d;
		w[i].next = mh_hash(svc->key.af, &d->addr, d->port,
				    &mh_key_slot, 0) % MH_TAB_SIZE;
		w[i].skip = mh_hash(svc->key.af, &d->addr, d->port,
				    &mh_key_skip, 0) % (MH_TAB_SIZE - 1) + 1;
		w[i].turns = ((lw / g) >> shift) ?: (lw != 0);
	}
	if (READ_ONCE(svc->flags) & MH_SORTED)
		sort(w, n, sizeof(*w), mh_dest_cmp, NULL);

	/* Round after round over the dests until every slot is taken. */
	while (filled < MH_TAB_SIZE) {
		for (i = 0; i < n && filled < MH_TAB_SIZE; i++) {
			for (taken = 0; taken < w[i].turns &&
			     filled < MH_TAB_SIZE; taken++) {
				while (test_bit(w[i].next, used)) {
					w[i].next += w[i].skip;
					if (w[i].next >= MH_TAB_SIZE)
						w[i].next -= MH_TAB_SIZE;
				}
				__set_bit(w[i].next, used);
				/* Readers may be using @t in place. */
				WRITE_ONCE(t->slot[w[i].next], w[i].dest);
				filled++;
			}
		}
	}
	kfree(w);
	bitmap_free(used);
	return 0;
}

/*
 * Build a new table aside and publish it whole; the old one is freed
 * after a grace period.  Without memory, the old table is emptied in
 * place (new connections are refused until the next change) rather
 * than left pointing at dests that may have left.  kvs_net.lock held.
 */
static int mh_build(struct kvs_service *svc)
{
	const struct kvs_dest_set *set = kvs_dests_locked(svc);
	struct mh_table *old, *t;
	unsigned int i;

	old = rcu_dereference_protected(svc->sched_data,
					lockdep_is_held(&svc->kn->lock));
	t = kvzalloc(sizeof(*t), GFP_KERNEL);
	if (t && !mh_fill(t, svc, set)) {
		rcu_assign_pointer(svc->sched_data, t);
		if (old)
			kvfree_rcu(old, rcu);
		return 0;
	}
	kvfree(t);
	if (!old)
		return -ENOMEM;
	pr_warn_ratelimited("mh: no memory for a new table, service refused until its next change\n");
	for (i = 0; i < MH_TAB_SIZE; i++)
		WRITE_ONCE(old->slot[i], NULL);
	return 0;
}

static int mh_init_service(struct kvs_service *svc)
{
	return mh_build(svc);
}

static void mh_update_service(struct kvs_service *svc,
			      const struct kvs_dest_set *old)
{
	mh_build(svc);
}

static void mh_done_service(struct kvs_service *svc)
{
	struct mh_table *t = rcu_dereference_protected(svc->sched_data, 1);

	RCU_INIT_POINTER(svc->sched_data, NULL);
	if (t)
		kvfree_rcu(t, rcu);
}

/*
 * The slot's dest was unusable: try slots hashed with growing offsets
 * from @first on, as in-tree does, until a usable dest or an empty slot.
 */
static struct kvs_dest *mh_fallback(const struct mh_table *t, u16 af,
				    const union nf_inet_addr *addr,
				    __be16 port, unsigned int first)
{
	struct kvs_dest *dest;
	unsigned int k, s;

	for (k = 0; k < MH_TAB_SIZE; k++) {
		s = mh_hash(af, addr, port, &mh_key_slot,
			    (k + first) % MH_TAB_SIZE) % MH_TAB_SIZE;
		dest = READ_ONCE(t->slot[s]);
		if (!dest)
			break;
		if (kvs_dest_usable(dest))
			return dest;
	}
	return NULL;
}

static struct kvs_dest *mh_schedule(struct kvs_service *svc,
				    const struct sk_buff *skb,
				    const struct kvs_iph *iph)
{
	const struct mh_table *t = rcu_dereference(svc->sched_data);
	u32 flags = READ_ONCE(svc->flags);
	__be16 port = flags & MH_PORT ? iph->sport : 0;
	u16 af = svc->key.af;
	struct kvs_dest *dest;
	unsigned int s;

	if (!t)
		return NULL;
	s = mh_hash(af, &iph->saddr, port, &mh_key_slot, 0) % MH_TAB_SIZE;
	dest = READ_ONCE(t->slot[s]);
	if (!dest || kvs_dest_usable(dest))
		return dest;
	if (flags & MH_FALLBACK)
		return mh_fallback(t, af, &iph->saddr, port, s);
	return NULL;
}

static struct kvs_scheduler mh_sched = {
	.name		= "mh",
	.owner		= THIS_MODULE,
	.init_service	= mh_init_service,
	.done_service	= mh_done_service,
	.update_service	= mh_update_service,
	.schedule	= mh_schedule,
};

module_kvs_scheduler(mh_sched);
MODULE_DESCRIPTION("kvs Maglev-hashing scheduler");
MODULE_LICENSE("GPL");
