// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of persistence templates (core/persist.c): how a client's
 * address, the service's netmask or prefix, port-0 and fwmark services
 * make a template key; that a client's next connections reuse its
 * template's dest without asking the scheduler; expiry by gc (held on
 * while connections use the template); and the moves away from a dest
 * that left its service or went quiescent.  The namespace, service and
 * dests are fakes holding what persist.c touches; the scheduler is a
 * stub that hands out the dests in turn and counts its calls.
 */
#include <kunit/test.h>
#include <linux/inet.h>
#include <linux/slab.h>

#include "../core/sched.h"
#include "../core/schedule.h"

#define TPL_DESTS	2
#define TPL_TIMEOUT	(300 * HZ)

struct tpl_ctx {
	struct kvs_net *kn;
	struct kvs_service *svc;
	struct kvs_dest *dest[TPL_DESTS];
	struct kvs_dest_set *set;
	unsigned int calls;	/* scheduler calls */
};

/* The test running now, for the stub scheduler (tests run one at a time). */
static struct tpl_ctx *tpl_cur;

static struct kvs_dest *tpl_sched_next(struct kvs_service *svc,
				       const struct sk_buff *skb,
				       const struct kvs_iph *iph)
{
	struct tpl_ctx *ctx = tpl_cur;
	unsigned int i, n;

	for (n = 0; n < TPL_DESTS; n++) {
		i = ctx->calls++ % TPL_DESTS;
		if (kvs_dest_usable(ctx->dest[i]))
			return ctx->dest[i];
	}
	return NULL;
}

static struct kvs_scheduler tpl_stub = {
	.name = "tpltest",
	.schedule = tpl_sched_next,
};

static int tpl_test_init(struct kunit *test)
{
	struct tpl_ctx *ctx;
	unsigned int i;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->kn = kunit_kzalloc(test, sizeof(*ctx->kn), GFP_KERNEL);
	ctx->svc = kzalloc(sizeof(*ctx->svc), GFP_KERNEL);
	if (!ctx->kn || !ctx->svc)
		return -ENOMEM;
	if (kvs_persist_init(&ctx->kn->tpls))
		return -ENOMEM;
	/*
	 * Only the test decides when gc runs: inserts queue the work, after
	 * an interval made too long to come.
	 */
	ctx->kn->tpls.gc_interval = MAX_JIFFY_OFFSET;
	cancel_delayed_work_sync(&ctx->kn->tpls.gc);

	ctx->svc->kn = ctx->kn;
	ctx->svc->key.af = AF_INET;
	ctx->svc->key.protocol = IPPROTO_TCP;
	ctx->svc->key.addr.ip = htonl(0xc0000201);	/* 192.0.2.1:80 */
	ctx->svc->key.port = htons(80);
	ctx->svc->flags = IP_VS_SVC_F_PERSISTENT;
	ctx->svc->netmask = htonl(0xffffffff);
	ctx->svc->timeout = TPL_TIMEOUT;
	RCU_INIT_POINTER(ctx->svc->sched, &tpl_stub);
	/* Freed with its last dest, from dest_free_rcu(). */
	refcount_set(&ctx->svc->refcnt, TPL_DESTS);
	for (i = 0; i < TPL_DESTS; i++) {
		struct kvs_dest *d = kzalloc(sizeof(*d), GFP_KERNEL);

		if (!d)
			return -ENOMEM;
		d->svc = ctx->svc;
		d->af = AF_INET;
		d->addr.ip = htonl(0xc6336400 + i);	/* 198.51.100.i */
		d->port = htons(8080);
		d->weight = 1;
		refcount_set(&d->refcnt, 1);
		set_bit(KVS_DEST_AVAILABLE, &d->flags);
		ctx->dest[i] = d;
	}
	tpl_cur = ctx;
	test->priv = ctx;
	return 0;
}

static void tpl_test_exit(struct kunit *test)
{
	struct tpl_ctx *ctx = test->priv;
	unsigned int i;

	if (!ctx)
		return;
	kvs_persist_destroy(&ctx->kn->tpls);
	for (i = 0; i < TPL_DESTS; i++) {
		if (!ctx->dest[i])
			continue;
		KUNIT_EXPECT_EQ(test, atomic_read(&ctx->dest[i]->persistconns),
				0);
		/* Only the test's reference is left once the table is gone. */
		KUNIT_EXPECT_EQ(test, refcount_read(&ctx->dest[i]->refcnt), 1);
		kvs_dest_put(ctx->dest[i]);
	}
	rcu_barrier();
	rcu_barrier();
	tpl_cur = NULL;
}

static void tpl_iph(struct kvs_iph *iph, u16 af, const char *saddr,
		    __be16 dport)
{
	memset(iph, 0, sizeof(*iph));
	iph->af = af;
	iph->protocol = IPPROTO_TCP;
	if (af == AF_INET6) {
		in6_pton(saddr, -1, iph->saddr.in6.s6_addr, -1, NULL);
		in6_pton("2001:db8::1", -1, iph->daddr.in6.s6_addr, -1, NULL);
	} else {
		in4_pton(saddr, -1, (u8 *)&iph->saddr.ip, -1, NULL);
		iph->daddr.ip = htonl(0xc0000201);
	}
	iph->sport = htons(40000);
	iph->dport = dport;
}

/* ---- keys ---- */

struct key_case {
	const char *name;
	u16 af;
	u32 fwmark;
	u16 svc_port;
	u32 netmask;		/* IPv4 mask (host order) or IPv6 prefix */
	const char *saddr;
	u16 dport;
	const char *want_caddr;
	u16 want_vport;
	u16 want_protocol;
};

static const struct key_case key_cases[] = {
	{ "v4 /32", AF_INET, 0, 80, 0xffffffff, "10.1.2.3", 80,
	  "10.1.2.3", 80, IPPROTO_TCP },
	{ "v4 /24", AF_INET, 0, 80, 0xffffff00, "10.1.2.3", 80,
	  "10.1.2.0", 80, IPPROTO_TCP },
	{ "v4 /0", AF_INET, 0, 80, 0, "10.1.2.3", 80,
	  "0.0.0.0", 80, IPPROTO_TCP },
	{ "v4 port 0", AF_INET, 0, 0, 0xffffffff, "10.1.2.3", 22,
	  "10.1.2.3", 0, IPPROTO_TCP },
	{ "v4 fwmark", AF_INET, 7, 0, 0xffff0000, "10.1.2.3", 443,
	  "10.1.0.0", 0, IPPROTO_IP },
	{ "v6 /128", AF_INET6, 0, 80, 128, "2001:db8:1:2::3", 80,
	  "2001:db8:1:2::3", 80, IPPROTO_TCP },
	{ "v6 /64", AF_INET6, 0, 80, 64, "2001:db8:1:2:aa::3", 80,
	  "2001:db8:1:2::", 80, IPPROTO_TCP },
	{ "v6 /33", AF_INET6, 0, 80, 33, "2001:db8:ffff::1", 80,
	  "2001:db8:8000::", 80, IPPROTO_TCP },
	{ "v6 fwmark /48", AF_INET6, 9, 0, 48, "2001:db8:1:2::3", 80,
	  "2001:db8:1::", 0, IPPROTO_IP },
};

static void key_case_desc(const struct key_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(key, key_cases, key_case_desc);

static void tpl_key_test(struct kunit *test)
{
	const struct key_case *c = test->param_value;
	struct tpl_ctx *ctx = test->priv;
	struct kvs_service *svc = ctx->svc;
	union nf_inet_addr want = {};
	struct kvs_tpl_key key;
	struct kvs_iph iph;

	svc->key.af = c->af;
	svc->key.fwmark = c->fwmark;
	svc->key.port = htons(c->svc_port);
	svc->netmask = c->af == AF_INET6 ? (__force __be32)c->netmask :
					   htonl(c->netmask);
	tpl_iph(&iph, c->af, c->saddr, htons(c->dport));
	if (c->af == AF_INET6)
		in6_pton(c->want_caddr, -1, want.in6.s6_addr, -1, NULL);
	else
		in4_pton(c->want_caddr, -1, (u8 *)&want.ip, -1, NULL);

	kvs_persist_key(svc, &iph, &key);
	KUNIT_EXPECT_EQ(test, key.af, c->af);
	KUNIT_EXPECT_EQ(test, key.protocol, c->want_protocol);
	KUNIT_EXPECT_TRUE(test, !memcmp(&key.caddr, &want, sizeof(want)));
	KUNIT_EXPECT_EQ(test, ntohs(key.vport), c->want_vport);
	/* No engine data: the key of plain persistence. */
	KUNIT_EXPECT_EQ(test, key.pe_len, 0);
	KUNIT_EXPECT_EQ(test, key.pe_hash, 0);
	if (c->fwmark) {
		union nf_inet_addr mark = { .ip = htonl(c->fwmark) };

		KUNIT_EXPECT_TRUE(test, !memcmp(&key.vaddr, &mark, sizeof(mark)));
	} else {
		KUNIT_EXPECT_TRUE(test, !memcmp(&key.vaddr, &iph.daddr,
						sizeof(iph.daddr)));
	}
}

/* ---- scheduling through templates ---- */

/* Schedule a connection of @saddr; its dest index, or -1 on error. */
static int tpl_sched(struct kunit *test, const char *saddr, u16 dport,
		     struct kvs_template **tpl_out, __be16 *dport_out)
{
	struct tpl_ctx *ctx = test->priv;
	struct kvs_template *tpl;
	struct kvs_dest *dest;
	struct kvs_iph iph;
	__be16 dp;
	int err, i;

	tpl_iph(&iph, AF_INET, saddr, htons(dport));
	rcu_read_lock();
	err = kvs_schedule(ctx->svc, NULL, &iph, &dest, &dp, &tpl);
	rcu_read_unlock();
	if (err)
		return err;
	KUNIT_EXPECT_NOT_NULL(test, tpl);
	if (dport_out)
		*dport_out = dp;
	if (tpl_out)
		*tpl_out = tpl;
	else
		kvs_persist_put(tpl);
	for (i = 0; i < TPL_DESTS; i++)
		if (dest == ctx->dest[i])
			return i;
	return -1;
}

static void tpl_reuse_test(struct kunit *test)
{
	struct tpl_ctx *ctx = test->priv;
	int first, i;

	first = tpl_sched(test, "10.0.0.1", 80, NULL, NULL);
	KUNIT_ASSERT_GE(test, first, 0);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, tpl_sched(test, "10.0.0.1", 80, NULL,
						NULL), first);
	KUNIT_EXPECT_EQ(test, ctx->calls, 1U);
	/* Another client is scheduled: the stub's next dest. */
	KUNIT_EXPECT_EQ(test, tpl_sched(test, "10.0.0.2", 80, NULL, NULL),
			!first);
	KUNIT_EXPECT_EQ(test, ctx->calls, 2U);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->kn->tpls.count), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->dest[0]->persistconns), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->dest[1]->persistconns), 1);
	/* Neither ActiveConn nor InActConn counts a template. */
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->dest[0]->activeconns) +
			atomic_read(&ctx->dest[0]->inactconns), 0);
}

static void tpl_netmask_test(struct kunit *test)
{
	struct tpl_ctx *ctx = test->priv;
	int first;

	ctx->svc->netmask = htonl(0xffffff00);
	first = tpl_sched(test, "10.0.0.1", 80, NULL, NULL);
	KUNIT_EXPECT_EQ(test, tpl_sched(test, "10.0.0.200", 80, NULL, NULL),
			first);
	KUNIT_EXPECT_EQ(test, ctx->calls, 1U);
	KUNIT_EXPECT_EQ(test, tpl_sched(test, "10.0.1.1", 80, NULL, NULL),
			!first);
}

/* Port 0: the client keeps its server across ports, and its ports. */
static void tpl_port0_test(struct kunit *test)
{
	struct tpl_ctx *ctx = test->priv;
	__be16 dport;
	int first;

	ctx->svc->key.port = 0;
	first = tpl_sched(test, "10.0.0.1", 22, NULL, &dport);
	KUNIT_EXPECT_EQ(test, ntohs(dport), 22);
	KUNIT_EXPECT_EQ(test, tpl_sched(test, "10.0.0.1", 443, NULL, &dport),
			first);
	KUNIT_EXPECT_EQ(test, ntohs(dport), 443);
	KUNIT_EXPECT_EQ(test, ctx->calls, 1U);
}

/* A service's own port maps to the dest's. */
static void tpl_dport_test(struct kunit *test)
{
	__be16 dport;

	KUNIT_EXPECT_GE(test, tpl_sched(test, "10.0.0.1", 80, NULL, &dport),
			0);
	KUNIT_EXPECT_EQ(test, ntohs(dport), 8080);
}

static void tpl_age(struct kvs_net *kn)
{
	struct rhashtable_iter iter;
	struct kvs_template *tpl;

	rhashtable_walk_enter(&kn->tpls.ht, &iter);
	rhashtable_walk_start(&iter);
	while ((tpl = rhashtable_walk_next(&iter)))
		if (!IS_ERR(tpl))
			WRITE_ONCE(tpl->expires, jiffies - 1);
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
}

static void tpl_expiry_test(struct kunit *test)
{
	struct tpl_ctx *ctx = test->priv;
	struct kvs_template *held;
	int first;

	first = tpl_sched(test, "10.0.0.1", 80, &held, NULL);
	tpl_sched(test, "10.0.0.2", 80, NULL, NULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->kn->tpls.count), 2);

	/* Expired: the free one goes, the held one gets another minute. */
	tpl_age(ctx->kn);
	kvs_persist_gc(&ctx->kn->tpls, false);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->kn->tpls.count), 1);
	KUNIT_EXPECT_FALSE(test, test_bit(KVS_TPL_DEAD, &held->flags));
	KUNIT_EXPECT_GT(test, (long)(held->expires - jiffies), 30L * HZ);
	KUNIT_EXPECT_EQ(test, tpl_sched(test, "10.0.0.1", 80, NULL, NULL),
			first);
	KUNIT_EXPECT_EQ(test, ctx->calls, 2U);

	/* Released and expired: gone; the client is scheduled afresh. */
	kvs_persist_put(held);
	tpl_age(ctx->kn);
	kvs_persist_gc(&ctx->kn->tpls, false);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->kn->tpls.count), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->dest[first]->persistconns), 0);
	tpl_sched(test, "10.0.0.1", 80, NULL, NULL);
	KUNIT_EXPECT_EQ(test, ctx->calls, 3U);
}

/*
 * Memory defense's drop_entry takes, from random samples, the templates
 * that control no connection and never saw an answer, and only those.
 */
static void tpl_drop_random_test(struct kunit *test)
{
	struct tpl_ctx *ctx = test->priv;
	struct kvs_template *held, *assured;
	unsigned int calls;

	tpl_sched(test, "10.0.0.1", 80, &held, NULL);
	tpl_sched(test, "10.0.0.2", 80, &assured, NULL);
	set_bit(KVS_TPL_ASSURED, &assured->flags);
	kvs_persist_put(assured);
	tpl_sched(test, "10.0.0.3", 80, NULL, NULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->kn->tpls.count), 3);
	KUNIT_EXPECT_EQ(test, ctx->calls, 3U);

	for (calls = 0; calls < 4000 &&
	     atomic_read(&ctx->kn->tpls.count) > 2; calls++)
		kvs_persist_drop_random(&ctx->kn->tpls);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->kn->tpls.count), 2);
	KUNIT_EXPECT_FALSE(test, test_bit(KVS_TPL_DEAD, &held->flags));
	/* The assured one still serves its client; the idle one is gone. */
	tpl_sched(test, "10.0.0.2", 80, NULL, NULL);
	KUNIT_EXPECT_EQ(test, ctx->calls, 3U);
	tpl_sched(test, "10.0.0.3", 80, NULL, NULL);
	KUNIT_EXPECT_EQ(test, ctx->calls, 4U);
	kvs_persist_put(held);
}

/*
 * Teardown (ip netns del, rmmod) empties the table however many
 * templates it holds: one gc pass that yields every 1,024 entries used
 * to lose its place in a bucket and leave some behind, with their dests
 * and services.  Several thousand clients, then destroy.
 */
#define TPL_MANY	20000

static void tpl_destroy_many_test(struct kunit *test)
{
	struct tpl_ctx *ctx = test->priv;
	char addr[sizeof("10.255.255.255")];
	unsigned int c;

	for (c = 0; c < TPL_MANY; c++) {
		snprintf(addr, sizeof(addr), "10.%u.%u.%u", c >> 16,
			 (c >> 8) & 0xff, c & 0xff);
		KUNIT_ASSERT_GE(test, tpl_sched(test, addr, 80, NULL, NULL), 0);
	}
	KUNIT_ASSERT_EQ(test, atomic_read(&ctx->kn->tpls.count), TPL_MANY);
	kvs_persist_destroy(&ctx->kn->tpls);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->kn->tpls.count), 0);
	for (c = 0; c < TPL_DESTS; c++)
		KUNIT_EXPECT_EQ(test, atomic_read(&ctx->dest[c]->persistconns),
				0);
	/* The exit handler destroys again: a fresh, empty table. */
	KUNIT_ASSERT_EQ(test, kvs_persist_init(&ctx->kn->tpls), 0);
}

/* An expired template not yet reaped is not used by the data path. */
static void tpl_expired_lookup_test(struct kunit *test)
{
	struct tpl_ctx *ctx = test->priv;

	tpl_sched(test, "10.0.0.1", 80, NULL, NULL);
	tpl_age(ctx->kn);
	tpl_sched(test, "10.0.0.1", 80, NULL, NULL);
	KUNIT_EXPECT_EQ(test, ctx->calls, 2U);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->kn->tpls.count), 1);
}

struct quiescent_case {
	const char *name;
	int sysctl;
	int weight;
	bool available;
	bool moves;
};

static const struct quiescent_case quiescent_cases[] = {
	{ "weight 0, sysctl off: stays", 0, 0, true, false },
	{ "weight 0, sysctl on: moves", 1, 0, true, true },
	{ "weight 1, sysctl on: stays", 1, 1, true, false },
	{ "dest removed: moves", 0, 1, false, true },
};

static void quiescent_case_desc(const struct quiescent_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(quiescent, quiescent_cases, quiescent_case_desc);

static void tpl_quiescent_test(struct kunit *test)
{
	const struct quiescent_case *c = test->param_value;
	struct tpl_ctx *ctx = test->priv;
	struct kvs_dest *d;
	int first;

	first = tpl_sched(test, "10.0.0.1", 80, NULL, NULL);
	KUNIT_ASSERT_GE(test, first, 0);
	d = ctx->dest[first];
	ctx->kn->sysctl.expire_quiescent_template = c->sysctl;
	WRITE_ONCE(d->weight, c->weight);
	if (!c->available)
		clear_bit(KVS_DEST_AVAILABLE, &d->flags);

	KUNIT_EXPECT_EQ(test, tpl_sched(test, "10.0.0.1", 80, NULL, NULL),
			c->moves ? !first : first);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->persistconns), c->moves ? 0 : 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->kn->tpls.count), 1);
}

/* With no usable dest, no template is made. */
static void tpl_no_dest_test(struct kunit *test)
{
	struct tpl_ctx *ctx = test->priv;

	WRITE_ONCE(ctx->dest[0]->weight, 0);
	WRITE_ONCE(ctx->dest[1]->weight, 0);
	KUNIT_EXPECT_EQ(test, tpl_sched(test, "10.0.0.1", 80, NULL, NULL),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->kn->tpls.count), 0);
}

/* Without -p a port-0 service has nothing to schedule. */
static void tpl_port0_nonpersistent_test(struct kunit *test)
{
	struct tpl_ctx *ctx = test->priv;
	struct kvs_template *tpl;
	struct kvs_dest *dest;
	struct kvs_iph iph;
	__be16 dp;

	ctx->svc->flags = 0;
	ctx->svc->key.port = 0;
	tpl_iph(&iph, AF_INET, "10.0.0.1", htons(22));
	rcu_read_lock();
	KUNIT_EXPECT_EQ(test, kvs_schedule(ctx->svc, NULL, &iph, &dest, &dp,
					   &tpl), -ENOENT);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, ctx->calls, 0U);
}

static struct kunit_case tpl_test_cases[] = {
	KUNIT_CASE_PARAM(tpl_key_test, key_gen_params),
	KUNIT_CASE(tpl_reuse_test),
	KUNIT_CASE(tpl_netmask_test),
	KUNIT_CASE(tpl_port0_test),
	KUNIT_CASE(tpl_dport_test),
	KUNIT_CASE(tpl_expiry_test),
	KUNIT_CASE(tpl_drop_random_test),
	KUNIT_CASE(tpl_expired_lookup_test),
	KUNIT_CASE_PARAM(tpl_quiescent_test, quiescent_gen_params),
	KUNIT_CASE(tpl_no_dest_test),
	KUNIT_CASE(tpl_port0_nonpersistent_test),
	KUNIT_CASE(tpl_destroy_many_test),
	{}
};

static struct kunit_suite tpl_test_suite = {
	.name = "kvs_persist",
	.init = tpl_test_init,
	.exit = tpl_test_exit,
	.test_cases = tpl_test_cases,
};

kunit_test_suite(tpl_test_suite);
