// SPDX-License-Identifier: GPL-2.0
/*
 * kvs_nlfuzz: the control plane's fuzzer, run inside the test host
 * against whichever IPVS is loaded (tests/e2e/nlfuzz.sh).
 *
 *   kvs_nlfuzz SEED COUNT [-v|-x]
 *
 * COUNT requests, drawn from SEED alone (the same seed replays the same
 * requests, byte for byte), each one of:
 *   - an IPVS genetlink command (every one, and numbers past the last)
 *     with attributes from small pools of plausible values, some left
 *     out, some of the wrong size;
 *   - such a message mutated: bytes flipped, cut short, lengths lied;
 *   - nested garbage: attributes of any type and length, nested a few
 *     deep, under any command;
 *   - a legacy sockopt, set or get, every number of the range and a few
 *     past it, with a buffer of a random length and random or plausible
 *     contents.
 * Every so often a dump of the services or dests is started on a second
 * socket and read a part at a time between the edits of the first.
 *
 * Prints, per command, how many requests got each answer ("nl CMD
 * errno N", "so OPT errno N", errno 0 for success), and one line "digest
 * X" over the sequence of answers: two IPVS that answer alike print the
 * same lines.  -v: one line per request as well ("I KIND WHAT ERRNO");
 * -x: that line with the request's bytes in hex.  Exit status 0 if every
 * request got an answer (an errno or success), 1 if the kernel stopped
 * answering.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "rng.h"

#define BUF_SIZE	4096

struct msg {
	u8 b[BUF_SIZE];
	u32 len;
};

static u32 align4(u32 n)
{
	return (n + 3) & ~3U;
}

/* Appends an attribute of @len bytes (@data, or random bytes if NULL). */
static struct nlattr *put(struct msg *m, u16 type, const void *data, u32 len)
{
	struct nlattr *a = (struct nlattr *)(m->b + m->len);
	u32 i;

	if (m->len + NLA_HDRLEN + align4(len) > BUF_SIZE)
		return NULL;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	for (i = 0; i < len; i++)
		m->b[m->len + NLA_HDRLEN + i] = data ? ((const u8 *)data)[i] :
						       (u8)rnd();
	memset(m->b + m->len + NLA_HDRLEN + len, 0, align4(len) - len);
	m->len += NLA_HDRLEN + align4(len);
	return a;
}

static void end_nest(struct msg *m, struct nlattr *a)
{
	if (a)
		a->nla_len = (u16)(m->b + m->len - (u8 *)a);
}

static void put_u8(struct msg *m, u16 t, u8 v)
{
	put(m, t, &v, 1);
}

static void put_u16(struct msg *m, u16 t, u16 v)
{
	put(m, t, &v, 2);
}

static void put_u32(struct msg *m, u16 t, u32 v)
{
	put(m, t, &v, 4);
}

static void put_str(struct msg *m, u16 t, const char *s)
{
	put(m, t, s, strlen(s) + 1);
}

/* ---- pools of plausible values */

static const char *const scheds[] = {
	"rr", "wrr", "lc", "wlc", "sh", "dh", "mh", "sed", "nq", "none", "",
	"lblc", "fo", "ovf", "nosuch", "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr",
};

static const char *const pes[] = { "", "sip", "nosuch" };
static const char *const ifnames[] = { "lo", "nosuch0", "", "eth0" };

static u16 pick_af(void)
{
	static const u16 afs[] = { AF_INET, AF_INET, AF_INET6, 0, 3 };

	return afs[below(5)];
}

static u16 pick_proto(void)
{
	static const u16 p[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP, 0, 47 };

	return p[below(5)];
}

static void put_addr(struct msg *m, u16 type, u16 af)
{
	u32 a[4] = { 0 };

	if (af == AF_INET6) {
		a[0] = htonl(0xfd000000);
		a[3] = htonl(below(4));
	} else {
		a[0] = htonl(0x0a640000 | below(4));	/* 10.100.0.0-3 */
	}
	if (chance(10))
		put(m, type, NULL, below(20));	/* any size */
	else
		put(m, type, a, sizeof(a));
}

/* Some value of the right size for most attributes, any size at times. */
static void put_sized(struct msg *m, u16 type, u32 size, u32 value)
{
	if (chance(8))
		put(m, type, NULL, below(12));
	else if (size == 1)
		put_u8(m, type, (u8)value);
	else if (size == 2)
		put_u16(m, type, (u16)value);
	else
		put_u32(m, type, value);
}

static void svc_attrs(struct msg *m)
{
	struct nlattr *n = put(m, IPVS_CMD_ATTR_SERVICE, NULL, 0);
	u16 af = pick_af();
	struct ip_vs_flags fl = { .flags = (u32)rnd() & 0x1f, .mask = ~0U };

	if (!n)
		return;
	if (chance(90))
		put_sized(m, IPVS_SVC_ATTR_AF, 2, af);
	if (chance(20)) {
		put_sized(m, IPVS_SVC_ATTR_FWMARK, 4, 1 + below(4));
	} else {
		if (chance(90))
			put_sized(m, IPVS_SVC_ATTR_PROTOCOL, 2, pick_proto());
		if (chance(90))
			put_addr(m, IPVS_SVC_ATTR_ADDR, af);
		if (chance(90))
			put_sized(m, IPVS_SVC_ATTR_PORT, 2, htons(80 + below(3)));
	}
	if (chance(70))
		put_str(m, IPVS_SVC_ATTR_SCHED_NAME, scheds[below(16)]);
	if (chance(70)) {
		if (chance(10))
			put(m, IPVS_SVC_ATTR_FLAGS, NULL, below(12));
		else
			put(m, IPVS_SVC_ATTR_FLAGS, &fl, sizeof(fl));
	}
	if (chance(70))
		put_sized(m, IPVS_SVC_ATTR_TIMEOUT, 4, chance(50) ? 0 : (u32)rnd());
	if (chance(70))
		put_sized(m, IPVS_SVC_ATTR_NETMASK, 4,
			  chance(50) ? ~0U : (u32)rnd());
	if (chance(20))
		put_str(m, IPVS_SVC_ATTR_PE_NAME, pes[below(3)]);
	if (chance(5))
		put(m, IPVS_SVC_ATTR_STATS, NULL, below(40));
	end_nest(m, n);
}

static void dest_attrs(struct msg *m)
{
	struct nlattr *n = put(m, IPVS_CMD_ATTR_DEST, NULL, 0);
	u16 af = pick_af();

	if (!n)
		return;
	if (chance(90))
		put_addr(m, IPVS_DEST_ATTR_ADDR, af);
	if (chance(90))
		put_sized(m, IPVS_DEST_ATTR_PORT, 2, htons(8080 + below(3)));
	if (chance(80))
		put_sized(m, IPVS_DEST_ATTR_FWD_METHOD, 4, below(6));
	if (chance(80))
		put_sized(m, IPVS_DEST_ATTR_WEIGHT, 4,
			  chance(80) ? below(5) : (u32)rnd());
	if (chance(70))
		put_sized(m, IPVS_DEST_ATTR_U_THRESH, 4, below(3));
	if (chance(70))
		put_sized(m, IPVS_DEST_ATTR_L_THRESH, 4, below(3));
	if (chance(40))
		put_sized(m, IPVS_DEST_ATTR_ADDR_FAMILY, 2, af);
	if (chance(20))
		put_sized(m, IPVS_DEST_ATTR_TUN_TYPE, 1, below(4));
	if (chance(20))
		put_sized(m, IPVS_DEST_ATTR_TUN_PORT, 2, htons(6080));
	if (chance(20))
		put_sized(m, IPVS_DEST_ATTR_TUN_FLAGS, 2, below(8));
	end_nest(m, n);
}

static void daemon_attrs(struct msg *m)
{
	struct nlattr *n = put(m, IPVS_CMD_ATTR_DAEMON, NULL, 0);
	u32 group = htonl(0xe0000051);

	if (!n)
		return;
	if (chance(90))
		put_sized(m, IPVS_DAEMON_ATTR_STATE, 4, below(5));
	if (chance(90))
		put_str(m, IPVS_DAEMON_ATTR_MCAST_IFN, ifnames[below(4)]);
	if (chance(90))
		put_sized(m, IPVS_DAEMON_ATTR_SYNC_ID, 4, below(3));
	if (chance(30))
		put_sized(m, IPVS_DAEMON_ATTR_SYNC_MAXLEN, 2, below(2000));
	if (chance(20))
		put(m, IPVS_DAEMON_ATTR_MCAST_GROUP, &group, chance(80) ? 4 : 3);
	if (chance(30))
		put_sized(m, IPVS_DAEMON_ATTR_MCAST_PORT, 2, 8848 + below(2));
	if (chance(30))
		put_sized(m, IPVS_DAEMON_ATTR_MCAST_TTL, 1, below(3));
	end_nest(m, n);
}

/* Attributes of any type and length, nested up to @depth deep. */
static void garbage(struct msg *m, int depth)
{
	u32 i, n = below(5);

	for (i = 0; i < n; i++) {
		u16 type = (u16)below(20) | (chance(10) ? NLA_F_NESTED : 0);

		if (depth > 0 && chance(40)) {
			struct nlattr *a = put(m, type, NULL, 0);

			garbage(m, depth - 1);
			end_nest(m, a);
		} else {
			put(m, type, NULL, below(24));
		}
	}
}

/* ---- netlink */

static u16 family;
static u32 seq;

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static void genl_start(struct msg *m, u16 type, u8 cmd, u16 flags)
{
	struct nlmsghdr *h = (struct nlmsghdr *)m->b;
	struct genlmsghdr *g = (struct genlmsghdr *)(m->b + NLMSG_HDRLEN);

	memset(m->b, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | flags;
	h->nlmsg_seq = ++seq;
	g->cmd = cmd;
	g->version = IPVS_GENL_VERSION;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

static void genl_end(struct msg *m)
{
	((struct nlmsghdr *)m->b)->nlmsg_len = m->len;
}

static int nl_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	int one = 1;

	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return fd;
}

/*
 * Reads until the answer to @want: its errno (0: success or the end of
 * a dump), or -1000 if none came within @ms (stopping a sync daemon
 * takes in-tree seconds under emulation).  Other messages (dump parts)
 * are skipped, late answers counted (pending_answered()).
 */
/*
 * Requests whose answer did not come in time: counted when it comes
 * (nl_answer() sees it among later messages, or the drain at the end),
 * so that a slow host changes no tally, nor the digest (a sum).
 */
#define MAX_PENDING	64
static struct { u32 seq; long i; int cmd; } pending[MAX_PENDING];
static int npending, verbose;

static void count(int kind, int what, int err, long i, int verbose);

static void pending_answered(u32 seq, int err)
{
	int k;

	for (k = 0; k < npending; k++) {
		if (pending[k].seq != seq)
			continue;
		count('n', pending[k].cmd, err, pending[k].i, verbose);
		pending[k] = pending[--npending];
		return;
	}
}

static int nl_answer_within(int fd, u32 want, u16 *got_family, int ms)
{
	static u8 buf[65536];
	struct pollfd p = { .fd = fd, .events = POLLIN };

	for (;;) {
		struct nlmsghdr *h;
		ssize_t n;

		if (poll(&p, 1, ms) <= 0)
			return -1000;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return errno == ENOBUFS ? -ENOBUFS : -1000;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (u32)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != want) {
				if (h->nlmsg_type == NLMSG_ERROR)
					pending_answered(h->nlmsg_seq,
							 ((struct nlmsgerr *)
							  NLMSG_DATA(h))->error);
				else if (h->nlmsg_type == NLMSG_DONE)
					pending_answered(h->nlmsg_seq, 0);
				continue;
			}
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (got_family && h->nlmsg_type == GENL_ID_CTRL) {
				struct nlattr *a = (struct nlattr *)
					((u8 *)NLMSG_DATA(h) + GENL_HDRLEN);
				int left = h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

				while (left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN) {
					if (a->nla_type == CTRL_ATTR_FAMILY_ID)
						memcpy(got_family, a + 1, 2);
					left -= NLA_ALIGN(a->nla_len);
					a = (struct nlattr *)((u8 *)a + NLA_ALIGN(a->nla_len));
				}
			}
		}
	}
}

static int nl_answer(int fd, u32 want, u16 *got_family)
{
	return nl_answer_within(fd, want, got_family, 30000);
}

static u16 resolve_family(int fd)
{
	struct msg m;
	u16 id = 0;

	genl_start(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	((struct genlmsghdr *)(m.b + NLMSG_HDRLEN))->version = 1;
	put_str(&m, CTRL_ATTR_FAMILY_NAME, IPVS_GENL_NAME);
	genl_end(&m);
	if (send(fd, m.b, m.len, 0) < 0 || nl_answer(fd, seq, &id))
		return 0;
	return id;
}

/* A request of the command @cmd, well formed or nearly. */
static void plausible(struct msg *m, u8 cmd)
{
	u16 flags = NLM_F_ACK;

	if ((cmd == IPVS_CMD_GET_SERVICE || cmd == IPVS_CMD_GET_DEST ||
	     cmd == IPVS_CMD_GET_DAEMON) && chance(50))
		flags |= NLM_F_DUMP;
	genl_start(m, family, cmd, flags);
	switch (cmd) {
	case IPVS_CMD_NEW_SERVICE: case IPVS_CMD_SET_SERVICE:
	case IPVS_CMD_DEL_SERVICE: case IPVS_CMD_GET_SERVICE:
	case IPVS_CMD_ZERO:
		if (chance(90))
			svc_attrs(m);
		break;
	case IPVS_CMD_NEW_DEST: case IPVS_CMD_SET_DEST:
	case IPVS_CMD_DEL_DEST: case IPVS_CMD_GET_DEST:
		if (chance(90))
			svc_attrs(m);
		if (chance(90))
			dest_attrs(m);
		break;
	case IPVS_CMD_NEW_DAEMON: case IPVS_CMD_DEL_DAEMON:
		if (chance(90))
			daemon_attrs(m);
		break;
	case IPVS_CMD_SET_CONFIG:
		if (chance(70))
			put_sized(m, IPVS_CMD_ATTR_TIMEOUT_TCP, 4, below(1000));
		if (chance(70))
			put_sized(m, IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, 4, below(1000));
		if (chance(70))
			put_sized(m, IPVS_CMD_ATTR_TIMEOUT_UDP, 4, below(1000));
		break;
	default:
		if (chance(30))
			garbage(m, 2);
	}
	if (chance(5))
		garbage(m, 1);
}

/* Flips bytes, cuts the message short, or lies about a length. */
static void mutate(struct msg *m)
{
	u32 i, n = 1 + below(4);
	u32 hdr = NLMSG_HDRLEN + GENL_HDRLEN;

	if (m->len <= hdr)
		return;
	for (i = 0; i < n; i++) {
		u32 at = hdr + below(m->len - hdr);

		switch (below(3)) {
		case 0:
			m->b[at] ^= (u8)(1 + below(255));
			break;
		case 1:
			m->len = at;	/* cut */
			break;
		default:		/* a length (low byte of a u16), lied */
			m->b[at & ~3U] = (u8)rnd();
		}
		if (m->len <= hdr)
			break;
	}
}

struct tally {
	int kind;		/* 'n'etlink, 's'ockopt set, 'g'et */
	int what;
	int err;
	long count;
};

#define MAX_TALLY	2048
static struct tally tallies[MAX_TALLY];
static int ntallies;
static u64 digest;

/* The request just made, for -x. */
static const u8 *last_req;
static u32 last_len;

static void count(int kind, int what, int err, long i, int verbose)
{
	u64 h = 14695981039346656037ULL;	/* FNV-1a of the request's */
	u32 v[2] = { (u32)i, (u32)kind << 24 ^ (u32)what << 12 ^
			     (u32)(err & 0xfff) };
	int t;

	for (t = 0; t < 8; t++) {
		h ^= (v[t / 4] >> (8 * (t % 4))) & 0xff;
		h *= 1099511628211ULL;
	}
	/* A sum: the same whatever order late answers are counted in. */
	digest += h;
	if (verbose) {
		u32 k;

		printf("%ld %c %d %d", i, kind, what, err);
		for (k = 0; verbose > 1 && k < last_len; k++)
			printf("%s%02x", k ? "" : " ", last_req[k]);
		printf("\n");
	}
	for (t = 0; t < ntallies; t++)
		if (tallies[t].kind == kind && tallies[t].what == what &&
		    tallies[t].err == err)
			break;
	if (t == ntallies) {
		if (ntallies == MAX_TALLY)
			return;
		tallies[ntallies++] = (struct tally){ kind, what, err, 0 };
	}
	tallies[t].count++;
}

/* ---- legacy sockopts */

static void sockopt_one(int raw, long i, int verbose)
{
	static u8 buf[4096];
	socklen_t len = below(chance(70) ? 200 : sizeof(buf));
	int set = chance(60), opt, rc;
	u32 k;

	for (k = 0; k < len; k++)
		buf[k] = chance(60) ? 0 : (u8)rnd();
	if (set) {
		opt = IP_VS_BASE_CTL + (int)below(IP_VS_SO_SET_MAX -
						  IP_VS_BASE_CTL + 3);
		/* A plausible service now and then: 10.100.0.x:80. */
		if (len >= sizeof(struct ip_vs_service_user) && chance(50)) {
			struct ip_vs_service_user *s = (void *)buf;

			s->protocol = pick_proto();
			s->addr = htonl(0x0a640000 | below(4));
			s->port = htons(80 + below(3));
			memcpy(s->sched_name, "rr", 3);
			s->netmask = ~0U;
		}
		rc = setsockopt(raw, IPPROTO_IP, opt, buf, len);
		last_req = buf;
		last_len = len;
	} else {
		opt = IP_VS_BASE_CTL + (int)below(IP_VS_SO_GET_MAX -
						  IP_VS_BASE_CTL + 3);
		last_req = buf;
		last_len = len;
		rc = getsockopt(raw, IPPROTO_IP, opt, buf, &len);
	}
	count(set ? 's' : 'g', opt - IP_VS_BASE_CTL, rc ? -errno : 0, i, verbose);
}

int main(int argc, char **argv)
{
	int fd, dumpfd, raw;
	u32 dump_seq = 0;
	long i, n, lost = 0, drain_end;
	struct msg m;
	int t;

	if (argc < 3) {
		fprintf(stderr, "usage: kvs_nlfuzz SEED COUNT [-v]\n");
		return 2;
	}
	if (argc > 3)
		verbose = !strcmp(argv[3], "-v") ? 1 : !strcmp(argv[3], "-x") ? 2 : 0;
	rnd_seed(argv[1]);
	n = strtol(argv[2], NULL, 0);
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = nl_socket();
	dumpfd = nl_socket();
	raw = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0 || dumpfd < 0 || raw < 0) {
		perror("kvs_nlfuzz: socket");
		return 2;
	}
	family = resolve_family(fd);
	if (!family) {
		fprintf(stderr, "kvs_nlfuzz: no IPVS genetlink family\n");
		return 2;
	}
	for (i = 0; i < n; i++) {
		u32 kind = below(100);
		u8 cmd;
		int err;

		/* A dump on the second socket, read between the edits. */
		if (!dump_seq && chance(3)) {
			struct msg d;

			genl_start(&d, family, chance(50) ? IPVS_CMD_GET_SERVICE :
				   IPVS_CMD_GET_DEST, NLM_F_DUMP);
			if (((struct genlmsghdr *)(d.b + NLMSG_HDRLEN))->cmd ==
			    IPVS_CMD_GET_DEST)
				svc_attrs(&d);
			genl_end(&d);
			if (send(dumpfd, d.b, d.len, 0) == (ssize_t)d.len)
				dump_seq = seq;
		} else if (dump_seq && chance(20)) {
			/* Rest of the dump: its answer, not counted. */
			nl_answer(dumpfd, dump_seq, NULL);
			dump_seq = 0;
		}
		if (kind < 15) {
			sockopt_one(raw, i, verbose);
			continue;
		}
		cmd = chance(95) ? (u8)(1 + below(IPVS_CMD_MAX)) : (u8)below(256);
		if (kind < 25) {
			genl_start(&m, family, cmd, NLM_F_ACK);
			garbage(&m, 3);
		} else {
			plausible(&m, cmd);
			if (kind < 50)
				mutate(&m);
		}
		genl_end(&m);
		last_req = m.b;
		last_len = m.len;
		if (send(fd, m.b, m.len, 0) < 0) {
			count('n', cmd, -errno, i, verbose);
			continue;
		}
		err = nl_answer(fd, seq, NULL);
		if (err == -1000 && npending < MAX_PENDING) {
			pending[npending].seq = seq;
			pending[npending].i = i;
			pending[npending++].cmd = cmd;
			continue;
		}
		if (err == -1000)
			lost++;
		count('n', cmd, err, i, verbose);
	}
	if (dump_seq)
		nl_answer(dumpfd, dump_seq, NULL);
	/* Late answers: two minutes more in all, else unanswered. */
	drain_end = now_ms() + 120000;
	while (npending) {
		u32 s = pending[0].seq;
		long left = drain_end - now_ms();
		int e = left > 0 ? nl_answer_within(fd, s, NULL, (int)left) :
				   -1000;

		if (e == -1000)
			lost++;
		pending_answered(s, e);
	}
	for (t = 0; t < ntallies; t++)
		printf("%s %d errno %d %ld\n", tallies[t].kind == 'n' ? "nl" :
		       tallies[t].kind == 's' ? "so-set" : "so-get",
		       tallies[t].what, -tallies[t].err, tallies[t].count);
	printf("digest %016llx\n", (unsigned long long)digest);
	printf("requests %ld unanswered %ld\n", n, lost);
	return lost ? 1 : 0;
}
