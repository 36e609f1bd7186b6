// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the /proc/net/ip_vs* line formatters (core/proc.c),
 * against lines the in-tree module prints for the same objects.
 */
#include <kunit/test.h>
#include <linux/inet.h>

#include "../core/proc.h"
#include "../core/service.h"

struct svc_case {
	const char *name;
	u16 af;
	u16 protocol;
	const char *addr;	/* IPv4 dotted or IPv6 */
	u16 port;
	u32 fwmark;
	const char *sched;
	u32 flags;
	unsigned int timeout;	/* jiffies, printed as they are */
	u32 netmask;
	const char *want;
};

static const struct svc_case svc_cases[] = {
	{ "tcp", AF_INET, IPPROTO_TCP, "10.10.10.10", 80, 0, "rr", 0, 0, 0,
	  "TCP  0A0A0A0A:0050 rr  " },
	{ "udp one-packet", AF_INET, IPPROTO_UDP, "100.100.100.100", 9000, 0,
	  "wlc", IP_VS_SVC_F_ONEPACKET, 0, 0, "UDP  64646464:2328 wlc ops  " },
	{ "persistent", AF_INET, IPPROTO_TCP, "10.10.10.10", 80, 0, "wlc",
	  IP_VS_SVC_F_PERSISTENT, 30000, 0xffffff00,
	  "TCP  0A0A0A0A:0050 wlc  persistent 30000 FFFFFF00" },
	{ "fwmark", AF_INET, 0, NULL, 0, 7, "rr", 0, 0, 0,
	  "FWM  00000007 rr " },
	{ "fwmark persistent", AF_INET, 0, NULL, 0, 0x1234, "sh",
	  IP_VS_SVC_F_PERSISTENT, 90000, 0xffffffff,
	  "FWM  00001234 sh persistent 90000 FFFFFFFF" },
	{ "sctp", AF_INET, IPPROTO_SCTP, "1.2.3.4", 5000, 0, "none", 0, 0, 0,
	  "SCTP  01020304:1388 none  " },
	{ "ipv6", AF_INET6, IPPROTO_TCP, "2001:db8::1", 443, 0, "rr", 0, 0,
	  128, "TCP  [2001:0db8:0000:0000:0000:0000:0000:0001]:01BB rr " },
};

static void svc_desc(const struct svc_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(svc, svc_cases, svc_desc);

static void parse_addr(struct kunit *test, u16 af, const char *s,
		       union nf_inet_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (!s)
		return;
	if (af == AF_INET6)
		KUNIT_ASSERT_EQ(test, in6_pton(s, -1, addr->in6.s6_addr, -1,
					       NULL), 1);
	else
		KUNIT_ASSERT_EQ(test, in4_pton(s, -1, (u8 *)&addr->ip, -1,
					       NULL), 1);
}

static void proc_service_test(struct kunit *test)
{
	const struct svc_case *c = test->param_value;
	struct kvs_service_key key;
	char buf[160];
	int n;

	kvs_service_key_init(&key);
	key.af = c->af;
	key.protocol = c->protocol;
	key.port = htons(c->port);
	key.fwmark = c->fwmark;
	parse_addr(test, c->af, c->addr, &key.addr);
	n = kvs_proc_fmt_service(buf, sizeof(buf), &key, c->sched, c->flags,
				 c->timeout, htonl(c->netmask));
	KUNIT_EXPECT_STREQ(test, buf, c->want);
	KUNIT_EXPECT_EQ(test, n, (int)strlen(c->want));
}

struct dest_case {
	const char *name;
	u16 af;
	const char *addr;
	u16 port;
	u32 conn_flags;
	int weight;
	int active;
	int inactive;
	const char *want;
};

static const struct dest_case dest_cases[] = {
	{ "masq", AF_INET, "192.168.1.1", 8080, IP_VS_CONN_F_MASQ, 1, 0, 0,
	  "  -> C0A80101:1F90      Masq    1      0          0         " },
	{ "route", AF_INET, "192.168.1.2", 80, IP_VS_CONN_F_DROUTE, 3, 12, 345,
	  "  -> C0A80102:0050      Route   3      12         345       " },
	{ "tunnel weight 0", AF_INET, "192.168.1.3", 80, IP_VS_CONN_F_TUNNEL,
	  0, 0, 0,
	  "  -> C0A80103:0050      Tunnel  0      0          0         " },
	{ "local", AF_INET, "127.0.0.1", 80, IP_VS_CONN_F_LOCALNODE, 65535,
	  1234567890, 0,
	  "  -> 7F000001:0050      Local   65535  1234567890 0         " },
	{ "ipv6", AF_INET6, "2001:db8::2", 80, IP_VS_CONN_F_MASQ, 1, 0, 2,
	  "  -> [2001:0db8:0000:0000:0000:0000:0000:0002]:0050      Masq    1      0          2         ",
	},
};

static void dest_desc(const struct dest_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(dest, dest_cases, dest_desc);

static void proc_dest_test(struct kunit *test)
{
	const struct dest_case *c = test->param_value;
	union nf_inet_addr addr;
	char buf[160];

	parse_addr(test, c->af, c->addr, &addr);
	kvs_proc_fmt_dest(buf, sizeof(buf), c->af, &addr, htons(c->port),
			  c->conn_flags, c->weight, c->active, c->inactive);
	KUNIT_EXPECT_STREQ(test, buf, c->want);
}

static void proc_counts_test(struct kunit *test)
{
	static const u64 zero[KVS_RATE_MAX];
	static const u64 some[KVS_RATE_MAX] = {
		4, 0x1f, 0xabcdef12, 0x123456789aULL, 0xffffffffffffffffULL };
	char buf[80];

	kvs_proc_fmt_counts(buf, sizeof(buf), zero);
	KUNIT_EXPECT_STREQ(test, buf,
			   "       0        0        0                0                0");
	kvs_proc_fmt_counts(buf, sizeof(buf), some);
	KUNIT_EXPECT_STREQ(test, buf,
			   "       4       1F ABCDEF12       123456789A FFFFFFFFFFFFFFFF");
}

static struct kunit_case proc_cases[] = {
	KUNIT_CASE_PARAM(proc_service_test, svc_gen_params),
	KUNIT_CASE_PARAM(proc_dest_test, dest_gen_params),
	KUNIT_CASE(proc_counts_test),
	{}
};

static struct kunit_suite proc_suite = {
	.name = "kvs_proc",
	.test_cases = proc_cases,
};

kunit_test_suite(proc_suite);
