// SPDX-License-Identifier: GPL-2.0
/*
 * The xtables match "ipvs" for kvs: iptables -m ipvs and ip6tables -m
 * ipvs (legacy, or nft through nft_compat) with their stock extension,
 * revision 0 and struct xt_ipvs_mtinfo as in-tree's xt_ipvs, which
 * cannot load beside kvs (it needs ip_vs.ko).  --ipvs alone asks
 * whether kvs forwarded the packet; every other option asks about the
 * connection it forwarded it for (core/plugin.h, kvs_xt_conn()), and a
 * packet of none matches no such option, inverted or not, as in-tree.
 */
#include <linux/module.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_ipvs.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack.h>

#include "../core/plugin.h"

/* Does @cond hold, or its inverse when ! was given for option @bit? */
static bool want(const struct xt_ipvs_mtinfo *info, u8 bit, bool cond)
{
	return cond != !!(info->invert & bit);
}

static bool vaddr_match(u8 family, const union nf_inet_addr *addr,
			const struct xt_ipvs_mtinfo *info)
{
	if (family == NFPROTO_IPV6)
		return !ipv6_masked_addr_cmp(&addr->in6, &info->vmask.in6,
					     &info->vaddr.in6);
	return !((addr->ip ^ info->vaddr.ip) & info->vmask.ip);
}

/*
 * --vdir ORIGINAL|REPLY: the direction of the packet in its conntrack
 * entry (none: no match).  iptables encodes REPLY as the option's
 * invert bit, so here that bit chooses the direction instead of
 * negating the test.
 */
static bool dir_match(const struct sk_buff *skb,
		      const struct xt_ipvs_mtinfo *info)
{
	enum ip_conntrack_info ctinfo;

	if (!nf_ct_get(skb, &ctinfo))
		return false;
	return (ctinfo >= IP_CT_IS_REPLY) == !!(info->invert & XT_IPVS_DIR);
}

static bool ipvs_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_ipvs_mtinfo *info = par->matchinfo;
	u8 family = xt_family(par);
	struct kvs_xt_conn xc;
	u8 mask = info->bitmask;

	if (mask == XT_IPVS_IPVS_PROPERTY)
		return want(info, XT_IPVS_IPVS_PROPERTY, skb->ipvs_property);
	/* Any other option implies --ipvs, never its inverse. */
	if (!skb->ipvs_property || kvs_xt_conn(xt_net(par), skb, family, &xc))
		return false;

	if (mask & XT_IPVS_PROTO &&
	    !want(info, XT_IPVS_PROTO, xc.protocol == info->l4proto))
		return false;
	if (mask & XT_IPVS_VPORT &&
	    !want(info, XT_IPVS_VPORT, xc.vport == info->vport))
		return false;
	if (mask & XT_IPVS_VPORTCTL &&
	    !want(info, XT_IPVS_VPORTCTL,
		  xc.ctl && xc.ctl_vport == info->vportctl))
		return false;
	if (mask & XT_IPVS_DIR && !dir_match(skb, info))
		return false;
	if (mask & XT_IPVS_METHOD &&
	    !want(info, XT_IPVS_METHOD, xc.fwd == info->fwd_method))
		return false;
	if (mask & XT_IPVS_VADDR &&
	    !want(info, XT_IPVS_VADDR, vaddr_match(family, &xc.vaddr, info)))
		return false;
	return true;
}

/* A rule of another family, or asking for options unknown, is refused. */
static int ipvs_mt_check(const struct xt_mtchk_param *par)
{
	const struct xt_ipvs_mtinfo *info = par->matchinfo;

	if (par->family != NFPROTO_IPV4 &&
	    !(IS_ENABLED(CONFIG_IPV6) && par->family == NFPROTO_IPV6)) {
		pr_info_ratelimited("family %u not supported\n", par->family);
		return -EINVAL;
	}
	if (info->bitmask & ~XT_IPVS_MASK) {
		pr_info_ratelimited("unknown options 0x%x\n", info->bitmask);
		return -EINVAL;
	}
	return 0;
}

static struct xt_match ipvs_mt_reg __read_mostly = {
	.name		= "ipvs",
	.revision	= 0,
	.family		= NFPROTO_UNSPEC,
	.match		= ipvs_mt,
	.checkentry	= ipvs_mt_check,
	.matchsize	= XT_ALIGN(sizeof(struct xt_ipvs_mtinfo)),
	.me		= THIS_MODULE,
};

static int __init kvs_xt_ipvs_init(void)
{
	return xt_register_match(&ipvs_mt_reg);
}

static void __exit kvs_xt_ipvs_exit(void)
{
	xt_unregister_match(&ipvs_mt_reg);
}

module_init(kvs_xt_ipvs_init);
module_exit(kvs_xt_ipvs_exit);
MODULE_DESCRIPTION("kvs: xtables match of IPVS connection properties");
MODULE_LICENSE("GPL");
/* The names iptables and ip6tables ask the kernel to load, as in-tree's. */
MODULE_ALIAS("xt_ipvs");
MODULE_ALIAS("ipt_ipvs");
MODULE_ALIAS("ip6t_ipvs");
