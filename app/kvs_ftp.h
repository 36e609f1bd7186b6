/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The FTP helper's parser (app/kvs_ftp.c), apart for its KUnit suite
 * (tests/ftp_kunit.c): the commands and replies that announce a data
 * connection, found in one line of the control connection.
 */
#ifndef _KVS_FTP_H
#define _KVS_FTP_H

#include <linux/netfilter.h>
#include <linux/types.h>

enum kvs_ftp_cmd {
	KVS_FTP_PORT,		/* client: PORT h1,h2,h3,h4,p1,p2 */
	KVS_FTP_EPRT,		/* client: EPRT |1|addr|port| (RFC 2428) */
	KVS_FTP_227,		/* server: 227 ... (h1,h2,h3,h4,p1,p2) */
	KVS_FTP_229,		/* server: 229 ... (|||port|) */
};

/* What a line announces, and where its address text lies in the line. */
struct kvs_ftp_addr {
	u16 af;			/* AF_INET or AF_INET6; 229: none, 0 */
	union nf_inet_addr addr;
	__be16 port;
	unsigned int start;	/* the h1..p2 text of a 227, to rewrite */
	unsigned int end;
};

/* Longest "h1,h2,h3,h4,p1,p2". */
#define KVS_FTP_HOSTPORT_MAX	sizeof("255,255,255,255,255,255")

int kvs_ftp_parse(const char *line, unsigned int len, enum kvs_ftp_cmd cmd,
		  struct kvs_ftp_addr *a);
int kvs_ftp_hostport(char *buf, size_t size, __be32 addr, __be16 port);
bool kvs_ftp_word(const char *line, unsigned int len, const char *word);

#endif /* _KVS_FTP_H */
