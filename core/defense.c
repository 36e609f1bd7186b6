// SPDX-License-Identifier: GPL-2.0
/*
 * Memory defense, as the in-tree sysctls drop_entry, drop_packet and
 * secure_tcp describe it: once a second each namespace compares the
 * memory available with amemthresh and turns each defense on or off
 * according to its mode, then, if drop_entry is on, ends some idle
 * connections and unused templates picked at random.  drop_packet is applied where a packet
 * would open a connection (kvs_defense_drop_packet), secure_tcp where a
 * TCP connection changes state (core/proto_tcp.c).
 */
#include <linux/mm.h>

#include "defense.h"
#include "netns.h"

#define DEFENSE_PERIOD		HZ

/*
 * A drop_entry candidate must have seen no packet for this long, so
 * that a connection in normal use gets through.
 */
#define DEFENSE_ENTRY_IDLE	(60 * HZ)

/*
 * A defense mode and whether memory is short of amemthresh give the
 * mode the sysctl shows next and whether the defense is on: 0 never,
 * 3 always, 1 ("automatic") turns into 2 while memory is short and 2
 * back into 1 once it is not.  Returns the new mode.
 */
int kvs_defense_mode(int mode, bool nomem, bool *active)
{
	if (mode == 1 && nomem)
		mode = 2;
	else if (mode == 2 && !nomem)
		mode = 1;
	*active = mode >= 2;
	return mode;
}

/*
 * drop_packet's rate for its new @mode: in mode 2 the shorter memory
 * is, the more is dropped (1 in amemthresh / (amemthresh - available),
 * so every packet once less than half of amemthresh is left); mode 3
 * drops 1 in am_droprate; 0 means nothing is dropped.
 */
int kvs_defense_drop_rate(int mode, long avail, int amemthresh,
			  int am_droprate)
{
	if (mode == 3)
		return am_droprate;
	if (mode == 2 && avail < amemthresh)
		return amemthresh / (amemthresh - avail);
	return 0;
}

/* What in-tree counts as available: free pages plus buffers. */
static long defense_avail_pages(void)
{
	struct sysinfo si;

	si_meminfo(&si);
	return si.freeram + si.bufferram;
}

/* Moves *@mode on (shown by its sysctl); returns the new mode. */
static int defense_step(int *mode, bool nomem, bool *active)
{
	int next = kvs_defense_mode(READ_ONCE(*mode), nomem, active);

	WRITE_ONCE(*mode, next);
	return next;
}

/* Recompute every defense from the sysctls; kn->lock held. */
void kvs_defense_update(struct kvs_net *kn)
{
	struct kvs_defense *d = &kn->defense;
	struct kvs_sysctl *s = &kn->sysctl;
	int thresh = READ_ONCE(s->amemthresh);
	long avail = defense_avail_pages();
	bool nomem = avail < thresh;
	bool active;
	int mode, rate;

	lockdep_assert_held(&kn->lock);
	defense_step(&s->drop_entry, nomem, &active);
	WRITE_ONCE(d->drop_entry, active);

	mode = defense_step(&s->drop_packet, nomem, &active);
	rate = kvs_defense_drop_rate(mode, avail, thresh,
				     READ_ONCE(s->am_droprate));
	/* As in-tree, mode 2 restarts the count; mode 3 carries on. */
	if (mode == 2)
		atomic_set(&d->drop_counter, rate);
	WRITE_ONCE(d->drop_rate, rate);

	defense_step(&s->secure_tcp, nomem, &active);
	WRITE_ONCE(d->secure_tcp, active);
}

/*
 * An established or datagram connection is dropped only once it has
 * been idle for DEFENSE_ENTRY_IDLE, and then by the packets it has
 * seen: never with none or more than 8, one in N candidates with N
 * packets.  The counts are the namespace's, touched only by its work.
 */
static bool defense_idle_pick(struct kvs_net *kn, struct kvs_conn *cp)
{
	unsigned int state = READ_ONCE(cp->state);
	unsigned long idle_until = READ_ONCE(cp->expires) + DEFENSE_ENTRY_IDLE;
	int *counter;
	u8 pkts;

	if (time_before(jiffies + cp->proto->timeout(kn, state), idle_until))
		return false;
	pkts = READ_ONCE(cp->in_pkts);
	if (!pkts || pkts >= KVS_DEFENSE_PKTS)
		return false;
	counter = &kn->defense.entry_counter[pkts];
	if (--*counter > 0)
		return false;
	*counter = pkts;
	return true;
}

/*
 * Which connections drop_entry ends: handshakes that never completed
 * always, idle established ones and datagram flows by defense_idle_pick,
 * nothing closing (it goes soon anyway), as in-tree.
 */
static bool defense_pick(struct kvs_conn *cp, void *arg)
{
	struct kvs_net *kn = arg;
	unsigned int state = READ_ONCE(cp->state);

	switch (cp->proto->protocol) {
	case IPPROTO_TCP:
		if (state == KVS_TCP_S_SYN_RECV || state == KVS_TCP_S_SYNACK)
			return true;
		return state == KVS_TCP_S_ESTABLISHED &&
		       defense_idle_pick(kn, cp);
	case IPPROTO_SCTP:
		if (state == KVS_SCTP_S_INIT1 || state == KVS_SCTP_S_INIT)
			return true;
		return state == KVS_SCTP_S_ESTABLISHED &&
		       defense_idle_pick(kn, cp);
	default:
		return defense_idle_pick(kn, cp);
	}
}

static void defense_work(struct work_struct *work)
{
	struct kvs_net *kn = container_of(to_delayed_work(work),
					  struct kvs_net, defense.work);

	mutex_lock(&kn->lock);
	kvs_defense_update(kn);
	mutex_unlock(&kn->lock);
	if (READ_ONCE(kn->defense.drop_entry)) {
		kvs_conn_drop_random(&kn->conns, defense_pick, kn);
		kvs_persist_drop_random(&kn->tpls);
	}
	queue_delayed_work(system_long_wq, &kn->defense.work, DEFENSE_PERIOD);
}

/* After the connection table and the sysctls are set up. */
void kvs_defense_init(struct kvs_net *kn)
{
	INIT_DELAYED_WORK(&kn->defense.work, defense_work);
}

/* With the namespace's first use (kvs_net_activate()). */
void kvs_defense_start(struct kvs_net *kn)
{
	queue_delayed_work(system_long_wq, &kn->defense.work, DEFENSE_PERIOD);
}

/* Before the connection table goes. */
void kvs_defense_stop(struct kvs_net *kn)
{
	cancel_delayed_work_sync(&kn->defense.work);
}
