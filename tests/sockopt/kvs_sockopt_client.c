// SPDX-License-Identifier: GPL-2.0
/*
 * A client of the legacy IPVS sockopt interface (IP_VS_SO_SET_* and
 * IP_VS_SO_GET_*), run as root in the test host by tests/e2e/sockopt.sh
 * against kvs and against the in-tree IPVS: it makes every call, with
 * good arguments and with bad ones (wrong lengths, unknown services,
 * bad values), and checks each result and errno.  It prints one
 * "ok - ..." or "not ok - ..." line per check and exits 1 if any failed.
 *
 * It leaves one service behind for the script to list with ipvsadm:
 * TCP 10.9.9.9:80 wrr persistent 300 mask 255.255.255.0, one Masq dest
 * 10.0.2.11:8080 weight 3.
 *
 * "kvs_sockopt_client stats ADDR PORT" instead prints the counters and
 * rates of TCP service ADDR:PORT as IP_VS_SO_GET_SERVICE gives them, as
 * "name value" lines.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/ip_vs.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int sock;
static int failed;
static int passed;

static void result(int good, const char *what, int got, int want)
{
	if (good) {
		passed++;
		printf("ok - %s\n", what);
	} else {
		failed++;
		printf("not ok - %s (got %d, want %d)\n", what, got, want);
	}
}

/* The errno of a call: 0 on success. */
static int set(int cmd, const void *arg, socklen_t len)
{
	return setsockopt(sock, IPPROTO_IP, cmd, arg, len) ? errno : 0;
}

static int get(int cmd, void *arg, socklen_t *len)
{
	return getsockopt(sock, IPPROTO_IP, cmd, arg, len) ? errno : 0;
}

static void expect_err(const char *what, int got, int want)
{
	result(got == want, what, got, want);
}

static void expect_int(const char *what, long got, long want)
{
	result(got == want, what, (int)got, (int)want);
}

struct svcdest {
	struct ip_vs_service_user s;
	struct ip_vs_dest_user d;
};

static struct ip_vs_service_user svc(unsigned short proto, const char *addr,
				     unsigned short port, const char *sched)
{
	struct ip_vs_service_user u;

	memset(&u, 0, sizeof(u));
	u.protocol = proto;
	u.addr = inet_addr(addr);
	u.port = htons(port);
	snprintf(u.sched_name, sizeof(u.sched_name), "%s", sched);
	u.netmask = 0xffffffff;
	return u;
}

static struct svcdest svcdest(struct ip_vs_service_user s, const char *addr,
			      unsigned short port, int weight)
{
	struct svcdest sd;

	memset(&sd, 0, sizeof(sd));
	sd.s = s;
	sd.d.addr = inet_addr(addr);
	sd.d.port = htons(port);
	sd.d.conn_flags = IP_VS_CONN_F_MASQ;
	sd.d.weight = weight;
	return sd;
}

static void test_get_basics(void)
{
	char buf[256];
	struct ip_vs_getinfo info;
	struct ip_vs_timeout_user t;
	struct ip_vs_daemon_user dm[2];
	socklen_t len;

	len = 64;
	expect_err("GET_VERSION, 64 bytes", get(IP_VS_SO_GET_VERSION, buf, &len), 0);
	expect_int("GET_VERSION text",
		   !strncmp(buf, "IP Virtual Server version 1.2.1 (size=", 38), 1);
	expect_int("GET_VERSION length is the text's, with its NUL", len, strlen(buf) + 1);
	len = 63;
	expect_err("GET_VERSION, 63 bytes: EINVAL", get(IP_VS_SO_GET_VERSION, buf, &len), EINVAL);

	len = sizeof(info);
	expect_err("GET_INFO", get(IP_VS_SO_GET_INFO, &info, &len), 0);
	expect_int("GET_INFO version", info.version, 0x010201);
	expect_int("GET_INFO no services", info.num_services, 0);
	len = sizeof(info) - 1;
	expect_err("GET_INFO, short: EINVAL", get(IP_VS_SO_GET_INFO, &info, &len), EINVAL);
	len = sizeof(buf);
	expect_err("GET_INFO, long buffer", get(IP_VS_SO_GET_INFO, buf, &len), 0);

	len = sizeof(t);
	expect_err("GET_TIMEOUT", get(IP_VS_SO_GET_TIMEOUT, &t, &len), 0);
	expect_int("GET_TIMEOUT tcp 900", t.tcp_timeout, 900);
	expect_int("GET_TIMEOUT tcpfin 120", t.tcp_fin_timeout, 120);
	expect_int("GET_TIMEOUT udp 300", t.udp_timeout, 300);
	len = sizeof(t) - 4;
	expect_err("GET_TIMEOUT, short: EINVAL", get(IP_VS_SO_GET_TIMEOUT, &t, &len), EINVAL);

	memset(dm, 0xff, sizeof(dm));
	len = sizeof(dm);
	expect_err("GET_DAEMON", get(IP_VS_SO_GET_DAEMON, dm, &len), 0);
	expect_int("GET_DAEMON: no master, no backup", dm[0].state | dm[1].state, 0);
	len = sizeof(dm[0]);
	expect_err("GET_DAEMON, one slot: EINVAL", get(IP_VS_SO_GET_DAEMON, dm, &len), EINVAL);

	len = sizeof(buf);
	expect_err("GET_DEST (never implemented): EINVAL",
		   get(IP_VS_SO_GET_DEST, buf, &len), EINVAL);
	len = sizeof(buf);
	expect_err("GET past the range: ENOPROTOOPT",
		   get(IP_VS_SO_GET_MAX + 1, buf, &len), ENOPROTOOPT);
}

static void test_services(void)
{
	struct ip_vs_service_user u, bad;
	struct ip_vs_service_entry e;
	socklen_t len;

	u = svc(IPPROTO_TCP, "10.9.9.9", 80, "rr");
	expect_err("ADD, short: EINVAL", set(IP_VS_SO_SET_ADD, &u, sizeof(u) - 1), EINVAL);
	expect_err("ADD, long: EINVAL", set(IP_VS_SO_SET_ADD, &u, sizeof(u) + 1), EINVAL);
	expect_err("ADD TCP 10.9.9.9:80 rr", set(IP_VS_SO_SET_ADD, &u, sizeof(u)), 0);
	expect_err("ADD again: EEXIST", set(IP_VS_SO_SET_ADD, &u, sizeof(u)), EEXIST);

	bad = svc(IPPROTO_TCP, "10.9.9.9", 81, "nosuch");
	expect_err("ADD, unknown scheduler: ENOENT",
		   set(IP_VS_SO_SET_ADD, &bad, sizeof(bad)), ENOENT);
	bad = svc(IPPROTO_TCP, "10.9.9.9", 81, "rr");
	memset(bad.sched_name, 'x', sizeof(bad.sched_name));
	expect_err("ADD, scheduler name without NUL: EINVAL",
		   set(IP_VS_SO_SET_ADD, &bad, sizeof(bad)), EINVAL);
	bad = svc(99, "10.9.9.9", 81, "rr");
	expect_err("ADD, protocol 99: EFAULT", set(IP_VS_SO_SET_ADD, &bad, sizeof(bad)), EFAULT);

	bad = svc(IPPROTO_UDP, "10.9.9.9", 53, "wlc");
	bad.flags = IP_VS_SVC_F_PERSISTENT;
	bad.timeout = 120;
	bad.netmask = inet_addr("255.255.0.0");
	expect_err("ADD UDP 10.9.9.9:53 wlc persistent 120 /16",
		   set(IP_VS_SO_SET_ADD, &bad, sizeof(bad)), 0);
	memset(&e, 0, sizeof(e));
	e.protocol = IPPROTO_UDP;
	e.addr = inet_addr("10.9.9.9");
	e.port = htons(53);
	len = sizeof(e);
	expect_err("GET_SERVICE UDP 10.9.9.9:53", get(IP_VS_SO_GET_SERVICE, &e, &len), 0);
	expect_int("  its scheduler is wlc", !strcmp(e.sched_name, "wlc"), 1);
	expect_int("  persistent", e.flags & IP_VS_SVC_F_PERSISTENT, IP_VS_SVC_F_PERSISTENT);
	expect_int("  timeout 120", e.timeout, 120);
	expect_int("  netmask 255.255.0.0", e.netmask, inet_addr("255.255.0.0"));
	expect_int("  no dests", e.num_dests, 0);
	len = sizeof(e) - 1;
	expect_err("GET_SERVICE, short: EINVAL", get(IP_VS_SO_GET_SERVICE, &e, &len), EINVAL);
	e.port = htons(54);
	len = sizeof(e);
	expect_err("GET_SERVICE, unknown: ESRCH", get(IP_VS_SO_GET_SERVICE, &e, &len), ESRCH);
	expect_err("DEL UDP 10.9.9.9:53", set(IP_VS_SO_SET_DEL, &bad, sizeof(bad)), 0);
	expect_err("DEL again: ESRCH", set(IP_VS_SO_SET_DEL, &bad, sizeof(bad)), ESRCH);
	expect_err("DEL, short: EINVAL", set(IP_VS_SO_SET_DEL, &bad, 4), EINVAL);

	bad = svc(IPPROTO_TCP, "10.9.9.9", 80, "wrr");
	bad.protocol = IPPROTO_UDP;
	expect_err("EDIT with the wrong protocol: ESRCH",
		   set(IP_VS_SO_SET_EDIT, &bad, sizeof(bad)), ESRCH);
	bad = svc(IPPROTO_TCP, "10.9.9.9", 82, "wrr");
	expect_err("EDIT an unknown service: ESRCH",
		   set(IP_VS_SO_SET_EDIT, &bad, sizeof(bad)), ESRCH);
	u = svc(IPPROTO_TCP, "10.9.9.9", 80, "wrr");
	u.flags = IP_VS_SVC_F_PERSISTENT;
	u.timeout = 300;
	u.netmask = inet_addr("255.255.255.0");
	expect_err("EDIT, short: EINVAL", set(IP_VS_SO_SET_EDIT, &u, sizeof(u) - 4), EINVAL);
	expect_err("EDIT TCP 10.9.9.9:80: wrr persistent 300 /24",
		   set(IP_VS_SO_SET_EDIT, &u, sizeof(u)), 0);
	strcpy(u.sched_name, "nosuch");
	expect_err("EDIT to an unknown scheduler: ENOENT",
		   set(IP_VS_SO_SET_EDIT, &u, sizeof(u)), ENOENT);

	u = svc(IPPROTO_TCP, "0.0.0.0", 0, "rr");
	u.fwmark = 5;
	expect_err("ADD fwmark 5", set(IP_VS_SO_SET_ADD, &u, sizeof(u)), 0);
	memset(&e, 0, sizeof(e));
	e.fwmark = 5;
	len = sizeof(e);
	expect_err("GET_SERVICE fwmark 5", get(IP_VS_SO_GET_SERVICE, &e, &len), 0);
	expect_int("  fwmark 5", e.fwmark, 5);
	expect_err("ZERO fwmark 5", set(IP_VS_SO_SET_ZERO, &u, sizeof(u)), 0);
	u.protocol = IPPROTO_UDP;
	expect_err("EDIT fwmark 5 as UDP: ESRCH", set(IP_VS_SO_SET_EDIT, &u, sizeof(u)), ESRCH);
	u.protocol = IPPROTO_TCP;
	expect_err("DEL fwmark 5", set(IP_VS_SO_SET_DEL, &u, sizeof(u)), 0);
}

static void test_dests(void)
{
	struct ip_vs_service_user u = svc(IPPROTO_TCP, "10.9.9.9", 80, "wrr");
	struct ip_vs_service_user none = svc(IPPROTO_TCP, "10.9.9.9", 82, "wrr");
	struct svcdest sd;
	struct {
		struct ip_vs_get_dests g;
		struct ip_vs_dest_entry e[2];
	} dests;
	socklen_t len;

	sd = svcdest(u, "10.0.2.11", 8080, 2);
	expect_err("ADDDEST, short: EINVAL",
		   set(IP_VS_SO_SET_ADDDEST, &sd, sizeof(sd) - 1), EINVAL);
	expect_err("ADDDEST, only the service: EINVAL",
		   set(IP_VS_SO_SET_ADDDEST, &sd, sizeof(sd.s)), EINVAL);
	expect_err("ADDDEST 10.0.2.11:8080 weight 2",
		   set(IP_VS_SO_SET_ADDDEST, &sd, sizeof(sd)), 0);
	expect_err("ADDDEST again: EEXIST", set(IP_VS_SO_SET_ADDDEST, &sd, sizeof(sd)), EEXIST);
	sd = svcdest(none, "10.0.2.11", 8080, 2);
	expect_err("ADDDEST to an unknown service: ESRCH",
		   set(IP_VS_SO_SET_ADDDEST, &sd, sizeof(sd)), ESRCH);
	sd = svcdest(u, "10.0.2.12", 8080, -1);
	expect_err("ADDDEST weight -1: ERANGE", set(IP_VS_SO_SET_ADDDEST, &sd, sizeof(sd)), ERANGE);
	sd = svcdest(u, "10.0.2.12", 8080, 1);
	sd.d.u_threshold = 10;
	sd.d.l_threshold = 20;
	expect_err("ADDDEST lower threshold over upper: ERANGE",
		   set(IP_VS_SO_SET_ADDDEST, &sd, sizeof(sd)), ERANGE);

	sd = svcdest(u, "10.0.2.11", 8080, 3);
	expect_err("EDITDEST weight 3", set(IP_VS_SO_SET_EDITDEST, &sd, sizeof(sd)), 0);
	sd = svcdest(u, "10.0.2.13", 8080, 3);
	expect_err("EDITDEST an unknown dest: ENOENT",
		   set(IP_VS_SO_SET_EDITDEST, &sd, sizeof(sd)), ENOENT);
	expect_err("EDITDEST, long: EINVAL",
		   set(IP_VS_SO_SET_EDITDEST, &dests, sizeof(sd) + 1), EINVAL);
	sd = svcdest(u, "10.0.2.13", 8080, 1);
	expect_err("ADDDEST 10.0.2.13:8080", set(IP_VS_SO_SET_ADDDEST, &sd, sizeof(sd)), 0);
	expect_err("DELDEST 10.0.2.13:8080", set(IP_VS_SO_SET_DELDEST, &sd, sizeof(sd)), 0);
	expect_err("DELDEST again: ENOENT", set(IP_VS_SO_SET_DELDEST, &sd, sizeof(sd)), ENOENT);
	expect_err("DELDEST, short: EINVAL", set(IP_VS_SO_SET_DELDEST, &sd, 8), EINVAL);

	memset(&dests, 0, sizeof(dests));
	dests.g.protocol = IPPROTO_TCP;
	dests.g.addr = inet_addr("10.9.9.9");
	dests.g.port = htons(80);
	dests.g.num_dests = 2;
	len = sizeof(dests);
	expect_err("GET_DESTS, room for 2", get(IP_VS_SO_GET_DESTS, &dests, &len), 0);
	expect_int("  the dest is 10.0.2.11", dests.e[0].addr, inet_addr("10.0.2.11"));
	expect_int("  port 8080", ntohs(dests.e[0].port), 8080);
	expect_int("  weight 3", dests.e[0].weight, 3);
	expect_int("  Masq", dests.e[0].conn_flags & IP_VS_CONN_F_FWD_MASK, IP_VS_CONN_F_MASQ);
	expect_int("  only one", dests.e[1].addr, 0);
	len = sizeof(dests) - 4;
	expect_err("GET_DESTS, length not num_dests': EINVAL",
		   get(IP_VS_SO_GET_DESTS, &dests, &len), EINVAL);
	len = sizeof(dests.g) - 1;
	expect_err("GET_DESTS, short: EINVAL", get(IP_VS_SO_GET_DESTS, &dests, &len), EINVAL);
	dests.g.port = htons(82);
	len = sizeof(dests);
	expect_err("GET_DESTS of an unknown service: ESRCH",
		   get(IP_VS_SO_GET_DESTS, &dests, &len), ESRCH);
}

static void test_services_list(void)
{
	struct {
		struct ip_vs_get_services g;
		struct ip_vs_service_entry e[2];
	} list;
	struct ip_vs_getinfo info;
	socklen_t len;

	len = sizeof(info);
	get(IP_VS_SO_GET_INFO, &info, &len);
	expect_int("GET_INFO: one service", info.num_services, 1);
	memset(&list, 0, sizeof(list));
	list.g.num_services = 2;
	len = sizeof(list);
	expect_err("GET_SERVICES, room for 2", get(IP_VS_SO_GET_SERVICES, &list, &len), 0);
	expect_int("  first is 10.9.9.9", list.e[0].addr, inet_addr("10.9.9.9"));
	expect_int("  with one dest", list.e[0].num_dests, 1);
	expect_int("  no second", list.e[1].addr, 0);
	len = sizeof(list) + 1;
	expect_err("GET_SERVICES, length not num_services': EINVAL",
		   get(IP_VS_SO_GET_SERVICES, &list, &len), EINVAL);
	len = 2;
	expect_err("GET_SERVICES, short: EINVAL", get(IP_VS_SO_GET_SERVICES, &list, &len), EINVAL);
}

static void test_misc_set(void)
{
	struct ip_vs_service_user u = svc(IPPROTO_TCP, "10.9.9.9", 80, "wrr");
	struct ip_vs_service_user all, none = svc(IPPROTO_TCP, "10.9.9.9", 82, "wrr");
	struct ip_vs_timeout_user t = { 1000, 0, 0 };
	struct ip_vs_daemon_user dm;
	char big[256] = "";
	socklen_t len;
	int cmd;

	expect_err("ZERO TCP 10.9.9.9:80", set(IP_VS_SO_SET_ZERO, &u, sizeof(u)), 0);
	expect_err("ZERO an unknown service: ESRCH",
		   set(IP_VS_SO_SET_ZERO, &none, sizeof(none)), ESRCH);
	memset(&all, 0, sizeof(all));
	expect_err("ZERO all", set(IP_VS_SO_SET_ZERO, &all, sizeof(all)), 0);
	expect_err("ZERO, short: EINVAL", set(IP_VS_SO_SET_ZERO, &all, 0), EINVAL);

	expect_err("TIMEOUT 1000 0 0", set(IP_VS_SO_SET_TIMEOUT, &t, sizeof(t)), 0);
	len = sizeof(t);
	get(IP_VS_SO_GET_TIMEOUT, &t, &len);
	expect_int("  tcp is 1000", t.tcp_timeout, 1000);
	expect_int("  tcpfin still 120", t.tcp_fin_timeout, 120);
	t.udp_timeout = -1;
	expect_err("TIMEOUT udp -1: EINVAL", set(IP_VS_SO_SET_TIMEOUT, &t, sizeof(t)), EINVAL);
	expect_err("TIMEOUT, short: EINVAL", set(IP_VS_SO_SET_TIMEOUT, &t, sizeof(t) - 1), EINVAL);
	t = (struct ip_vs_timeout_user){ 900, 0, 0 };
	expect_err("TIMEOUT back to 900", set(IP_VS_SO_SET_TIMEOUT, &t, sizeof(t)), 0);

	memset(&dm, 0, sizeof(dm));
	dm.state = IP_VS_STATE_MASTER;
	expect_err("STARTDAEMON, no interface: EINVAL",
		   set(IP_VS_SO_SET_STARTDAEMON, &dm, sizeof(dm)), EINVAL);
	strcpy(dm.mcast_ifn, "nosuchdev0");
	expect_err("STARTDAEMON on an unknown interface: ENODEV",
		   set(IP_VS_SO_SET_STARTDAEMON, &dm, sizeof(dm)), ENODEV);
	strcpy(dm.mcast_ifn, "lo");
	dm.state = 7;
	expect_err("STARTDAEMON state 7: EINVAL",
		   set(IP_VS_SO_SET_STARTDAEMON, &dm, sizeof(dm)), EINVAL);
	expect_err("STARTDAEMON, short: EINVAL",
		   set(IP_VS_SO_SET_STARTDAEMON, &dm, sizeof(dm) - 1), EINVAL);
	dm.state = IP_VS_STATE_MASTER;
	expect_err("STOPDAEMON master, none running: ESRCH",
		   set(IP_VS_SO_SET_STOPDAEMON, &dm, sizeof(dm)), ESRCH);
	dm.state = IP_VS_STATE_BACKUP;
	expect_err("STOPDAEMON backup, none running: ESRCH",
		   set(IP_VS_SO_SET_STOPDAEMON, &dm, sizeof(dm)), ESRCH);
	dm.state = 7;
	expect_err("STOPDAEMON state 7: EINVAL",
		   set(IP_VS_SO_SET_STOPDAEMON, &dm, sizeof(dm)), EINVAL);
	expect_err("STOPDAEMON, long: EINVAL",
		   set(IP_VS_SO_SET_STOPDAEMON, big, sizeof(dm) + 1), EINVAL);

	for (cmd = IP_VS_SO_SET_NONE; cmd <= IP_VS_SO_SET_SAVE; cmd++) {
		char what[64];

		if (cmd != IP_VS_SO_SET_NONE && cmd != IP_VS_SO_SET_INSERT &&
		    cmd != IP_VS_SO_SET_LIST && cmd != IP_VS_SO_SET_RESTORE &&
		    cmd != IP_VS_SO_SET_SAVE)
			continue;
		snprintf(what, sizeof(what), "SET %d, no argument: EINVAL", cmd);
		expect_err(what, set(cmd, &u, 0), EINVAL);
		snprintf(what, sizeof(what), "SET %d, 4 bytes: EINVAL", cmd);
		expect_err(what, set(cmd, &u, 4), EINVAL);
	}
	expect_err("SET past the range: ENOPROTOOPT",
		   set(IP_VS_SO_SET_MAX + 1, &u, sizeof(u)), ENOPROTOOPT);
	expect_err("FLUSH with an argument: EINVAL", set(IP_VS_SO_SET_FLUSH, &u, 4), EINVAL);
}

/* Without CAP_NET_ADMIN every call is refused. */
static void test_perm(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		struct ip_vs_getinfo info;
		socklen_t len = sizeof(info);

		if (setuid(65534))
			_exit(3);
		if (get(IP_VS_SO_GET_INFO, &info, &len) != EPERM)
			_exit(1);
		if (set(IP_VS_SO_SET_FLUSH, NULL, 0) != EPERM)
			_exit(2);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	expect_int("without CAP_NET_ADMIN: GET_INFO and FLUSH give EPERM",
		   WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0);
}

static void test_flush(void)
{
	struct ip_vs_service_user u = svc(IPPROTO_UDP, "10.9.9.10", 53, "rr");
	struct ip_vs_getinfo info;
	socklen_t len = sizeof(info);

	expect_err("ADD UDP 10.9.9.10:53", set(IP_VS_SO_SET_ADD, &u, sizeof(u)), 0);
	expect_err("FLUSH", set(IP_VS_SO_SET_FLUSH, NULL, 0), 0);
	get(IP_VS_SO_GET_INFO, &info, &len);
	expect_int("after FLUSH no services", info.num_services, 0);
}

/* The service the script lists with ipvsadm afterwards. */
static void leave_service(void)
{
	struct ip_vs_service_user u = svc(IPPROTO_TCP, "10.9.9.9", 80, "wrr");
	struct svcdest sd;

	u.flags = IP_VS_SVC_F_PERSISTENT;
	u.timeout = 300;
	u.netmask = inet_addr("255.255.255.0");
	expect_err("ADD TCP 10.9.9.9:80 for ipvsadm", set(IP_VS_SO_SET_ADD, &u, sizeof(u)), 0);
	sd = svcdest(u, "10.0.2.11", 8080, 3);
	expect_err("ADDDEST 10.0.2.11:8080 for ipvsadm",
		   set(IP_VS_SO_SET_ADDDEST, &sd, sizeof(sd)), 0);
}

static int print_stats(const char *addr, const char *port)
{
	struct ip_vs_service_entry e;
	socklen_t len = sizeof(e);
	int err;

	memset(&e, 0, sizeof(e));
	e.protocol = IPPROTO_TCP;
	e.addr = inet_addr(addr);
	e.port = htons(atoi(port));
	err = get(IP_VS_SO_GET_SERVICE, &e, &len);
	if (err) {
		fprintf(stderr, "GET_SERVICE %s:%s: %s\n", addr, port,
			strerror(err));
		return 1;
	}
	printf("conns %u\ninpkts %u\noutpkts %u\ninbytes %llu\noutbytes %llu\n",
	       e.stats.conns, e.stats.inpkts, e.stats.outpkts,
	       (unsigned long long)e.stats.inbytes,
	       (unsigned long long)e.stats.outbytes);
	printf("cps %u\ninpps %u\noutpps %u\ninbps %u\noutbps %u\n",
	       e.stats.cps, e.stats.inpps, e.stats.outpps, e.stats.inbps,
	       e.stats.outbps);
	return 0;
}

int main(int argc, char **argv)
{
	sock = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (sock < 0) {
		perror("socket");
		return 2;
	}
	if (argc == 4 && !strcmp(argv[1], "stats"))
		return print_stats(argv[2], argv[3]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_get_basics();
	test_services();
	test_dests();
	test_services_list();
	test_misc_set();
	test_perm();
	test_flush();
	leave_service();
	printf("# %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
