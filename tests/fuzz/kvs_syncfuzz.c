// SPDX-License-Identifier: GPL-2.0
/*
 * kvs_syncfuzz: the sync decoder's fuzzer, run inside the test host next
 * to a backup sync daemon (tests/e2e/sync_fuzz.sh).
 *
 *   kvs_syncfuzz SEED COUNT IFADDR SYNCID VIP:VPORT DADDR:DPORT [-n]
 *
 * Sends COUNT UDP datagrams to the sync group 224.0.0.81, port 8848, out
 * of the interface of address IFADDR, drawn from SEED alone (the same
 * seed replays the same datagrams, byte for byte), each one of:
 *   - random bytes of a random length;
 *   - a version 1 message of well-formed entries, some about the
 *     service VIP:VPORT and its real server DADDR:DPORT, with random
 *     protocols, flags, states and timeouts, and options (sequence
 *     numbers, persistence engine data and name, unknown ones), then
 *     mutated: bytes changed, cut short, sizes lied;
 *   - the same in version 0;
 *   - a version 1 or 0 header over random entry bytes.
 * The header's size field is the datagram's length in most, and the
 * syncid SYNCID in most, so that the decoder goes past its first checks.
 * Prints "sent N bytes B digest X" (X over every byte sent, in order);
 * -n: the same line without sending anything (a replay's digest).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/ip_vs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "rng.h"

#define GROUP		"224.0.0.81"
#define PORT		8848
#define MAX_LEN		1472	/* what fits a 1500-byte frame */
#define HDR_V0		4
#define HDR_V1		8
#define CONN_V0		24
#define CONN_V1		36

static u8 syncid;
static struct in_addr vip, daddr;
static u16 vport, dport;	/* network order */

static void put16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(u8 *p, u32 v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static void fill(u8 *p, u32 n)
{
	while (n--)
		*p++ = (u8)rnd();
}

static u8 pick_syncid(void)
{
	return chance(94) ? syncid : (u8)rnd();
}

static u8 pick_proto(void)
{
	static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP };

	return chance(90) ? protos[below(3)] : (u8)rnd();
}

static u32 pick_flags(void)
{
	u32 f = below(4);	/* masq, local, tunnel, droute */

	if (chance(20))
		f |= IP_VS_CONN_F_TEMPLATE;
	if (chance(10))
		f |= IP_VS_CONN_F_SEQ_MASK;
	if (chance(20))
		f |= IP_VS_CONN_F_INACTIVE;
	if (chance(10))
		f = (u32)rnd();
	return f;
}

/* An address and port: mostly @a and @port, else random. */
static void put_addr(u8 *addr, u8 *p, const struct in_addr *a, u16 port)
{
	if (chance(80)) {
		memcpy(addr, a, 4);
		memcpy(p, &port, 2);
	} else {
		fill(addr, 4);
		fill(p, 2);
	}
}

/* The three addresses and ports: the client's random, the others mostly
 * the service's and its real server's.
 */
static void put_addrs(u8 *c, u8 *v, u8 *d, u8 *cp, u8 *vp, u8 *dp)
{
	fill(c, 4);
	fill(cp, 2);
	put_addr(v, vp, &vip, vport);
	put_addr(d, dp, &daddr, dport);
}

/* One version 1 entry at @p, at most @room bytes; returns its size. */
static u32 entry_v1(u8 *p, u32 room)
{
	u32 size = CONN_V1, n, opt;

	if (room < CONN_V1)
		return 0;
	memset(p, 0, CONN_V1);
	p[0] = chance(95) ? 0 : (u8)rnd();	/* type: IPv4 */
	p[1] = pick_proto();
	put32(p + 4, pick_flags());
	put16(p + 8, chance(90) ? below(12) : (u16)rnd());
	put_addrs(p + 24, p + 28, p + 32, p + 10, p + 12, p + 14);
	put32(p + 16, chance(90) ? 0 : (u32)rnd());	/* fwmark */
	put32(p + 20, chance(90) ? below(900) : (u32)rnd());
	/* Options: sequence numbers, pe data, pe name, unknown ones. */
	for (n = below(4); n; n--) {
		u32 len = below(40);

		opt = below(6);
		if (opt == 0)
			len = 24;
		if (size + 2 + len > room || size + 2 + len > 0xfff)
			break;
		p[size] = opt < 3 ? opt + 1 : (u8)rnd();
		p[size + 1] = chance(90) ? len : (u8)rnd();
		if (opt == 2 && chance(70))
			memcpy(p + size + 2, "sip", len < 3 ? len : 3);
		else
			fill(p + size + 2, len);
		size += 2 + len;
	}
	put16(p + 2, chance(95) ? size : (u16)rnd());
	return size;
}

/* One version 0 entry at @p; returns its size. */
static u32 entry_v0(u8 *p, u32 room)
{
	u32 flags = pick_flags() & 0xffff;
	u32 size = CONN_V0 + (flags & IP_VS_CONN_F_SEQ_MASK ? 24 : 0);

	if (room < size)
		return 0;
	memset(p, 0, CONN_V0);
	p[1] = pick_proto();
	put_addrs(p + 8, p + 12, p + 16, p + 2, p + 4, p + 6);
	put16(p + 20, flags);
	put16(p + 22, chance(90) ? below(12) : (u16)rnd());
	fill(p + CONN_V0, size - CONN_V0);
	return size;
}

/* Changes a few bytes, or the length, of the message in @b. */
static u32 mutate(u8 *b, u32 len)
{
	u32 n;

	for (n = below(4); n && len; n--) {
		switch (below(4)) {
		case 0:
			b[below(len)] = (u8)rnd();
			break;
		case 1:
			b[below(len)] ^= 1 << below(8);
			break;
		case 2:
			len = below(len + 1);
			break;
		default:
			if (len < MAX_LEN)
				len += below(MAX_LEN - len + 1);
			break;
		}
	}
	return len;
}

/* The next message into @b; returns its length. */
static u32 message(u8 *b)
{
	u32 kind = below(10), len, n, count, size;
	int v1 = kind < 4 || kind == 8;

	memset(b, 0, MAX_LEN);
	if (kind == 9) {
		len = below(MAX_LEN + 1);
		fill(b, len);
		return len;
	}
	len = v1 ? HDR_V1 : HDR_V0;
	count = chance(90) ? 1 + below(20) : below(256);
	for (n = 0; n < count; n++) {
		if (kind >= 8) {
			size = below(80);
			if (len + size > MAX_LEN)
				break;
			fill(b + len, size);
		} else if (v1) {
			size = entry_v1(b + len, MAX_LEN - len);
		} else {
			size = entry_v0(b + len, MAX_LEN - len);
		}
		if (!size)
			break;
		len += v1 ? (size + 3) & ~3U : size;
	}
	if (len > MAX_LEN)
		len = MAX_LEN;
	if (v1) {
		b[1] = pick_syncid();
		b[4] = chance(90) ? n : (u8)rnd();
		b[5] = chance(95) ? 1 : (u8)rnd();
	} else {
		b[0] = chance(90) ? n : (u8)rnd();
		b[1] = pick_syncid();
	}
	if (kind == 2 || kind == 3 || kind == 6 || kind == 7)
		len = mutate(b, len);
	if (len >= 4)
		put16(b + 2, chance(85) ? len : (u16)rnd());
	return len;
}

static void addr_port(const char *arg, struct in_addr *a, u16 *port)
{
	char buf[64], *colon;

	snprintf(buf, sizeof(buf), "%s", arg);
	colon = strrchr(buf, ':');
	if (!colon)
		goto bad;
	*colon = 0;
	if (inet_pton(AF_INET, buf, a) != 1)
		goto bad;
	*port = htons(atoi(colon + 1));
	return;
bad:
	fprintf(stderr, "kvs_syncfuzz: not ADDR:PORT: %s\n", arg);
	exit(2);
}

int main(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	static u8 b[MAX_LEN];
	struct in_addr ifaddr;
	unsigned long long bytes = 0;
	u64 digest = 0xcbf29ce484222325ULL;
	long count, i;
	int fd = -1, dry, one = 1;
	u32 len, k;

	dry = argc == 8 && !strcmp(argv[7], "-n");
	if (argc != 7 && !dry) {
		fprintf(stderr,
			"usage: kvs_syncfuzz SEED COUNT IFADDR SYNCID VIP:VPORT DADDR:DPORT [-n]\n");
		return 2;
	}
	rnd_seed(argv[1]);
	count = atol(argv[2]);
	if (inet_pton(AF_INET, argv[3], &ifaddr) != 1) {
		fprintf(stderr, "kvs_syncfuzz: bad IFADDR %s\n", argv[3]);
		return 2;
	}
	syncid = atoi(argv[4]);
	addr_port(argv[5], &vip, &vport);
	addr_port(argv[6], &daddr, &dport);
	inet_pton(AF_INET, GROUP, &to.sin_addr);
	to.sin_port = htons(PORT);
	if (!dry) {
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0 ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &ifaddr,
			       sizeof(ifaddr)) ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &one,
			       sizeof(one))) {
			perror("kvs_syncfuzz: socket");
			return 2;
		}
	}
	for (i = 0; i < count; i++) {
		len = message(b);
		for (k = 0; k < len; k++)
			digest = (digest ^ b[k]) * 0x100000001b3ULL;
		digest = (digest ^ len) * 0x100000001b3ULL;
		bytes += len;
		if (dry)
			continue;
		/* A full socket buffer: wait a little, then send it again. */
		while (sendto(fd, b, len, 0, (struct sockaddr *)&to,
			      sizeof(to)) < 0) {
			struct timespec ms = { .tv_nsec = 1000000 };

			if (errno != ENOBUFS && errno != EAGAIN) {
				perror("kvs_syncfuzz: sendto");
				return 1;
			}
			nanosleep(&ms, NULL);
		}
		/* Paced: the backup's socket keeps up, so most are decoded. */
		if (i % 16 == 15) {
			struct timespec pause = { .tv_nsec = 2000000 };

			nanosleep(&pause, NULL);
		}
	}
	printf("sent %ld bytes %llu digest %016llx\n", count, bytes,
	       (unsigned long long)digest);
	return 0;
}
