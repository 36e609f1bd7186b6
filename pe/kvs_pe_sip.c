// SPDX-License-Identifier: GPL-2.0
/*
 * The SIP persistence engine (ipvsadm -p ... --pe sip): the templates of
 * a persistent UDP service are kept by the Call-ID of each request as
 * well as by its client's network, so that every datagram of one call
 * reaches the same real server while the template lives, and calls of
 * one client spread.  The Call-ID is found as the in-tree engine finds
 * it (with nf_conntrack_sip's header rules): on a line after the first,
 * "Call-ID" or its compact form "i" in any case, a colon, blanks (lines
 * folded), then a word, optionally "@" and a word, which must end its
 * line and fit IP_VS_PEDATA_MAXLEN.  A request without one, or with
 * one that breaks those rules, is kept by its client's network alone
 * (the in-tree engine drops it instead).
 */
#include <linux/ctype.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/udp.h>

#include "../core/plugin.h"

/*
 * How much of a request is searched when it is not all in the skb's
 * linear part (then copied to a per-CPU buffer, BHs off): a Call-ID
 * further in is not seen.
 */
#define SIP_SCAN_MAX	2048

struct sip_buf {
	char data[SIP_SCAN_MAX];
};

static DEFINE_PER_CPU(struct sip_buf, sip_bufs);

static bool sip_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool sip_eol(char c)
{
	return c == '\r' || c == '\n';
}

/* The characters of a Call-ID word (RFC 3261 "word"). */
static bool sip_word_char(char c)
{
	return isalnum(c) || strchr("-.!%*_+`'~()<>:\\\"/[]?{}", c);
}

static const char *sip_word_end(const char *p, const char *end)
{
	while (p < end && *p && sip_word_char(*p))
		p++;
	return p;
}

/* Past the line end at @p: CR LF, or a lone CR or LF. */
static const char *sip_past_eol(const char *p, const char *end)
{
	if (*p == '\r' && p + 1 < end && p[1] == '\n')
		return p + 2;
	return p + 1;
}

/*
 * Blanks, and one line end followed by a folded line's blanks.  NULL
 * at the end of the data, or at a line end not followed by a folded
 * line: the header has no more.
 */
static const char *sip_skip_lws(const char *p, const char *end)
{
	while (p < end && sip_blank(*p))
		p++;
	if (p < end && sip_eol(*p)) {
		p = sip_past_eol(p, end);
		if (p >= end || !sip_blank(*p))
			return NULL;
		while (p < end && sip_blank(*p))
			p++;
	}
	return p < end ? p : NULL;
}

/* Does a Call-ID header name start at @p?  Then past it. */
static const char *sip_callid_name(const char *p, const char *end)
{
	if (end - p >= 7 && !strncasecmp(p, "Call-ID", 7))
		return p + 7;
	/* The compact form must not be the start of a longer name. */
	if (end - p >= 2 && (*p == 'i' || *p == 'I') && !isalpha(p[1]))
		return p + 1;
	return NULL;
}

/*
 * The Call-ID of the SIP message @msg of @len bytes: its offset, with
 * its length in *@idlen, or -1 when there is none that may be used.
 */
static int sip_callid(const char *msg, unsigned int len, unsigned int *idlen)
{
	const char *end = msg + len, *p = msg, *v, *e, *at;

	for (; p < end; p++) {
		if (!sip_eol(*p))
			continue;
		p = sip_past_eol(p, end);
		if (p >= end)
			break;
		if (sip_blank(*p))
			continue;
		v = sip_callid_name(p, end);
		if (!v)
			continue;
		v = sip_skip_lws(v, end);
		if (!v || *v != ':' || ++v >= end)
			return -1;
		v = sip_skip_lws(v, end);
		if (!v)
			return -1;
		e = sip_word_end(v, end);
		if (e > v && e < end && *e == '@') {
			at = e + 1;
			e = sip_word_end(at, end);
			/* "word@" with no host is no Call-ID. */
			if (e == at)
				e = v;
		}
		/* An empty one: look on for another header. */
		if (e == v) {
			p = v - 1;
			continue;
		}
		/* Too long to keep, not ended by a line end: unusable. */
		if (e - v > KVS_PE_DATA_MAX || e >= end || !sip_eol(*e))
			return -1;
		*idlen = e - v;
		return v - msg;
	}
	return -1;
}

static unsigned int sip_fill(const struct sk_buff *skb,
			     const struct kvs_iph *iph, u8 *data)
{
	unsigned int off = iph->thoff + sizeof(struct udphdr), len, idlen = 0;
	const char *msg;
	int at;

	if (iph->protocol != IPPROTO_UDP || iph->fragment || off >= skb->len)
		return 0;
	len = skb->len - off;
	local_bh_disable();
	if (off + len <= skb_headlen(skb)) {
		msg = skb->data + off;
	} else {
		len = min_t(unsigned int, len, SIP_SCAN_MAX);
		msg = this_cpu_ptr(&sip_bufs)->data;
		if (skb_copy_bits(skb, off, (void *)msg, len))
			len = 0;
	}
	at = len ? sip_callid(msg, len, &idlen) : -1;
	if (at >= 0)
		memcpy(data, msg + at, idlen);
	local_bh_enable();
	return at >= 0 ? idlen : 0;
}

static struct kvs_pe sip_pe = {
	.name	= "sip",
	.owner	= THIS_MODULE,
	.fill	= sip_fill,
};

module_kvs_pe(sip_pe);
MODULE_DESCRIPTION("kvs SIP persistence engine: templates by Call-ID");
MODULE_LICENSE("GPL");
