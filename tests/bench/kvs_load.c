// SPDX-License-Identifier: GPL-2.0
/*
 * kvs_load: the load generator of the benchmarks (scripts/bench), run
 * inside the test host.  One binary, one mode per workload:
 *
 *   kvs_load server PORT NPROC [ADDR]   TCP: read a request, answer, close
 *   kvs_load crr ADDR:PORT[,...] NPROC SECS
 *                                       TCP connect/request/reply/close
 *                                       loops, client i to target i mod n
 *   kvs_load sink PORT [ADDR]           UDP: receive and discard
 *   kvs_load blast ADDR:PORT SECS SIZE  UDP: one flow, SIZE-byte IP packets
 *   kvs_load flows SRC DST:PORT COUNT [NPROC [PORTS]]
 *                                       UDP: COUNT distinct flows (raw IP),
 *                                       sources SRC, SRC+1, ... x PORTS
 *                                       ports (default 64512) from 1024,
 *                                       sent by NPROC processes, one per CPU
 *   kvs_load services FIRST COUNT       add UDP services FIRST.. over the
 *                                       IPVS genetlink family, in batches
 *   kvs_load spin SECS                  one busy loop per CPU at the lowest
 *                                       priority (SCHED_IDLE), SECS long
 *   kvs_load netns COUNT                COUNT idle network namespaces, held
 *                                       by descriptors (no process each)
 *                                       until killed
 *
 * Servers listen on ADDR (default: any), so that one bound to a VIP sees
 * only packets still addressed to the VIP (direct routing, not NAT).
 * Measuring modes print one line "key value ..." on stdout; servers run
 * until killed.  Every run is bounded: crr and blast stop after SECS.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <linux/netlink.h>
#include <linux/types.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The kernel's names, for checkpatch and for readers of kvs. */
typedef __u16 u16;
typedef __u32 u32;

#define BATCH		64
#define REQUEST		"GET / HTTP/1.0\r\n\r\n"
#define REPLY		"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: kvs_load server PORT NPROC [ADDR]\n"
		"       kvs_load crr ADDR:PORT[,ADDR:PORT...] NPROC SECS\n"
		"       kvs_load sink PORT [ADDR]\n"
		"       kvs_load blast ADDR:PORT SECS SIZE\n"
		"       kvs_load flows SRC DST:PORT COUNT [NPROC [PORTS]]\n"
		"       kvs_load services FIRST COUNT\n"
		"       kvs_load spin SECS\n"
		"       kvs_load netns COUNT\n");
	exit(2);
}

static long num(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max) {
		fprintf(stderr, "kvs_load: bad number %s (%ld..%ld)\n", s, min, max);
		exit(2);
	}
	return v;
}

static struct sockaddr_in addr_port(const char *s)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	char host[64];
	const char *colon = strrchr(s, ':');

	if (!colon || (size_t)(colon - s) >= sizeof(host))
		bad_usage();
	memcpy(host, s, colon - s);
	host[colon - s] = '\0';
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
		bad_usage();
	sin.sin_port = htons(num(colon + 1, 1, 65535));
	return sin;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int listener(int type, int port, const char *addr)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	int one = 1, fd;

	if (addr && inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		bad_usage();
	fd = socket(AF_INET, type, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
		die("bind");
	if (type == SOCK_STREAM && listen(fd, 1024))
		die("listen");
	return fd;
}

/* NPROC processes accept on one socket: read the request, reply, close. */
static int run_server(int port, int nproc, const char *addr)
{
	int fd = listener(SOCK_STREAM, port, addr), i;
	char buf[512];

	for (i = 1; i < nproc; i++)
		if (fork() == 0)
			break;
	for (;;) {
		int c = accept(fd, NULL, NULL);

		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			perror("accept");
			return 1;
		}
		if (read(c, buf, sizeof(buf)) > 0)
			(void)!write(c, REPLY, sizeof(REPLY) - 1);
		close(c);
	}
}

/*
 * One connection: connect, send the request, read the reply to EOF.  Each
 * step may take 5 s, past a SYN's second retransmission (at 3 s): a stall
 * of the emulated test host slows a round down, it does not fail it; a
 * balancer that drops connections still fails every one.
 */
static int one_crr(const struct sockaddr_in *to)
{
	struct timeval tv = { .tv_sec = 5 };
	char buf[512];
	int fd, ok = 0;
	ssize_t n, got = 0;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return 0;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (const struct sockaddr *)to, sizeof(*to)) == 0 &&
	    write(fd, REQUEST, sizeof(REQUEST) - 1) == sizeof(REQUEST) - 1) {
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			got += n;
		ok = n == 0 && got == sizeof(REPLY) - 1;
	}
	close(fd);
	return ok;
}

/* NPROC processes loop for SECS; prints the connections completed. */
/*
 * TARGETS is ADDR:PORT[,ADDR:PORT...]: client i talks to target i modulo
 * their number, so that a run without a balancer spreads over the same
 * servers as one through it.
 */
#define MAX_TARGETS	16

static int run_crr(const char *targets, int nproc, int secs)
{
	struct sockaddr_in to[MAX_TARGETS];
	char list[MAX_TARGETS * 32], *tok, *save = NULL;
	int ntargets = 0;
	long *done = mmap(NULL, 2 * nproc * sizeof(long), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	long conns = 0, errs = 0;
	double start, end, took;
	int i;

	if (strlen(targets) >= sizeof(list))
		bad_usage();
	snprintf(list, sizeof(list), "%s", targets);
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (ntargets == MAX_TARGETS)
			bad_usage();
		to[ntargets++] = addr_port(tok);
	}
	if (!ntargets)
		bad_usage();
	if (done == MAP_FAILED)
		die("mmap");
	start = now();
	end = start + secs;
	for (i = 0; i < nproc; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			while (now() < end) {
				if (one_crr(&to[i % ntargets]))
					done[2 * i]++;
				else
					done[2 * i + 1]++;
			}
			_exit(0);
		}
	}
	while (wait(NULL) > 0)
		;
	for (i = 0; i < nproc; i++) {
		conns += done[2 * i];
		errs += done[2 * i + 1];
	}
	took = now() - start;
	printf("conns %ld errors %ld secs %.3f rate %.1f\n", conns, errs,
	       took, conns / took);
	return conns ? 0 : 1;
}

/* Receive and discard, in batches. */
static int run_sink(int port, const char *addr)
{
	static char bufs[BATCH][2048];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	int fd = listener(SOCK_DGRAM, port, addr), i;

	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL) >= 0 ||
	       errno == EINTR)
		;
	perror("recvmmsg");
	return 1;
}

/* One UDP flow (one socket) at full speed for SECS. */
static int run_blast(const char *target, int secs, int size)
{
	struct sockaddr_in to = addr_port(target);
	static char payload[2048];
	struct mmsghdr msgs[BATCH];
	struct iovec iov;
	long sent = 0;
	double start, end, took;
	int fd, i, n;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)))
		die("connect");
	memset(payload, 'x', sizeof(payload));
	iov.iov_base = payload;
	iov.iov_len = size - sizeof(struct iphdr) - sizeof(struct udphdr);
	for (i = 0; i < BATCH; i++) {
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	start = now();
	end = start + secs;
	while (now() < end) {
		n = sendmmsg(fd, msgs, BATCH, 0);
		if (n > 0)
			sent += n;
	}
	took = now() - start;
	printf("sent %ld secs %.3f rate %.1f\n", sent, took, sent / took);
	return 0;
}

static u16 csum_fold(u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* Source ports per source address of the flows. */
static long flow_ports = 65536 - 1024;

/*
 * Flows FIRST..LAST-1 of run_flows(), each one datagram, as raw IPv4:
 * flow f comes from SRC + f / P, source port 1024 + f % P, to DST:PORT,
 * P being flow_ports.  Opens that many connections in a balancer without a socket
 * each.
 */
static void send_flows(const char *src, const char *target, long first,
		       long last)
{
	struct sockaddr_in to = addr_port(target);
	static struct {
		struct iphdr ip;
		struct udphdr udp;
		char data[8];
	} pkt[BATCH];	/* 36 bytes, no padding */
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct in_addr base;
	const long ports = flow_ports;
	long sent = first, i;
	int fd, one = 1;

	static_assert(sizeof(pkt[0]) == 36, "headers and data, unpadded");
	if (inet_pton(AF_INET, src, &base) != 1)
		bad_usage();
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0)
		die("socket");
	if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)))
		die("IP_HDRINCL");
	for (i = 0; i < BATCH; i++) {
		memset(&msgs[i], 0, sizeof(msgs[i]));
		iov[i].iov_base = &pkt[i];
		iov[i].iov_len = sizeof(pkt[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &to;
		msgs[i].msg_hdr.msg_namelen = sizeof(to);
	}
	while (sent < last) {
		int n = last - sent < BATCH ? last - sent : BATCH, k;

		for (k = 0; k < n; k++) {
			long f = sent + k;
			u32 saddr = htonl(ntohl(base.s_addr) + f / ports);
			u16 sport = htons(1024 + f % ports);
			u32 sum;
			u16 *w;
			size_t j;

			memset(&pkt[k], 0, sizeof(pkt[k]));
			pkt[k].ip.version = 4;
			pkt[k].ip.ihl = 5;
			pkt[k].ip.ttl = 64;
			pkt[k].ip.protocol = IPPROTO_UDP;
			pkt[k].ip.tot_len = htons(sizeof(pkt[k]));
			pkt[k].ip.saddr = saddr;
			pkt[k].ip.daddr = to.sin_addr.s_addr;
			pkt[k].udp.source = sport;
			pkt[k].udp.dest = to.sin_port;
			pkt[k].udp.len = htons(sizeof(pkt[k]) - sizeof(pkt[k].ip));
			memcpy(pkt[k].data, "kvsflow", 8);
			/* Pseudo-header, then the UDP header and data. */
			sum = (saddr & 0xffff) + (saddr >> 16) +
			      (to.sin_addr.s_addr & 0xffff) +
			      (to.sin_addr.s_addr >> 16) +
			      htons(IPPROTO_UDP) + pkt[k].udp.len;
			w = (u16 *)&pkt[k].udp;
			for (j = 0; j < (sizeof(pkt[k]) - sizeof(pkt[k].ip)) / 2; j++)
				sum += w[j];
			pkt[k].udp.check = csum_fold(sum) ?: 0xffff;
		}
		k = sendmmsg(fd, msgs, n, 0);
		if (k < 0) {
			if (errno == ENOBUFS || errno == EAGAIN) {
				usleep(1000);
				continue;
			}
			die("sendmmsg");
		}
		sent += k;
	}
	close(fd);
}

static long online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? n : 1;
}

/* fork(), the child pinned to CPU @i (modulo the CPUs there are). */
static pid_t fork_on_cpu(long i)
{
	pid_t pid = fork();
	cpu_set_t cpus;

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		CPU_ZERO(&cpus);
		CPU_SET(i % online_cpus(), &cpus);
		sched_setaffinity(0, sizeof(cpus), &cpus);
	}
	return pid;
}

/*
 * Keeps every CPU busy at the lowest priority, so that none idles with
 * its tick stopped: kernel work done meanwhile (works, timers, softirqs)
 * preempts the loops and is sampled by the tick like any other, whatever
 * context it runs in.  Without it, a timer's softirq run from an idle
 * CPU's wakeup is mostly not counted in /proc/stat.
 */
static int run_spin(int secs)
{
	struct sched_param none = { 0 };
	long i;

	for (i = 0; i < online_cpus(); i++) {
		if (fork_on_cpu(i) == 0) {
			if (sched_setscheduler(0, SCHED_IDLE, &none))
				die("SCHED_IDLE");
			/*
			 * No clock read in the loop: under emulation it may be
			 * a system call.  SIGALRM's default action ends it.
			 */
			signal(SIGALRM, SIG_DFL);
			alarm(secs);
			for (;;)
				;
		}
	}
	while (wait(NULL) > 0)
		;
	return 0;
}

/*
 * COUNT flows split over NPROC processes, process i on CPU i (modulo the
 * CPUs there are): the director takes each packet on the CPU that sent
 * it, so this fills a balancer's table on every CPU at once.
 */
static int run_flows(const char *src, const char *target, long count,
		     int nproc)
{
	int i, status, failed = 0;
	double start = now();

	for (i = 0; i < nproc; i++) {
		if (fork_on_cpu(i) == 0) {
			send_flows(src, target, count * i / nproc,
				   count * (i + 1) / nproc);
			_exit(0);
		}
	}
	while (wait(&status) > 0)
		failed |= !WIFEXITED(status) || WEXITSTATUS(status);
	if (failed)
		return 1;
	printf("flows %ld secs %.3f\n", count, now() - start);
	return 0;
}

/*
 * Generic netlink, just enough to add services without one ipvsadm
 * process and socket per service: messages are built in one buffer,
 * sent in batches, and every ack is checked.
 */
struct nlbuf {
	char data[1 << 16];
	size_t len;
};

static struct nlattr *nl_put(struct nlbuf *b, int type, const void *v, size_t n)
{
	struct nlattr *a = (struct nlattr *)(b->data + b->len);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + n;
	if (n)
		memcpy((char *)a + NLA_HDRLEN, v, n);
	b->len += NLA_ALIGN(a->nla_len);
	return a;
}

static void nl_end_nest(struct nlbuf *b, struct nlattr *nest)
{
	nest->nla_len = b->data + b->len - (char *)nest;
}

static struct nlmsghdr *nl_msg(struct nlbuf *b, int family, int cmd, int seq)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(b->data + b->len);
	struct genlmsghdr g = { .cmd = cmd, .version = IPVS_GENL_VERSION };

	h->nlmsg_type = family;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	h->nlmsg_seq = seq;
	h->nlmsg_pid = 0;
	b->len += NLMSG_HDRLEN;
	memcpy(b->data + b->len, &g, sizeof(g));
	b->len += NLMSG_ALIGN(sizeof(g));
	return h;
}

static void nl_end_msg(struct nlbuf *b, struct nlmsghdr *h)
{
	h->nlmsg_len = b->data + b->len - (char *)h;
}

/*
 * Sends @b and reads @count acks; returns the first error (-errno) or 0.
 * With @family_out, also takes the family id from a CTRL reply.
 */
static int nl_exchange(int fd, struct nlbuf *b, int count, u16 *family_out)
{
	static char rx[1 << 16];
	int err = 0;

	if (send(fd, b->data, b->len, 0) != (ssize_t)b->len)
		die("netlink send");
	b->len = 0;
	while (count > 0) {
		ssize_t n = recv(fd, rx, sizeof(rx), 0);
		struct nlmsghdr *h;

		if (n < 0)
			die("netlink recv");
		for (h = (struct nlmsghdr *)rx; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				if (e->error && !err)
					err = e->error;
				count--;
			} else if (family_out && h->nlmsg_type == GENL_ID_CTRL) {
				struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(h) +
								     GENL_HDRLEN);
				int left = h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

				for (; left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN;
				     left -= NLA_ALIGN(a->nla_len),
				     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
					if (a->nla_type == CTRL_ATTR_FAMILY_ID)
						memcpy(family_out, (char *)a + NLA_HDRLEN, 2);
			}
		}
	}
	return err;
}

/* Adds UDP services number FIRST.. (addresses as scripts/bench uses them). */
static int run_services(long first, long count)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	static struct nlbuf b;
	u16 family = 0;
	long i, done = 0;
	double start = now();
	int fd, err, batch = 0;
	struct nlmsghdr *h;

	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (fd < 0 || connect(fd, (struct sockaddr *)&kernel, sizeof(kernel)))
		die("netlink socket");
	h = nl_msg(&b, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	nl_put(&b, CTRL_ATTR_FAMILY_NAME, IPVS_GENL_NAME, sizeof(IPVS_GENL_NAME));
	nl_end_msg(&b, h);
	err = nl_exchange(fd, &b, 1, &family);
	if (err || !family) {
		fprintf(stderr, "kvs_load: no IPVS genetlink family (%d)\n", err);
		return 1;
	}
	for (i = first; i < first + count; i++) {
		struct ip_vs_flags flags = { .flags = 0, .mask = ~0U };
		u16 af = AF_INET, proto = IPPROTO_UDP, port;
		u32 addr[4] = { 0 }, zero = 0, mask = ~0U;
		struct nlattr *nest;

		addr[0] = htonl((10U << 24) | ((200 + i / 65536) << 16) |
				((i / 256) % 256) << 8 | (i % 256));
		port = htons(1000 + i % 7);
		h = nl_msg(&b, family, IPVS_CMD_NEW_SERVICE, i + 2);
		nest = nl_put(&b, IPVS_CMD_ATTR_SERVICE, NULL, 0);
		nl_put(&b, IPVS_SVC_ATTR_AF, &af, 2);
		nl_put(&b, IPVS_SVC_ATTR_PROTOCOL, &proto, 2);
		nl_put(&b, IPVS_SVC_ATTR_ADDR, addr, sizeof(addr));
		nl_put(&b, IPVS_SVC_ATTR_PORT, &port, 2);
		nl_put(&b, IPVS_SVC_ATTR_SCHED_NAME, "rr", 3);
		nl_put(&b, IPVS_SVC_ATTR_FLAGS, &flags, sizeof(flags));
		nl_put(&b, IPVS_SVC_ATTR_TIMEOUT, &zero, 4);
		nl_put(&b, IPVS_SVC_ATTR_NETMASK, &mask, 4);
		nl_end_nest(&b, nest);
		nl_end_msg(&b, h);
		if (++batch == 64 || i + 1 == first + count) {
			err = nl_exchange(fd, &b, batch, NULL);
			if (err) {
				fprintf(stderr, "kvs_load: adding service %ld: %s\n",
					i, strerror(-err));
				return 1;
			}
			done += batch;
			batch = 0;
		}
	}
	printf("services %ld secs %.3f\n", done, now() - start);
	return 0;
}

/*
 * COUNT new network namespaces, each held by a descriptor of this one
 * process: what they cost is theirs, not that of a process each.  Prints
 * "netns COUNT secs S" once all exist, then holds them until killed.
 */
static int run_netns(long count)
{
	struct rlimit rl = { .rlim_cur = count + 64, .rlim_max = count + 64 };
	double start = now();
	long i;

	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("setrlimit");
	for (i = 0; i < count; i++) {
		if (unshare(CLONE_NEWNET))
			die("unshare");
		if (open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC) < 0)
			die("/proc/self/ns/net");
	}
	printf("netns %ld secs %.3f\n", count, now() - start);
	while (pause() < 0 && errno == EINTR)
		;
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "server"))
		return run_server(num(argv[2], 1, 65535), num(argv[3], 1, 64), argv[4]);
	if (argc == 5 && !strcmp(argv[1], "crr"))
		return run_crr(argv[2], num(argv[3], 1, 64), num(argv[4], 1, 600));
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "sink"))
		return run_sink(num(argv[2], 1, 65535), argv[3]);
	if (argc == 5 && !strcmp(argv[1], "blast"))
		return run_blast(argv[2], num(argv[3], 1, 600),
				 num(argv[4], 32, 1500));
	if (argc >= 5 && argc <= 7 && !strcmp(argv[1], "flows")) {
		if (argc == 7)
			flow_ports = num(argv[6], 1, 65536 - 1024);
		return run_flows(argv[2], argv[3], num(argv[4], 1, 100000000),
				 argc >= 6 ? num(argv[5], 1, 64) : 1);
	}
	if (argc == 3 && !strcmp(argv[1], "spin"))
		return run_spin(num(argv[2], 1, 600));
	if (argc == 4 && !strcmp(argv[1], "services"))
		return run_services(num(argv[2], 0, 1000000), num(argv[3], 1, 1000000));
	if (argc == 3 && !strcmp(argv[1], "netns"))
		return run_netns(num(argv[2], 1, 100000));
	bad_usage();
	return 2;
}
