// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the FTP helper (app/kvs_ftp.c, which includes this
 * file under CONFIG_KVS_KUNIT_TEST to reach its statics): the parser of
 * PORT, EPRT, 227 and 229 lines, good and bad, table-driven; and the
 * helper at work on hand-built segments of a control connection in a
 * connection table of its own (core/app.c): a 227 reply rewritten to
 * the virtual address with the IP length, checksum and later sequence
 * numbers following, the data connections it and PORT announce, and
 * malformed, unsolicited and mid-line commands passed through unchanged
 * and counted.
 */
#include <kunit/test.h>
#include <linux/ip.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/tcp.h>

#include "../core/app.h"

struct ftp_case {
	const char *desc;
	enum kvs_ftp_cmd cmd;
	const char *line;
	int want;		/* kvs_ftp_parse()'s return */
	const char *addr;	/* "a.b.c.d" or an IPv6 address; NULL: none */
	u16 port;
	const char *text;	/* the address text found (PORT, 227) */
};

static const struct ftp_case ftp_cases[] = {
	{ "PORT", KVS_FTP_PORT, "PORT 10,0,1,2,4,1\r\n", 1, "10.0.1.2", 1025,
	  "10,0,1,2,4,1" },
	{ "port, any case, LF only", KVS_FTP_PORT, "port 1,2,3,4,0,21\n", 1,
	  "1.2.3.4", 21, "1,2,3,4,0,21" },
	{ "PORT, byte over 255", KVS_FTP_PORT, "PORT 10,0,1,256,4,1\r\n",
	  -EINVAL },
	{ "PORT, five numbers", KVS_FTP_PORT, "PORT 10,0,1,2,4\r\n", -EINVAL },
	{ "PORT, no line end", KVS_FTP_PORT, "PORT 10,0,1,2,4,1", -EINVAL },
	{ "PORT, garbage", KVS_FTP_PORT, "PORT \x01\xff,,,\r\n", -EINVAL },
	{ "PORT, overflowing number", KVS_FTP_PORT,
	  "PORT 99999999999999999999,0,1,2,4,1\r\n", -EINVAL },
	{ "not PORT", KVS_FTP_PORT, "PORTX 10,0,1,2,4,1\r\n", 0 },
	{ "other command", KVS_FTP_PORT, "RETR file\r\n", 0 },
	{ "short", KVS_FTP_PORT, "POR", 0 },
	{ "EPRT IPv4", KVS_FTP_EPRT, "EPRT |1|132.235.1.2|6275|\r\n", 1,
	  "132.235.1.2", 6275 },
	{ "EPRT IPv6", KVS_FTP_EPRT, "EPRT |2|fd00:1::2|40000|\r\n", 1,
	  "fd00:1::2", 40000 },
	{ "EPRT, other delimiter", KVS_FTP_EPRT, "EPRT !1!10.0.1.2!80!\r\n",
	  1, "10.0.1.2", 80 },
	{ "EPRT, protocol 3", KVS_FTP_EPRT, "EPRT |3|10.0.1.2|80|\r\n",
	  -EINVAL },
	{ "EPRT, bad address", KVS_FTP_EPRT, "EPRT |1|10.0.1|80|\r\n",
	  -EINVAL },
	{ "EPRT, port 65536", KVS_FTP_EPRT, "EPRT |1|10.0.1.2|65536|\r\n",
	  -EINVAL },
	{ "EPRT, no closing delimiter", KVS_FTP_EPRT,
	  "EPRT |1|10.0.1.2|80\r\n", -EINVAL },
	{ "227", KVS_FTP_227, "227 Entering Passive Mode (10,0,2,11,39,16).\r\n",
	  1, "10.0.2.11", 10000, "10,0,2,11,39,16" },
	{ "227, no parenthesis", KVS_FTP_227,
	  "227 Entering Passive Mode 10,0,2,11,39,16\r\n", 1, "10.0.2.11",
	  10000, "10,0,2,11,39,16" },
	{ "227, not closed", KVS_FTP_227,
	  "227 Entering Passive Mode (10,0,2,11,39,16\r\n", 1, "10.0.2.11",
	  10000, "10,0,2,11,39,16" },
	{ "227, seven numbers", KVS_FTP_227, "227 ok (10,0,2,11,39,16,1)\r\n",
	  -EINVAL },
	{ "227, a number before the parenthesis", KVS_FTP_227,
	  "227 Mode 2 (10,0,2,11,0,21)\r\n", 1, "10.0.2.11", 21,
	  "10,0,2,11,0,21" },
	{ "227, nothing to parse", KVS_FTP_227, "227 ok\r\n", -EINVAL },
	{ "227, no line end", KVS_FTP_227,
	  "227 Entering Passive Mode (10,0,2,11,39,16)", -EINVAL },
	{ "227 continued", KVS_FTP_227, "227-Entering (10,0,2,11,39,16)\r\n",
	  0 },
	{ "other reply", KVS_FTP_227, "226 Transfer complete.\r\n", 0 },
	{ "229", KVS_FTP_229, "229 Entering Extended Passive Mode (|||6446|)\r\n",
	  1, NULL, 6446 },
	{ "229, other delimiter", KVS_FTP_229, "229 ok (!!!21!)\r\n", 1, NULL,
	  21 },
	{ "229, port 0", KVS_FTP_229, "229 ok (|||0|)\r\n", -EINVAL },
	{ "229, mixed delimiters", KVS_FTP_229, "229 ok (||!80|)\r\n",
	  -EINVAL },
	{ "229, nothing after (", KVS_FTP_229, "229 ok (\r\n", -EINVAL },
};

static void ftp_case_desc(const struct ftp_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ftp, ftp_cases, ftp_case_desc);

static void ftp_parse_test(struct kunit *test)
{
	const struct ftp_case *c = test->param_value;
	union nf_inet_addr want = {};
	struct kvs_ftp_addr a;
	int r;

	r = kvs_ftp_parse(c->line, strlen(c->line), c->cmd, &a);
	KUNIT_ASSERT_EQ(test, r, c->want);
	if (r != 1)
		return;
	KUNIT_EXPECT_EQ(test, ntohs(a.port), c->port);
	if (c->addr && strchr(c->addr, ':')) {
		KUNIT_ASSERT_TRUE(test, in6_pton(c->addr, -1, want.in6.s6_addr,
						 -1, NULL));
		KUNIT_EXPECT_EQ(test, a.af, AF_INET6);
		KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&a.addr.in6,
							&want.in6));
	} else if (c->addr) {
		KUNIT_ASSERT_TRUE(test, in4_pton(c->addr, -1, (u8 *)&want.ip,
						 -1, NULL));
		KUNIT_EXPECT_EQ(test, a.af, AF_INET);
		KUNIT_EXPECT_EQ(test, a.addr.ip, want.ip);
	} else {
		KUNIT_EXPECT_EQ(test, a.af, 0);
	}
	if (c->text) {
		KUNIT_ASSERT_LE(test, a.start, a.end);
		KUNIT_EXPECT_EQ(test, a.end - a.start, strlen(c->text));
		KUNIT_EXPECT_EQ(test, memcmp(c->line + a.start, c->text,
					     strlen(c->text)), 0);
	}
}

static void ftp_format_test(struct kunit *test)
{
	char buf[KVS_FTP_HOSTPORT_MAX];
	int n;

	n = kvs_ftp_hostport(buf, sizeof(buf), htonl(0xffffffff), htons(65535));
	KUNIT_EXPECT_EQ(test, n, (int)sizeof(buf) - 1);
	KUNIT_EXPECT_STREQ(test, buf, "255,255,255,255,255,255");
	kvs_ftp_hostport(buf, sizeof(buf), htonl(0x64646464), htons(10000));
	KUNIT_EXPECT_STREQ(test, buf, "100,100,100,100,39,16");
	KUNIT_EXPECT_TRUE(test, kvs_ftp_word("PASV\r\n", 6, "PASV"));
	KUNIT_EXPECT_TRUE(test, kvs_ftp_word("epsv\n", 5, "EPSV"));
	KUNIT_EXPECT_TRUE(test, kvs_ftp_word("EPSV ALL\r\n", 10, "EPSV"));
	KUNIT_EXPECT_FALSE(test, kvs_ftp_word("PASVX\r\n", 7, "PASV"));
	KUNIT_EXPECT_FALSE(test, kvs_ftp_word("PASV", 4, "PASV"));
}

/* ---- the helper at work on a control connection ---- */

#define F_VIP		0xc0000201	/* 192.0.2.1 */
#define F_DADDR		0xc633640a	/* 198.51.100.10 */
#define F_CADDR		0x0a000102	/* 10.0.1.2 */
#define F_CPORT		40000
#define F_SEQ		1000		/* the server's first payload byte */
#define F_CSEQ		5000		/* the client's */

struct ftp_ctx {
	struct kvs_net *kn;
	struct kvs_service *svc;
	struct kvs_dest *dest;
	struct kvs_conn *cp;
	bool tbl_live;
};

static int ftp_conn_init(struct kunit *test)
{
	struct kvs_conn_app *ca;
	struct ftp_ctx *ctx;
	struct kvs_iph iph;
	struct kvs_dest *d;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	test->priv = ctx;
	ctx->kn = kzalloc(sizeof(*ctx->kn), GFP_KERNEL);
	ctx->svc = kzalloc(sizeof(*ctx->svc), GFP_KERNEL);
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	ctx->dest = d;
	if (!ctx->kn || !ctx->svc || !d)
		return -ENOMEM;
	refcount_set(&ctx->svc->refcnt, 1);
	refcount_set(&d->refcnt, 1);
	kvs_proto_timeouts_init(ctx->kn);
	if (kvs_conn_table_init(&ctx->kn->conns))
		return -ENOMEM;
	ctx->tbl_live = true;
	ctx->kn->conns.gc_interval = INT_MAX;
	d->svc = ctx->svc;
	d->af = AF_INET;
	d->addr.ip = htonl(F_DADDR);
	d->port = htons(FTP_PORT);
	d->weight = 1;

	memset(&iph, 0, sizeof(iph));
	iph.af = AF_INET;
	iph.protocol = IPPROTO_TCP;
	iph.saddr.ip = htonl(F_CADDR);
	iph.daddr.ip = htonl(F_VIP);
	iph.sport = htons(F_CPORT);
	iph.dport = htons(FTP_PORT);
	ftp_app.num_ports = 1;
	ftp_app.ports[0] = FTP_PORT;
	ca = kzalloc(sizeof(*ca), GFP_KERNEL);
	if (!ca)
		return -ENOMEM;
	ca->app = &ftp_app;
	ca->vport = iph.dport;
	refcount_set(&ca->refcnt, 1);
	__module_get(ftp_app.owner);
	atomic_inc(&ftp_app.usecnt);
	rcu_read_lock();
	ctx->cp = kvs_conn_new_app(&ctx->kn->conns, &iph, d, 0, &kvs_proto_tcp,
				   60 * HZ, NULL, ca, 0);
	rcu_read_unlock();
	cancel_delayed_work_sync(&ctx->kn->conns.gc);
	if (IS_ERR(ctx->cp)) {
		kvs_conn_app_put(ca);
		return PTR_ERR(ctx->cp);
	}
	ctx->cp->state = KVS_TCP_S_ESTABLISHED;
	return 0;
}

static void ftp_conn_exit(struct kunit *test)
{
	struct ftp_ctx *ctx = test->priv;

	if (!ctx)
		return;
	if (ctx->tbl_live)
		kvs_conn_table_destroy(&ctx->kn->conns);
	/* The last reference to the dest frees it and its service. */
	if (ctx->dest && ctx->svc)
		kvs_dest_put(ctx->dest);
	else
		kfree(ctx->svc);
	rcu_barrier();
	rcu_barrier();
	kfree(ctx->kn);
}

/*
 * A segment of the control connection carrying @payload: from the real
 * server to the client (@reply) or the other way, with sequence number
 * @seq and ack @ack, and a right checksum.
 */
static struct sk_buff *ftp_skb(struct kunit *test, bool reply, u32 seq,
			       u32 ack, const char *payload,
			       struct kvs_iph *iph)
{
	unsigned int plen = strlen(payload);
	unsigned int len = sizeof(struct iphdr) + sizeof(struct tcphdr) + plen;
	struct sk_buff *skb = alloc_skb(len + 64, GFP_KERNEL);
	struct tcphdr *th;
	struct iphdr *ip;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reset_network_header(skb);
	ip = skb_put_zero(skb, sizeof(*ip));
	skb_set_transport_header(skb, sizeof(*ip));
	th = skb_put_zero(skb, sizeof(*th));
	skb_put_data(skb, payload, plen);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_TCP;
	ip->tot_len = htons(len);
	ip->saddr = htonl(reply ? F_DADDR : F_CADDR);
	ip->daddr = htonl(reply ? F_CADDR : F_VIP);
	ip_send_check(ip);
	th->source = reply ? htons(FTP_PORT) : htons(F_CPORT);
	th->dest = reply ? htons(F_CPORT) : htons(FTP_PORT);
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff = 5;
	th->ack = 1;
	th->psh = 1;
	th->check = csum_tcpudp_magic(ip->saddr, ip->daddr, len - sizeof(*ip),
				      IPPROTO_TCP,
				      csum_partial(th, len - sizeof(*ip), 0));
	skb->ip_summed = CHECKSUM_NONE;

	memset(iph, 0, sizeof(*iph));
	iph->af = AF_INET;
	iph->protocol = IPPROTO_TCP;
	iph->thoff = sizeof(*ip);
	iph->len = len;
	iph->saddr.ip = ip->saddr;
	iph->daddr.ip = ip->daddr;
	iph->sport = th->source;
	iph->dport = th->dest;
	return skb;
}

/* Pass @payload through the helper; returns the segment after it. */
static struct sk_buff *ftp_pass(struct kunit *test, bool reply, u32 seq,
				u32 ack, const char *payload)
{
	struct ftp_ctx *ctx = test->priv;
	struct sk_buff *skb;
	struct kvs_iph iph;
	int err;

	skb = ftp_skb(test, reply, seq, ack, payload, &iph);
	rcu_read_lock();
	local_bh_disable();
	err = kvs_app_packet(ctx->kn, skb, ctx->cp, &iph,
			     reply ? KVS_DIR_REPLY : KVS_DIR_ORIG,
			     NF_INET_FORWARD);
	local_bh_enable();
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, err, 0);
	return skb;
}

static const char *ftp_payload(struct sk_buff *skb)
{
	return (const char *)skb->data + sizeof(struct iphdr) +
	       sizeof(struct tcphdr);
}

/* The segment's IP length and both checksums hold. */
static void ftp_expect_whole(struct kunit *test, struct sk_buff *skb)
{
	struct iphdr *ip = (struct iphdr *)skb->data;
	unsigned int tlen = skb->len - sizeof(*ip);

	KUNIT_EXPECT_EQ(test, ntohs(ip->tot_len), skb->len);
	KUNIT_EXPECT_EQ(test, ip_fast_csum(ip, ip->ihl), 0);
	KUNIT_EXPECT_EQ(test, csum_tcpudp_magic(ip->saddr, ip->daddr, tlen,
						IPPROTO_TCP,
						skb_checksum(skb, sizeof(*ip),
							     tlen, 0)), 0);
}

static u32 ftp_seq(struct sk_buff *skb, bool ack)
{
	struct tcphdr *th = (struct tcphdr *)(skb->data + sizeof(struct iphdr));

	return ntohl(ack ? th->ack_seq : th->seq);
}

/* Is there a connection of this original tuple (client port 0: wild)? */
static struct kvs_conn *ftp_find(struct kunit *test, u32 caddr, u16 cport,
				 u16 vport)
{
	struct ftp_ctx *ctx = test->priv;
	struct kvs_tuple t = {};
	struct kvs_conn *cp;
	enum kvs_dir dir;

	t.af = AF_INET;
	t.protocol = IPPROTO_TCP;
	t.src.ip = htonl(caddr);
	t.dst.ip = htonl(F_VIP);
	t.sport = htons(cport);
	t.dport = htons(vport);
	rcu_read_lock();
	cp = kvs_conn_lookup(&ctx->kn->conns, &t, &dir);
	rcu_read_unlock();
	return cp && dir == KVS_DIR_ORIG ? cp : NULL;
}

static void ftp_pasv_test(struct kunit *test)
{
	static const char reply[] = "227 Entering Passive Mode (198,51,100,10,39,16).\r\n";
	static const char want[] = "227 Entering Passive Mode (192,0,2,1,39,16).\r\n";
	struct ftp_ctx *ctx = test->priv;
	int diff = (int)strlen(want) - (int)strlen(reply);
	struct kvs_conn *data;
	struct sk_buff *skb;
	u32 next;

	/* Unsolicited: no PASV came first, so nothing changes. */
	skb = ftp_pass(test, true, F_SEQ, F_CSEQ, reply);
	KUNIT_EXPECT_EQ(test, memcmp(ftp_payload(skb), reply, strlen(reply)), 0);
	kfree_skb(skb);
	KUNIT_EXPECT_NULL(test, ftp_find(test, F_CADDR, 0, 10000));

	skb = ftp_pass(test, false, F_CSEQ, F_SEQ, "PASV\r\n");
	kfree_skb(skb);
	skb = ftp_pass(test, true, F_SEQ, F_CSEQ + 6, reply);
	KUNIT_ASSERT_EQ(test, skb->len, sizeof(struct iphdr) +
			sizeof(struct tcphdr) + strlen(want));
	KUNIT_EXPECT_EQ(test, memcmp(ftp_payload(skb), want, strlen(want)), 0);
	KUNIT_EXPECT_EQ(test, ftp_seq(skb, false), F_SEQ);
	ftp_expect_whole(test, skb);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, ctx->cp->app->out_seq.delta, diff);

	/* The data connection, waiting for the client's port. */
	data = ftp_find(test, F_CADDR, 0, 10000);
	KUNIT_ASSERT_NOT_NULL(test, data);
	KUNIT_EXPECT_TRUE(test, data->flags & IP_VS_CONN_F_NO_CPORT);
	KUNIT_EXPECT_EQ(test, ntohs(kvs_conn_dport(data)), 10000);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->cp->app->n_control), 1);

	/* The server's next segment moves; the client's ack moves back. */
	next = F_SEQ + strlen(reply);
	skb = ftp_pass(test, true, next, F_CSEQ + 6, "150 Here it comes.\r\n");
	KUNIT_EXPECT_EQ(test, ftp_seq(skb, false), next + diff);
	ftp_expect_whole(test, skb);
	kfree_skb(skb);
	skb = ftp_pass(test, false, F_CSEQ + 6, next + diff, "QUIT\r\n");
	KUNIT_EXPECT_EQ(test, ftp_seq(skb, true), next);
	ftp_expect_whole(test, skb);
	kfree_skb(skb);
	/* A retransmission of the reply is rewritten the same way. */
	skb = ftp_pass(test, false, F_CSEQ, F_SEQ, "PASV\r\n");
	kfree_skb(skb);
	skb = ftp_pass(test, true, F_SEQ, F_CSEQ + 6, reply);
	KUNIT_EXPECT_EQ(test, ftp_seq(skb, false), F_SEQ);
	KUNIT_EXPECT_EQ(test, memcmp(ftp_payload(skb), want, strlen(want)), 0);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, ctx->cp->app->out_seq.delta, diff);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&ctx->kn->app_malformed), 0);
}

static void ftp_port_test(struct kunit *test)
{
	static const char cmd[] = "PORT 10,0,1,2,156,65\r\n";
	struct kvs_conn *data;
	struct sk_buff *skb;

	skb = ftp_pass(test, false, F_CSEQ, F_SEQ, cmd);
	KUNIT_EXPECT_EQ(test, memcmp(ftp_payload(skb), cmd, strlen(cmd)), 0);
	kfree_skb(skb);
	data = ftp_find(test, F_CADDR, 40001, FTP_PORT - 1);
	KUNIT_ASSERT_NOT_NULL(test, data);
	KUNIT_EXPECT_EQ(test, ntohs(kvs_conn_dport(data)), FTP_PORT - 1);
	KUNIT_EXPECT_FALSE(test, data->flags & IP_VS_CONN_F_NO_CPORT);
}

/* What is wrong goes through as it came, counted; nothing is made. */
static void ftp_bad_test(struct kunit *test)
{
	static const char *const bad[] = {
		"PORT 10,0,1,2,156\r\n",
		"PORT 10,0,1,2,156,65",			/* no line end */
		"EPRT |2|fd00:1::2|40000|\r\n",		/* the other family */
		"PORT 999,0,1,2,156,65\r\n",
	};
	struct ftp_ctx *ctx = test->priv;
	struct sk_buff *skb;
	char *big;
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		skb = ftp_pass(test, false, F_CSEQ, F_SEQ, bad[i]);
		KUNIT_EXPECT_EQ(test, memcmp(ftp_payload(skb), bad[i],
					     strlen(bad[i])), 0);
		kfree_skb(skb);
		/* Each of these ended mid-line or not: start afresh. */
		clear_bit(FTP_MIDLINE_IN, &ctx->cp->app->state);
	}
	KUNIT_EXPECT_EQ(test, atomic_long_read(&ctx->kn->app_malformed),
			ARRAY_SIZE(bad));
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->kn->conns.count), 1);

	/* A long line without an end, then a PORT in its middle: not read. */
	big = kunit_kzalloc(test, 1401, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	memset(big, 'x', 1400);
	skb = ftp_pass(test, false, F_CSEQ, F_SEQ, big);
	kfree_skb(skb);
	skb = ftp_pass(test, false, F_CSEQ + 1400, F_SEQ,
		       "PORT 10,0,1,2,156,65\r\n");
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->kn->conns.count), 1);
	/* The line ended: the next one is read. */
	skb = ftp_pass(test, false, F_CSEQ + 1422, F_SEQ,
		       "PORT 10,0,1,2,156,65\r\n");
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->kn->conns.count), 2);

	/* A 227 of another address than the real server's. */
	skb = ftp_pass(test, false, F_CSEQ, F_SEQ, "PASV\r\n");
	kfree_skb(skb);
	skb = ftp_pass(test, true, F_SEQ, F_CSEQ, "227 ok (1,2,3,4,5,6)\r\n");
	KUNIT_EXPECT_EQ(test, memcmp(ftp_payload(skb), "227 ok (1,2,3,4,5,6)",
				     20), 0);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&ctx->kn->app_malformed),
			ARRAY_SIZE(bad) + 1);
}

static struct kunit_case ftp_test_cases[] = {
	KUNIT_CASE_PARAM(ftp_parse_test, ftp_gen_params),
	KUNIT_CASE(ftp_format_test),
	{}
};

static struct kunit_suite ftp_test_suite = {
	.name = "kvs_ftp",
	.test_cases = ftp_test_cases,
};

static struct kunit_case ftp_conn_test_cases[] = {
	KUNIT_CASE(ftp_pasv_test),
	KUNIT_CASE(ftp_port_test),
	KUNIT_CASE(ftp_bad_test),
	{}
};

static struct kunit_suite ftp_conn_test_suite = {
	.name = "kvs_ftp_conn",
	.init = ftp_conn_init,
	.exit = ftp_conn_exit,
	.test_cases = ftp_conn_test_cases,
};

kunit_test_suites(&ftp_test_suite, &ftp_conn_test_suite);
