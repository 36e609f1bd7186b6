// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of services and their dest sets (core/service.c), in
 * init_net's own tables, through the calls netlink makes: a service of
 * 10,000 real servers (its dest set is one array, far past what one
 * kmalloc of contiguous pages reliably gives), added with no grace period
 * between, every one of them found and scheduled to, then removed one by
 * one.
 */
#include <kunit/test.h>

#include "../core/netns.h"
#include "../core/plugin.h"
#include "../core/service.h"

#define SVC_DESTS	10000
#define SVC_VPORT	80
#define SVC_RPORT	8080
#define SVC_RBASE	0x0a100000	/* 10.16.0.0 + dest index */
/* Removals between grace periods, so old arrays do not pile up unfreed. */
#define SVC_BATCH	500

static void svc_dest_conf(struct kvs_dest_conf *dc, unsigned int i)
{
	memset(dc, 0, sizeof(*dc));
	dc->af = AF_INET;
	dc->addr.ip = htonl(SVC_RBASE + i);
	dc->port = htons(SVC_RPORT);
	dc->conn_flags = IP_VS_CONN_F_MASQ;
	dc->weight = 1;
}

static void svc_many_dests_test(struct kunit *test)
{
	struct kvs_net *kn = kvs_net(&init_net);
	struct kvs_service_conf sc = {};
	struct kvs_dest_room *room = NULL;
	struct kvs_dest_set *set;
	struct kvs_service *svc;
	struct kvs_dest_conf dc;
	struct kvs_dest *dest;
	unsigned int i, n, rooms = 0;
	int err = 0;

	strscpy(sc.sched_name, "rr", sizeof(sc.sched_name));
	kvs_service_key_init(&sc.key);
	sc.key.af = AF_INET;
	sc.key.protocol = IPPROTO_TCP;
	sc.key.addr.ip = htonl(0xc0000264);	/* 192.0.2.100 */
	sc.key.port = htons(SVC_VPORT);

	mutex_lock(&kn->lock);
	err = kvs_service_add(kn, &sc);
	svc = kvs_service_lookup(kn, &sc.key);
	mutex_unlock(&kn->lock);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_ASSERT_NOT_NULL(test, svc);

	/*
	 * With no grace period between the adds (a restore): the sets
	 * share an array that doubles when full, a dozen arrays in all
	 * rather than one of n per add (400 MB of them waiting for RCU).
	 */
	for (i = 0; i < SVC_DESTS && !err; i++) {
		svc_dest_conf(&dc, i);
		mutex_lock(&kn->lock);
		err = kvs_dest_add(svc, &dc);
		set = kvs_dests_locked(svc);
		if (set->room != room) {
			room = set->room;
			rooms++;
		}
		mutex_unlock(&kn->lock);
	}
	KUNIT_EXPECT_EQ_MSG(test, err, 0, "adding dest %u", i);
	KUNIT_EXPECT_LE(test, rooms, 12U);

	mutex_lock(&kn->lock);
	set = kvs_dests_locked(svc);
	n = set->n;
	/* Newest first. */
	KUNIT_EXPECT_EQ(test, ntohl(set->dest[0]->addr.ip),
			SVC_RBASE + SVC_DESTS - 1);
	KUNIT_EXPECT_EQ(test, ntohl(set->dest[n - 1]->addr.ip), SVC_RBASE);
	KUNIT_EXPECT_LE(test, set->room->size, 2U * SVC_DESTS);
	KUNIT_EXPECT_TRUE(test, set->dest >= set->room->slot &&
			  set->dest + n <= set->room->slot + set->room->size);
	svc_dest_conf(&dc, SVC_DESTS / 2);
	dest = kvs_dest_find(svc, &dc.addr, dc.port, dc.af);
	KUNIT_EXPECT_NOT_NULL(test, dest);
	mutex_unlock(&kn->lock);
	KUNIT_EXPECT_EQ(test, n, SVC_DESTS);

	/* rr walks the whole set: two rounds, each dest twice. */
	rcu_read_lock();
	for (i = 0; i < 2 * SVC_DESTS; i++) {
		struct kvs_scheduler *s = rcu_dereference(svc->sched);

		dest = s->schedule(svc, NULL, NULL);
		if (!dest || ntohl(dest->addr.ip) !=
		    SVC_RBASE + SVC_DESTS - 1 - i % SVC_DESTS)
			break;
	}
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, i, 2 * SVC_DESTS);

	/* Removed from the middle out, down to none. */
	for (i = 0; i < SVC_DESTS && !err; i++) {
		svc_dest_conf(&dc, (i + SVC_DESTS / 2) % SVC_DESTS);
		mutex_lock(&kn->lock);
		err = kvs_dest_del(svc, &dc.addr, dc.port, dc.af);
		mutex_unlock(&kn->lock);
		if (i % SVC_BATCH == SVC_BATCH - 1)
			synchronize_rcu();
	}
	KUNIT_EXPECT_EQ_MSG(test, err, 0, "removing dest %u", i);
	mutex_lock(&kn->lock);
	KUNIT_EXPECT_EQ(test, kvs_dests_locked(svc)->n, 0U);
	kvs_service_del(svc);
	mutex_unlock(&kn->lock);
	rcu_barrier();
}

static struct kunit_case service_test_cases[] = {
	KUNIT_CASE(svc_many_dests_test),
	{}
};

static struct kunit_suite service_test_suite = {
	.name = "kvs_service",
	.test_cases = service_test_cases,
};

kunit_test_suite(service_test_suite);
