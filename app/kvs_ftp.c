// SPDX-License-Identifier: GPL-2.0
/*
 * FTP through NAT (in-tree's ip_vs_ftp): an application helper bound to
 * the masquerading connections of the ports in its "ports" parameter
 * (21 by default).  Its commands and replies announce data connections,
 * which it makes in advance, tied to the control connection:
 *  - passive mode: after the client's PASV (EPSV), the real server's
 *    "227 ... (h1,h2,h3,h4,p1,p2)" ("229 ... (|||port|)") reply gives
 *    the port the client is to connect to; a connection from the client
 *    (any port) to the virtual address at that port, going to the real
 *    server at the same port, is made, and a 227's address becomes the
 *    virtual one (the reply grows or shrinks: kvs moves the sequence
 *    numbers after it, core/app.c);
 *  - active mode: the client's "PORT h1,h2,h3,h4,p1,p2" ("EPRT
 *    |af|addr|port|") names where the real server is to connect from
 *    its port below the control port (20); a connection of that tuple
 *    is made, so that the server's SYN leaves from the virtual address.
 * Only an established control connection is read, only lines that start
 * at a segment's start or after a line end within it and end within
 * it; a command or reply of these kinds that does not parse, or whose
 * line does not end in its segment (an over-long line), goes through
 * unchanged and is counted (kvs_stats app_malformed).
 */
#include <linux/ctype.h>
#include <linux/inet.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "../core/plugin.h"
#include "kvs_ftp.h"

#define FTP_PORT	21

static unsigned short ports[KVS_APP_MAX_PORTS] = { FTP_PORT };
static int num_ports = 1;
module_param_array(ports, ushort, &num_ports, 0444);
MODULE_PARM_DESC(ports, "ports of FTP control connections (default 21)");

/* kvs_conn_app.state bits (atomic bit operations). */
enum {
	FTP_PASV,		/* the client asked for passive mode */
	FTP_EPSV,		/* extended passive mode */
	FTP_MIDLINE_IN,		/* the client's last segment ended mid-line */
	FTP_MIDLINE_OUT,	/* the server's */
};

/* A line of @len bytes: up to its "\n", or the rest of the segment. */
static bool line_complete(const char *line, unsigned int len)
{
	return len && line[len - 1] == '\n';
}

/* Does @line start with @word (any case) followed by a blank or its end? */
bool kvs_ftp_word(const char *line, unsigned int len, const char *word)
{
	unsigned int n = strlen(word);

	if (len <= n || strncasecmp(line, word, n))
		return false;
	return line[n] == ' ' || line[n] == '\r' || line[n] == '\n';
}

/* A decimal number of at most @max at *@p, which moves past it. */
static int ftp_number(const char **p, const char *end, u32 max, u32 *val)
{
	const char *s = *p;
	u32 v = 0;

	if (s >= end || !isdigit(*s))
		return -EINVAL;
	while (s < end && isdigit(*s)) {
		v = v * 10 + (*s - '0');
		if (v > max)
			return -EINVAL;
		s++;
	}
	*p = s;
	*val = v;
	return 0;
}

/* "h1,h2,h3,h4,p1,p2" at *@p, which moves past it. */
static int ftp_hostport(const char **p, const char *end,
			struct kvs_ftp_addr *a)
{
	u32 v[6];
	int i;

	for (i = 0; i < 6; i++) {
		if (i) {
			if (*p >= end || **p != ',')
				return -EINVAL;
			(*p)++;
		}
		if (ftp_number(p, end, 255, &v[i]))
			return -EINVAL;
	}
	a->af = AF_INET;
	a->addr.ip = htonl(v[0] << 24 | v[1] << 16 | v[2] << 8 | v[3]);
	a->port = htons(v[4] << 8 | v[5]);
	return 0;
}

/* RFC 2428's "<d>proto<d>addr<d>port<d>", @d any printable but digits. */
static int ftp_eprt(const char *p, const char *end, struct kvs_ftp_addr *a)
{
	const char *addr_end;
	u32 proto, port;
	char d;

	if (p >= end || *p < 33 || *p > 126 || isdigit(*p))
		return -EINVAL;
	d = *p++;
	if (ftp_number(&p, end, 2, &proto) || !proto || p >= end || *p++ != d)
		return -EINVAL;
	addr_end = memchr(p, d, end - p);
	if (!addr_end)
		return -EINVAL;
	if (proto == 1) {
		a->af = AF_INET;
		if (!in4_pton(p, addr_end - p, (u8 *)&a->addr.ip, -1, NULL))
			return -EINVAL;
	} else {
		a->af = AF_INET6;
		if (!in6_pton(p, addr_end - p, a->addr.in6.s6_addr, -1, NULL))
			return -EINVAL;
	}
	p = addr_end + 1;
	if (ftp_number(&p, end, 65535, &port) || !port || p >= end ||
	    *p != d)
		return -EINVAL;
	a->port = htons(port);
	return 0;
}

/* RFC 2428's "(<d><d><d>port<d>)" in a 229 reply. */
static int ftp_epsv(const char *p, const char *end, struct kvs_ftp_addr *a)
{
	u32 port;
	char d;

	p = memchr(p, '(', end - p);
	if (!p || end - p < 4)
		return -EINVAL;
	d = p[1];
	if (d < 33 || d > 126 || isdigit(d) || p[2] != d || p[3] != d)
		return -EINVAL;
	p += 4;
	if (ftp_number(&p, end, 65535, &port) || !port || end - p < 2 ||
	    p[0] != d || p[1] != ')')
		return -EINVAL;
	a->af = 0;
	a->port = htons(port);
	return 0;
}

/*
 * Parse @line, of @len bytes from a line start (through its "\n" when
 * it ends in the segment), as the command or reply @cmd.  Returns 0
 * when it is not one, 1 with @a filled, or -EINVAL when it is one but
 * does not parse or does not end within @len.
 */
int kvs_ftp_parse(const char *line, unsigned int len, enum kvs_ftp_cmd cmd,
		  struct kvs_ftp_addr *a)
{
	const char *end = line + len, *p, *s;
	int err;

	memset(a, 0, sizeof(*a));
	switch (cmd) {
	case KVS_FTP_PORT:
		if (len < 5 || strncasecmp(line, "PORT ", 5))
			return 0;
		break;
	case KVS_FTP_EPRT:
		if (len < 5 || strncasecmp(line, "EPRT ", 5))
			return 0;
		break;
	case KVS_FTP_227:
		if (len < 4 || memcmp(line, "227 ", 4))
			return 0;
		break;
	case KVS_FTP_229:
		if (len < 4 || memcmp(line, "229 ", 4))
			return 0;
		break;
	default:
		return 0;
	}
	if (!line_complete(line, len))
		return -EINVAL;
	/* The command's own text: up to its CR LF (or bare LF). */
	end--;
	if (end > line && end[-1] == '\r')
		end--;
	p = line + 4;
	while (p < end && *p == ' ')
		p++;

	switch (cmd) {
	case KVS_FTP_PORT:
		a->start = p - line;
		err = ftp_hostport(&p, end, a);
		break;
	case KVS_FTP_EPRT:
		err = ftp_eprt(p, end, a);
		break;
	case KVS_FTP_227:
		/* In parentheses, or (as in-tree takes it) the first number. */
		s = memchr(p, '(', end - p);
		if (s) {
			p = s + 1;
		} else {
			while (p < end && !isdigit(*p))
				p++;
		}
		a->start = p - line;
		err = ftp_hostport(&p, end, a);
		if (!err && p < end && *p == ',')
			err = -EINVAL;
		break;
	default:
		err = ftp_epsv(p, end, a);
		break;
	}
	if (err)
		return err;
	a->end = p - line;
	return 1;
}

/* @addr and @port as "h1,h2,h3,h4,p1,p2" in @buf; returns its length. */
int kvs_ftp_hostport(char *buf, size_t size, __be32 addr, __be16 port)
{
	u32 a = ntohl(addr);
	u16 p = ntohs(port);

	return scnprintf(buf, size, "%u,%u,%u,%u,%u,%u", a >> 24,
			 (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff,
			 p >> 8, p & 0xff);
}

static bool ftp_same_af(const struct kvs_conn *cp, const struct kvs_ftp_addr *a)
{
	return a->af == cp->tuple[KVS_DIR_ORIG].t.af;
}

/*
 * A line of the client's: PASV and EPSV are remembered; PORT and EPRT
 * make the connection the real server will open, from the port below
 * the control port, to the address and port they name.  Returns true
 * when the line was one of these and parsed (a malformed one is counted
 * and the next line read).
 */
static bool ftp_in_line(struct kvs_app_pkt *p, const char *line,
			unsigned int len)
{
	struct kvs_conn *cp = p->cp;
	struct kvs_ftp_addr a;
	int r;

	if (kvs_ftp_word(line, len, "PASV")) {
		set_bit(FTP_PASV, &cp->app->state);
		return true;
	}
	if (kvs_ftp_word(line, len, "EPSV")) {
		set_bit(FTP_EPSV, &cp->app->state);
		return true;
	}
	r = kvs_ftp_parse(line, len, KVS_FTP_PORT, &a);
	if (!r)
		r = kvs_ftp_parse(line, len, KVS_FTP_EPRT, &a);
	if (!r)
		return false;
	if (r < 0 || !ftp_same_af(cp, &a)) {
		kvs_app_malformed(p);
		return false;
	}
	kvs_app_expect(p, &a.addr, a.port,
		       htons(ntohs(kvs_conn_vport(cp)) - 1),
		       htons(ntohs(kvs_conn_dport(cp)) - 1));
	return true;
}

/*
 * A line of the real server's: after PASV, a 227 reply makes the
 * connection the client will open and names the virtual address in
 * place of the real server's; after EPSV, a 229 reply makes it too
 * (it names no address).  Returns true when the line was one of these
 * and parsed (a malformed one is counted and the next line read).
 */
static bool ftp_out_line(struct kvs_app_pkt *p, const char *line,
			 unsigned int off, unsigned int len)
{
	char buf[KVS_FTP_HOSTPORT_MAX];
	struct kvs_conn *cp = p->cp;
	struct kvs_ftp_addr a;
	bool pasv;
	int r, n;

	r = kvs_ftp_parse(line, len, KVS_FTP_227, &a);
	pasv = r != 0;
	if (!r)
		r = kvs_ftp_parse(line, len, KVS_FTP_229, &a);
	if (!r)
		return false;
	if (r < 0) {
		kvs_app_malformed(p);
		return false;
	}
	if (!test_and_clear_bit(pasv ? FTP_PASV : FTP_EPSV, &cp->app->state))
		return true;
	/* A 227 names the address the client is to connect to. */
	if (pasv && (!ftp_same_af(cp, &a) ||
		     a.addr.ip != kvs_conn_daddr(cp)->ip)) {
		kvs_app_malformed(p);
		return true;
	}
	if (kvs_app_expect(p, kvs_conn_caddr(cp), 0, a.port, a.port) || !pasv)
		return true;
	n = kvs_ftp_hostport(buf, sizeof(buf), kvs_conn_vaddr(cp)->ip, a.port);
	kvs_app_mangle(p, off + a.start, a.end - a.start, buf, n);
	return true;
}

/*
 * A segment of a control connection: each line that starts in it is
 * read, the first command or reply of interest acted on.  A segment
 * that starts in the middle of a line (the last one of the same side
 * did not end one) is not read: what looks like a command there is
 * the rest of something else.
 */
static void ftp_packet(struct kvs_app_pkt *p)
{
	bool in = p->dir == KVS_DIR_ORIG;
	int midline = in ? FTP_MIDLINE_IN : FTP_MIDLINE_OUT;
	struct kvs_conn *cp = p->cp;
	unsigned int len, off, n;
	const char *data, *nl;
	bool at_start;

	data = (const char *)p->skb->data + p->payload;
	len = p->skb->len - p->payload;
	at_start = !test_bit(midline, &cp->app->state);
	if (data[len - 1] == '\n')
		clear_bit(midline, &cp->app->state);
	else
		set_bit(midline, &cp->app->state);
	if (!at_start || READ_ONCE(cp->state) != KVS_TCP_S_ESTABLISHED)
		return;

	for (off = 0; off < len; off += n) {
		nl = memchr(data + off, '\n', len - off);
		n = nl ? nl - (data + off) + 1 : len - off;
		if (in ? ftp_in_line(p, data + off, n) :
			 ftp_out_line(p, data + off, off, n))
			return;
	}
}

static struct kvs_app ftp_app = {
	.name		= "ftp",
	.owner		= THIS_MODULE,
	.protocol	= IPPROTO_TCP,
	.packet		= ftp_packet,
};

static int __init ftp_init(void)
{
	int i, n = 0;

	for (i = 0; i < num_ports && i < KVS_APP_MAX_PORTS; i++)
		if (ports[i])
			ftp_app.ports[n++] = ports[i];
	if (!n)
		return -EINVAL;
	ftp_app.num_ports = n;
	return kvs_register_app(&ftp_app);
}

static void __exit ftp_exit(void)
{
	kvs_unregister_app(&ftp_app);
}

module_init(ftp_init);
module_exit(ftp_exit);
MODULE_DESCRIPTION("kvs FTP helper (in-tree ip_vs_ftp's counterpart)");
MODULE_LICENSE("GPL");

#if IS_ENABLED(CONFIG_KVS_KUNIT_TEST)
#include "../tests/ftp_kunit.c"
#endif
