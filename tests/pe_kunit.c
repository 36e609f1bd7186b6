// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the SIP persistence engine, reached by name through
 * the registry as a service reaches it: the Call-ID it finds in hand-
 * built datagrams, and that malformed ones (no Call-ID, a header running
 * past the datagram, binary garbage) give none, so that the connection
 * falls back to plain persistence; a datagram whose payload is not in
 * the linear part is searched too.  The expected results follow the
 * in-tree engine (ct_sip_get_header() rules, Linux 6.1).
 */
#include <kunit/test.h>
#include <linux/random.h>
#include <linux/udp.h>

#include "../core/pe.h"

struct sip_case {
	const char *desc;
	const char *msg;	/* the UDP payload */
	const char *want;	/* the Call-ID, or NULL for none */
};

#define REQ	"INVITE sip:bob@example.com SIP/2.0\r\n" \
		"Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776\r\n"

static const struct sip_case sip_cases[] = {
	{ "full name", REQ "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
	  "CSeq: 314159 INVITE\r\n\r\n", "a84b4c76e66710@pc33.example.com" },
	{ "compact", REQ "i: f81d4fae-7dec-11d0\r\n\r\n",
	  "f81d4fae-7dec-11d0" },
	{ "any case, LF, no blank", REQ "call-id:abc\nCSeq: 1\n", "abc" },
	{ "folded", REQ "Call-ID:\r\n   xyz.1\r\n\r\n", "xyz.1" },
	{ "lone CR", "OPTIONS sip:x SIP/2.0\rCall-ID: cr-only\r", "cr-only" },
	{ "word chars", REQ "Call-ID: a!%*_+`'~()<>:\\\"/[]?{}-.z@h\r\n",
	  "a!%*_+`'~()<>:\\\"/[]?{}-.z@h" },
	{ "empty, then one", REQ "Call-ID: @\r\nCall-ID: second\r\n",
	  "second" },
	{ "on the first line", "Call-ID: abc\r\n\r\n", NULL },
	{ "no Call-ID", REQ "CSeq: 1 INVITE\r\n\r\n", NULL },
	{ "no colon", REQ "Call-ID abc\r\n", NULL },
	{ "nothing after the colon", REQ "Call-ID:\r\nCSeq: 1\r\n", NULL },
	{ "longer than the datagram", REQ "Call-ID: abcdef", NULL },
	{ "blank inside", REQ "Call-ID: abc def\r\n", NULL },
	{ "host missing", REQ "Call-ID: abc@\r\n", NULL },
	{ "compact name prefix", REQ "if: abc\r\n", NULL },
	{ "a folded line", REQ " Call-ID: abc\r\n", NULL },
	{ "binary", "\x01\xff\n\x02\x80i\x0d\x0a\x7f:\xfe\r\r\n\n", NULL },
	{ "empty", "", NULL },
};

static void sip_desc(const struct sip_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sip, sip_cases, sip_desc);

static struct kvs_pe *get_sip(struct kunit *test)
{
	struct kvs_pe *pe = kvs_pe_get("sip");

	KUNIT_ASSERT_NOT_NULL(test, pe);
	return pe;
}

/*
 * A UDP datagram carrying @len bytes of @msg, as the data path sees it:
 * @iph gives the transport header's offset (the skb holds no IP
 * header: the engine only looks past the UDP one).  With @frag the
 * payload is in a page fragment, not the linear part.
 */
static struct sk_buff *sip_skb(struct kunit *test, const void *msg,
			       unsigned int len, bool frag,
			       struct kvs_iph *iph)
{
	struct sk_buff *skb = alloc_skb(sizeof(struct udphdr) +
					(frag ? 0 : len), GFP_KERNEL);
	struct page *page;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_put_zero(skb, sizeof(struct udphdr));
	if (!frag) {
		skb_put_data(skb, msg, len);
	} else if (len) {
		page = alloc_page(GFP_KERNEL);
		if (!page)
			kfree_skb(skb);
		KUNIT_ASSERT_NOT_NULL(test, page);
		memcpy(page_address(page), msg, len);
		skb_fill_page_desc(skb, 0, page, 0, len);
		skb->len += len;
		skb->data_len += len;
		skb->truesize += PAGE_SIZE;
	}
	memset(iph, 0, sizeof(*iph));
	iph->af = AF_INET;
	iph->protocol = IPPROTO_UDP;
	iph->thoff = 0;
	iph->len = skb->len;
	return skb;
}

/* What the engine finds in @msg, NUL-terminated in @out; its length. */
static unsigned int sip_fill(struct kunit *test, struct kvs_pe *pe,
			     const void *msg, unsigned int len, bool frag,
			     char *out)
{
	struct sk_buff *skb;
	struct kvs_iph iph;
	unsigned int n;

	skb = sip_skb(test, msg, len, frag, &iph);
	rcu_read_lock();
	local_bh_disable();
	n = pe->fill(skb, &iph, (u8 *)out);
	local_bh_enable();
	rcu_read_unlock();
	kfree_skb(skb);
	KUNIT_EXPECT_LE(test, n, KVS_PE_DATA_MAX);
	out[min_t(unsigned int, n, KVS_PE_DATA_MAX)] = '\0';
	return n;
}

static void pe_sip_test(struct kunit *test)
{
	const struct sip_case *c = test->param_value;
	struct kvs_pe *pe = get_sip(test);
	char out[KVS_PE_DATA_MAX + 1];
	bool frag;

	for (frag = false; ; frag = true) {
		if (c->want) {
			KUNIT_EXPECT_EQ_MSG(test, sip_fill(test, pe, c->msg,
							   strlen(c->msg),
							   frag, out),
					    strlen(c->want), "frag %d", frag);
			KUNIT_EXPECT_STREQ(test, out, c->want);
		} else {
			KUNIT_EXPECT_EQ_MSG(test, sip_fill(test, pe, c->msg,
							   strlen(c->msg),
							   frag, out),
					    0, "frag %d", frag);
		}
		if (frag)
			break;
	}
	kvs_pe_put(pe);
}

/* 255 bytes are kept; 256 are too many, as in-tree. */
static void pe_sip_length_test(struct kunit *test)
{
	static const char head[] = REQ "Call-ID: ";
	struct kvs_pe *pe = get_sip(test);
	char out[KVS_PE_DATA_MAX + 1];
	unsigned int n, len;
	char *msg;

	msg = kunit_kzalloc(test, sizeof(head) + KVS_PE_DATA_MAX + 4,
			    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	for (n = KVS_PE_DATA_MAX; n <= KVS_PE_DATA_MAX + 1; n++) {
		strscpy(msg, head, sizeof(head));
		len = sizeof(head) - 1;
		memset(msg + len, 'x', n);
		len += n;
		memcpy(msg + len, "\r\n", 2);
		len += 2;
		KUNIT_EXPECT_EQ_MSG(test, sip_fill(test, pe, msg, len, false,
						   out),
				    n <= KVS_PE_DATA_MAX ? n : 0, "length %u", n);
	}
	kvs_pe_put(pe);
}

/*
 * Random bytes, with line ends, blanks, colons and "i" made common so
 * that the header rules are exercised: whatever it finds fits, ends its
 * line, and KASAN sees no access outside the datagram.
 */
static void pe_sip_garbage_test(struct kunit *test)
{
	static const char common[] = "\r\n\r\n \t:i@Call-ID";
	struct kvs_pe *pe = get_sip(test);
	char out[KVS_PE_DATA_MAX + 1];
	struct rnd_state rnd;
	unsigned int i, j, len, found = 0;
	u8 msg[300];

	prandom_seed_state(&rnd, 17);
	for (i = 0; i < 2000; i++) {
		len = prandom_u32_state(&rnd) % sizeof(msg);
		for (j = 0; j < len; j++) {
			u32 r = prandom_u32_state(&rnd);

			msg[j] = r & 1 ? common[(r >> 1) % (sizeof(common) - 1)] :
					 r >> 8;
		}
		if (sip_fill(test, pe, msg, len, i & 1, out))
			found++;
	}
	kunit_info(test, "a Call-ID in %u of 2000 random datagrams\n", found);
	kvs_pe_put(pe);
}

/* Only UDP carries SIP here; a datagram with no payload has none. */
static void pe_sip_not_udp_test(struct kunit *test)
{
	static const char msg[] = REQ "Call-ID: abc\r\n";
	struct kvs_pe *pe = get_sip(test);
	u8 out[KVS_PE_DATA_MAX + 1];
	struct sk_buff *skb;
	struct kvs_iph iph;

	skb = sip_skb(test, msg, sizeof(msg) - 1, false, &iph);
	iph.protocol = IPPROTO_TCP;
	rcu_read_lock();
	KUNIT_EXPECT_EQ(test, pe->fill(skb, &iph, out), 0);
	iph.protocol = IPPROTO_UDP;
	iph.thoff = skb->len - sizeof(struct udphdr);
	KUNIT_EXPECT_EQ(test, pe->fill(skb, &iph, out), 0);
	rcu_read_unlock();
	kfree_skb(skb);
	kvs_pe_put(pe);
}

/* An unknown engine is not found; "sip" is, and only once. */
static void pe_registry_test(struct kunit *test)
{
	static struct kvs_pe dup = { .name = "sip" };
	struct kvs_pe *pe;

	KUNIT_EXPECT_NULL(test, kvs_pe_get("nosuchpe"));
	pe = get_sip(test);
	KUNIT_EXPECT_STREQ(test, pe->name, "sip");
	dup.fill = pe->fill;
	KUNIT_EXPECT_EQ(test, kvs_register_pe(&dup), -EEXIST);
	kvs_pe_put(pe);
}

static struct kunit_case pe_test_cases[] = {
	KUNIT_CASE_PARAM(pe_sip_test, sip_gen_params),
	KUNIT_CASE(pe_sip_length_test),
	KUNIT_CASE(pe_sip_garbage_test),
	KUNIT_CASE(pe_sip_not_udp_test),
	KUNIT_CASE(pe_registry_test),
	{}
};

static struct kunit_suite pe_test_suite = {
	.name = "kvs_pe",
	.test_cases = pe_test_cases,
};

kunit_test_suite(pe_test_suite);
