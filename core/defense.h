/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory defense (core/defense.c): the sysctls amemthresh, drop_entry,
 * drop_packet, am_droprate and secure_tcp acted on, as in-tree.
 */
#ifndef _KVS_DEFENSE_H
#define _KVS_DEFENSE_H

#include <linux/atomic.h>
#include <linux/workqueue.h>

/*
 * Memory defense (core/defense.c): what the sysctls amemthresh,
 * drop_entry, drop_packet, am_droprate and secure_tcp currently ask for.
 * Recomputed once a second by @work and on a write of a defense mode,
 * both under kvs_net.lock; the data path reads @drop_rate and
 * @secure_tcp with READ_ONCE.
 */
#define KVS_DEFENSE_PKTS	9	/* drop_entry looks at 0..8 packets */

struct kvs_defense {
	struct delayed_work work;
	/* drop_packet: drop 1 new connection in @drop_rate; 0 is off. */
	int drop_rate;
	atomic_t drop_counter;		/* new connections left to the next drop */
	bool drop_entry;		/* drop_entry is on: @work thins the table */
	bool secure_tcp;		/* TCP follows the secure state table */
	/* drop_entry's countdowns by packets seen; only @work uses them. */
	int entry_counter[KVS_DEFENSE_PKTS];
};

struct kvs_net;

void kvs_defense_init(struct kvs_net *kn);
void kvs_defense_start(struct kvs_net *kn);
void kvs_defense_stop(struct kvs_net *kn);
void kvs_defense_update(struct kvs_net *kn);
/* The pure parts, exposed for KUnit. */
int kvs_defense_mode(int mode, bool nomem, bool *active);
int kvs_defense_drop_rate(int mode, long avail, int amemthresh,
			  int am_droprate);

/*
 * drop_packet: should this packet, about to open a connection, be
 * dropped instead?  One in every drop_rate is, while defense is on.
 */
static inline bool kvs_defense_drop(struct kvs_defense *d)
{
	int rate = READ_ONCE(d->drop_rate);

	if (likely(!rate) || atomic_dec_return(&d->drop_counter) > 0)
		return false;
	atomic_set(&d->drop_counter, rate);
	return true;
}

/* kvs_net embeds struct kvs_defense, so netns.h includes this header. */
#define kvs_defense_drop_packet(kn)	kvs_defense_drop(&(kn)->defense)

#endif /* _KVS_DEFENSE_H */
