// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual services and their real servers (dests): the per-namespace
 * service table, dest sets, scheduler binding and the reference counts
 * that let connections outlive the configuration they were made with.
 *
 * A removed dest is not freed at once: like the in-tree module, kvs keeps
 * it in a per-namespace trash, from which a re-add of the same server to
 * a service with the same key revives it, counters, connections and all.
 * It is freed once nothing but the trash has held it for TRASH_IDLE.
 *
 * Locking: every function here except kvs_service_lookup() and
 * kvs_dest_put() runs under kvs_net.lock.  The data path reaches services
 * through the rhashtable and dests through svc->dests, both under RCU, so
 * anything it can see is freed only after a grace period.
 */

#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <net/addrconf.h>
#include <net/ipv6.h>
#include <net/route.h>

#include "pe.h"
#include "sched.h"
#include "service.h"

static const struct rhashtable_params svc_params = {
	.head_offset		= offsetof(struct kvs_service, node),
	.key_offset		= offsetof(struct kvs_service, key),
	.key_len		= sizeof(struct kvs_service_key),
	/* A few buckets to start with: most namespaces have no service. */
	.nelem_hint		= 2,
	.automatic_shrinking	= true,
};

#define TRASH_IDLE	(120 * HZ)
#define TRASH_SCAN	(TRASH_IDLE / 2)

/*
 * Published instead of NULL when a service has no dests, so readers never
 * test for a missing set and removing the last dest needs no allocation.
 */
static struct kvs_dest_set no_dests;

/*
 * A trashed dest is found again by its service's key and its own family,
 * address and port; its address bytes past the family's are zero.
 */
struct trash_key {
	const struct kvs_service_key *svc;
	union nf_inet_addr addr;
	__be16 port;
	u16 af;
};

static u32 trash_hash(const struct kvs_service_key *svc,
		      const union nf_inet_addr *addr, __be16 port, u16 af,
		      u32 seed)
{
	u32 h = jhash(svc, sizeof(*svc), seed);

	h = jhash(addr, sizeof(*addr), h);
	return jhash_2words((__force u32)port, af, h);
}

static u32 trash_key_hash(const void *data, u32 len, u32 seed)
{
	const struct trash_key *k = data;

	return trash_hash(k->svc, &k->addr, k->port, k->af, seed);
}

static u32 trash_obj_hash(const void *data, u32 len, u32 seed)
{
	const struct kvs_dest *d = data;

	return trash_hash(&d->svc->key, &d->addr, d->port, d->af, seed);
}

static int trash_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct trash_key *k = arg->key;
	const struct kvs_dest *d = obj;

	return d->af != k->af || d->port != k->port ||
	       memcmp(&d->addr, &k->addr, sizeof(d->addr)) ||
	       memcmp(&d->svc->key, k->svc, sizeof(*k->svc));
}

static const struct rhashtable_params trash_params = {
	.head_offset		= offsetof(struct kvs_dest, trash_node),
	.hashfn			= trash_key_hash,
	.obj_hashfn		= trash_obj_hash,
	.obj_cmpfn		= trash_cmp,
	.nelem_hint		= 2,
	.automatic_shrinking	= true,
};

static void trash_scan(struct work_struct *work);

/* The real-server table's bucket for a family, address and port. */
static u32 rs_hash(u16 af, const union nf_inet_addr *addr, __be16 port)
{
	u32 a = af == AF_INET6 ? ipv6_addr_hash(&addr->in6) :
				 (__force u32)addr->ip;

	return jhash_3words(a, (__force u32)port, af, 0);
}

int kvs_services_init(struct kvs_net *kn)
{
	int err;

	err = rhashtable_init(&kn->services, &svc_params);
	if (err)
		return err;
	xa_init_flags(&kn->svc_ids, XA_FLAGS_ALLOC);
	kn->next_svc_id = 0;
	kn->num_services = 0;
	err = rhashtable_init(&kn->dest_trash, &trash_params);
	if (err)
		goto err_trash;
	INIT_LIST_HEAD(&kn->trash_list);
	INIT_DELAYED_WORK(&kn->trash_work, trash_scan);
	return 0;

err_trash:
	rhashtable_destroy(&kn->services);
	return err;
}

/* Called without kvs_net.lock, when no request can reach @kn any more. */
void kvs_services_exit(struct kvs_net *kn)
{
	struct kvs_dest *dest, *next;

	mutex_lock(&kn->lock);
	kvs_service_flush(kn);
	mutex_unlock(&kn->lock);
	/* trash_scan() takes the lock: cancel it without holding it. */
	cancel_delayed_work_sync(&kn->trash_work);
	list_for_each_entry_safe(dest, next, &kn->trash_list, trash)
		kvs_dest_put(dest);
	rhashtable_destroy(&kn->dest_trash);
	rhashtable_destroy(&kn->services);
	xa_destroy(&kn->svc_ids);
	/* Every dest left it with its set; no reader is left. */
	kfree(kn->real_servers);
}

/* The real-server table's bucket for a dest's family, address and port. */
static struct hlist_head *rs_bucket(struct kvs_net *kn, u16 af,
				    const union nf_inet_addr *addr, __be16 port)
{
	return &kn->real_servers[hash_32(rs_hash(af, addr, port),
					 KVS_RS_TAB_BITS)];
}

struct kvs_service *kvs_service_lookup(struct kvs_net *kn,
				       const struct kvs_service_key *key)
{
	return rhashtable_lookup_fast(&kn->services, key, svc_params);
}

static void service_free_rcu(struct rcu_head *head)
{
	struct kvs_service *svc = container_of(head, struct kvs_service, rcu);

	kvs_stats_destroy(&svc->stats);
	kfree(svc);
#ifdef KVS_INJECT_UAF
	/* Test only (Kbuild): one read of the service just freed. */
	pr_info("injected use-after-free: service id %u\n", READ_ONCE(svc->id));
#endif
}

/*
 * The last reference may be dropped from a dest's RCU callback, long
 * after the service left the table, or while a reader that found it in
 * the table is still running: either way it needs its own grace period.
 */
static void service_put(struct kvs_service *svc)
{
	if (refcount_dec_and_test(&svc->refcnt))
		call_rcu(&svc->rcu, service_free_rcu);
}

static void dest_free_rcu(struct rcu_head *head)
{
	struct kvs_dest *dest = container_of(head, struct kvs_dest, rcu);
	struct kvs_service *svc = dest->svc;

	dst_cache_destroy(&dest->routes);
	kvs_stats_destroy(&dest->stats);
	kfree(dest);
	service_put(svc);
}

/* Any context: connections drop their dest from the data path and timers. */
void kvs_dest_put(struct kvs_dest *dest)
{
	if (refcount_dec_and_test(&dest->refcnt))
		call_rcu(&dest->rcu, dest_free_rcu);
}
EXPORT_SYMBOL_GPL(kvs_dest_put);

/* The dest set's reference on @dest becomes the trash's. */
static void trash_dest(struct kvs_net *kn, struct kvs_dest *dest)
{
	/*
	 * Readers on the node go on to its old next; if the dest is revived
	 * into the same bucket before they finish, they may see a few
	 * entries twice, which a lookup does not mind.
	 */
	hlist_del_init_rcu(&dest->rs_node);
	kvs_est_stop(kn, &dest->stats);
	clear_bit(KVS_DEST_AVAILABLE, &dest->flags);
	dest->idle_since = 0;
	/* Cannot fail short of memory: then the dest is just not revived. */
	if (rhashtable_insert_fast(&kn->dest_trash, &dest->trash_node,
				   trash_params)) {
		kvs_dest_put(dest);
		return;
	}
	list_add(&dest->trash, &kn->trash_list);
	schedule_delayed_work(&kn->trash_work, TRASH_SCAN);
}

static void trash_del(struct kvs_net *kn, struct kvs_dest *dest)
{
	rhashtable_remove_fast(&kn->dest_trash, &dest->trash_node,
			       trash_params);
	list_del(&dest->trash);
}

static void trash_scan(struct work_struct *work)
{
	struct kvs_net *kn = container_of(to_delayed_work(work),
					  struct kvs_net, trash_work);
	struct kvs_dest *dest, *next;

	mutex_lock(&kn->lock);
	list_for_each_entry_safe(dest, next, &kn->trash_list, trash) {
		/* Connections still use it: the idle period restarts. */
		if (refcount_read(&dest->refcnt) > 1) {
			dest->idle_since = 0;
			continue;
		}
		if (!dest->idle_since) {
			dest->idle_since = jiffies ?: 1;
			continue;
		}
		if (time_before(jiffies, dest->idle_since + TRASH_IDLE))
			continue;
		trash_del(kn, dest);
		kvs_dest_put(dest);
	}
	if (!list_empty(&kn->trash_list))
		schedule_delayed_work(&kn->trash_work, TRASH_SCAN);
	mutex_unlock(&kn->lock);
}

bool kvs_nat_real_server(struct kvs_net *kn, u16 af, u8 protocol,
			 const union nf_inet_addr *addr, __be16 port)
{
	const struct kvs_service *svc;
	struct kvs_dest *dest;

	/* No service, no table (and no hooks calling this). */
	if (!kn->real_servers)
		return false;
	hlist_for_each_entry_rcu(dest, rs_bucket(kn, af, addr, port), rs_node) {
		if (dest->af != af || dest->port != port ||
		    !kvs_addr_equal(af, &dest->addr, addr))
			continue;
		svc = READ_ONCE(dest->svc);
		if ((READ_ONCE(dest->conn_flags) & IP_VS_CONN_F_FWD_MASK) ==
		    IP_VS_CONN_F_MASQ &&
		    (svc->key.protocol == protocol || svc->key.fwmark))
			return true;
	}
	return false;
}

/* Unlinks and returns the trashed dest @c names for @svc's key, if any. */
static struct kvs_dest *trash_take(struct kvs_service *svc,
				   const struct kvs_dest_conf *c)
{
	struct trash_key key = { .svc = &svc->key, .port = c->port,
				 .af = c->af };
	struct kvs_dest *dest;

	/* Only the family's bytes: the rest of a trashed address is zero. */
	if (c->af == AF_INET6)
		key.addr.in6 = c->addr.in6;
	else
		key.addr.ip = c->addr.ip;
	dest = rhashtable_lookup_fast(&svc->kn->dest_trash, &key, trash_params);
	if (dest)
		trash_del(svc->kn, dest);
	return dest;
}

/*
 * Swap in @set and let the scheduler see the change; the old set stays
 * readable to both the scheduler and the data path until a grace period.
 */
static void publish_dests(struct kvs_service *svc, struct kvs_dest_set *set)
{
	struct kvs_dest_set *old = kvs_dests_locked(svc);

	rcu_assign_pointer(svc->dests, set);
	kvs_sched_update(svc, old);
	if (old == &no_dests)
		return;
	if (old->room != set->room)
		kvfree_rcu(old->room, rcu);
	kfree_rcu(old, rcu);
}

/* A set's array has room for this many at least: a few dests, one page. */
#define DEST_ROOM_MIN	8

/*
 * A set of @n dests with room for @size, its dests not yet written:
 * @dest points at the last @n slots of a new array.
 */
static struct kvs_dest_set *dest_set_alloc(unsigned int n, unsigned int size)
{
	struct kvs_dest_set *set;

	set = kmalloc(sizeof(*set), GFP_KERNEL);
	if (!set)
		goto err_set;
	size = max(size, DEST_ROOM_MIN);
	/* Thousands of dests need more than a few pages: kvmalloc. */
	set->room = kvmalloc(struct_size(set->room, slot, size), GFP_KERNEL);
	if (!set->room)
		goto err_room;
	set->room->size = size;
	set->n = n;
	set->dest = &set->room->slot[size - n];
	return set;

err_room:
	kfree(set);
err_set:
	return NULL;
}

/* What dest_set_grow() made and kvs_dest_add() did not publish. */
static void dest_set_free(struct kvs_dest_set *set,
			  const struct kvs_dest_set *old)
{
	if (set->room != old->room)
		kvfree(set->room);
	kfree(set);
}

/*
 * @old with one more dest in front, in the slot before @old's on the
 * same array when there is one, else on one twice as big; the caller
 * writes dest[0].
 */
static struct kvs_dest_set *dest_set_grow(const struct kvs_dest_set *old)
{
	struct kvs_dest_set *set;

	if (old->room && old->dest > old->room->slot) {
		set = kmalloc(sizeof(*set), GFP_KERNEL);
		if (!set)
			return NULL;
		set->room = old->room;
		set->n = old->n + 1;
		set->dest = old->dest - 1;
		return set;
	}
	set = dest_set_alloc(old->n + 1, 2 * (old->n + 1));
	if (set && old->n)
		memcpy(&set->dest[1], old->dest, old->n * sizeof(old->dest[0]));
	return set;
}

/* "none" binds no scheduler at all, as with the in-tree module. */
static int sched_lookup(const char *name, struct kvs_scheduler **sched)
{
	*sched = NULL;
	if (!strcmp(name, "none"))
		return 0;
	*sched = kvs_sched_get(name);
	return *sched ? 0 : -ENOENT;
}

/* No name is no engine; an unknown one is -ENOENT, as in-tree. */
static int pe_lookup(const char *name, struct kvs_pe **pe)
{
	*pe = NULL;
	if (!name[0])
		return 0;
	*pe = kvs_pe_get(name);
	return *pe ? 0 : -ENOENT;
}

/*
 * Give @svc the engine @pe (or none), whose reference it takes over,
 * and drop the old one's: a packet still in the old engine's ->fill()
 * keeps it, since unregistering waits for a grace period.
 */
static void pe_bind(struct kvs_service *svc, struct kvs_pe *pe)
{
	struct kvs_pe *old = rcu_dereference_protected(svc->pe,
					lockdep_is_held(&svc->kn->lock));

	if (old == pe) {
		kvs_pe_put(pe);
		return;
	}
	rcu_assign_pointer(svc->pe, pe);
	strscpy(svc->pe_name, pe ? pe->name : "", sizeof(svc->pe_name));
	kvs_pe_put(old);
}

/* The checks shared by add and edit, after the scheduler is found. */
static int service_conf_check(const struct kvs_service_conf *c)
{
	u32 plen = (__force u32)c->netmask;

	if (c->key.af == AF_INET6 && (plen < 1 || plen > 128))
		return -EINVAL;
	return 0;
}

static void service_apply_conf(struct kvs_service *svc,
			       const struct kvs_service_conf *c)
{
	/* Seconds to jiffies wraps like the in-tree module's unsigned product. */
	WRITE_ONCE(svc->timeout, c->timeout * HZ);
	WRITE_ONCE(svc->netmask, c->netmask);
	WRITE_ONCE(svc->flags, c->flags | IP_VS_SVC_F_HASHED);
}

int kvs_service_add(struct kvs_net *kn, const struct kvs_service_conf *c)
{
	struct kvs_scheduler *sched;
	struct kvs_service *svc;
	struct kvs_pe *pe = NULL;
	int err;

	lockdep_assert_held(&kn->lock);

	/*
	 * Any protocol number, as in-tree takes it over netlink: a service
	 * of one kvs does not balance is listed and matches no packet (the
	 * old interface refuses it, netlink/sockopt.c).
	 */
	if (kvs_service_lookup(kn, &c->key))
		return -EEXIST;
	/* With the first service; kept until the namespace goes. */
	if (!kn->real_servers) {
		kn->real_servers = kcalloc(1 << KVS_RS_TAB_BITS,
					   sizeof(*kn->real_servers), GFP_KERNEL);
		if (!kn->real_servers)
			return -ENOMEM;
	}
	err = sched_lookup(c->sched_name, &sched);
	if (err)
		return err;
	err = pe_lookup(c->pe_name, &pe);
	if (err)
		goto err_conf;
	err = service_conf_check(c);
	if (err)
		goto err_conf;

	svc = kzalloc(sizeof(*svc), GFP_KERNEL);
	if (!svc) {
		err = -ENOMEM;
		goto err_conf;
	}
	err = kvs_stats_init(&svc->stats);
	if (err)
		goto err_stats;
	svc->key = c->key;
	svc->kn = kn;
	refcount_set(&svc->refcnt, 1);
	RCU_INIT_POINTER(svc->dests, &no_dests);
	service_apply_conf(svc, c);

	if (sched) {
		err = kvs_sched_bind(svc, sched);
		if (err)
			goto err_bind;
		sched = NULL;
	}
	pe_bind(svc, pe);
	pe = NULL;
	err = xa_alloc_cyclic(&kn->svc_ids, &svc->id, svc, xa_limit_32b,
			      &kn->next_svc_id, GFP_KERNEL);
	if (err < 0)
		goto err_id;
	/* Last: from here on the data path can see the service. */
	err = rhashtable_insert_fast(&kn->services, &svc->node, svc_params);
	if (err)
		goto err_hash;
	kn->num_services++;
	kvs_est_start(kn, &svc->stats);
	if (!c->key.fwmark && !c->key.port)
		WRITE_ONCE(kn->port0_services, kn->port0_services + 1);
	return 0;

err_hash:
	xa_erase(&kn->svc_ids, svc->id);
err_id:
	pe_bind(svc, NULL);
	if (rcu_access_pointer(svc->sched))
		kvs_sched_unbind(svc);
err_bind:
	kvs_stats_destroy(&svc->stats);
err_stats:
	kfree(svc);
err_conf:
	kvs_pe_put(pe);
	if (sched)
		kvs_sched_put(sched);
	return err;
}

int kvs_service_edit(struct kvs_service *svc, const struct kvs_service_conf *c)
{
	struct kvs_scheduler *sched, *old;
	u32 old_flags = svc->flags;
	struct kvs_pe *pe = NULL;
	int err;

	lockdep_assert_held(&svc->kn->lock);

	err = sched_lookup(c->sched_name, &sched);
	if (err)
		return err;
	err = pe_lookup(c->pe_name, &pe);
	if (err)
		goto out;
	err = service_conf_check(c);
	if (err)
		goto out;

	old = rcu_dereference_protected(svc->sched,
					lockdep_is_held(&svc->kn->lock));
	if (sched != old) {
		if (sched)
			err = kvs_sched_rebind(svc, sched);
		else
			kvs_sched_unbind(svc);
		if (err)
			goto out;
		/* The service owns the new scheduler's reference now. */
		sched = NULL;
	}
	service_apply_conf(svc, c);
	/* The flags a scheduler builds its table from (mh's flag-3). */
	if ((old_flags ^ svc->flags) & IP_VS_SVC_F_SCHED3)
		kvs_sched_update(svc, kvs_dests_locked(svc));
	/* As in-tree, an edit without --pe leaves the service none. */
	pe_bind(svc, pe);
	pe = NULL;
out:
	kvs_pe_put(pe);
	if (sched)
		kvs_sched_put(sched);
	return err;
}

int kvs_service_del(struct kvs_service *svc)
{
	struct kvs_net *kn = svc->kn;
	struct kvs_dest_set *set;
	unsigned int i;

	lockdep_assert_held(&kn->lock);

	rhashtable_remove_fast(&kn->services, &svc->node, svc_params);
	xa_erase(&kn->svc_ids, svc->id);
	kn->num_services--;
	kvs_est_stop(kn, &svc->stats);
	if (!svc->key.fwmark && !svc->key.port)
		WRITE_ONCE(kn->port0_services, kn->port0_services - 1);
	WRITE_ONCE(svc->flags, svc->flags & ~IP_VS_SVC_F_HASHED);

	if (rcu_access_pointer(svc->sched))
		kvs_sched_unbind(svc);
	pe_bind(svc, NULL);

	set = kvs_dests_locked(svc);
	rcu_assign_pointer(svc->dests, &no_dests);
	for (i = 0; i < set->n; i++)
		trash_dest(kn, set->dest[i]);
	if (set != &no_dests) {
		kvfree_rcu(set->room, rcu);
		kfree_rcu(set, rcu);
	}

	service_put(svc);
	return 0;
}

void kvs_service_flush(struct kvs_net *kn)
{
	struct kvs_service *svc;
	unsigned long id;

	lockdep_assert_held(&kn->lock);

	xa_for_each(&kn->svc_ids, id, svc)
		kvs_service_del(svc);
}

void kvs_service_zero(struct kvs_service *svc)
{
	struct kvs_dest_set *set = kvs_dests_locked(svc);
	unsigned int i;

	for (i = 0; i < set->n; i++)
		kvs_stats_zero(svc->kn, &set->dest[i]->stats);
	kvs_stats_zero(svc->kn, &svc->stats);
}

void kvs_zero_all(struct kvs_net *kn)
{
	struct kvs_service *svc;
	unsigned long id;

	lockdep_assert_held(&kn->lock);

	xa_for_each(&kn->svc_ids, id, svc)
		kvs_service_zero(svc);
	kvs_stats_zero(kn, &kn->stats);
}

struct kvs_dest *kvs_dest_find(struct kvs_service *svc,
			       const union nf_inet_addr *addr, __be16 port,
			       u16 af)
{
	struct kvs_dest_set *set;
	unsigned int i;

	set = rcu_dereference_check(svc->dests,
				    lockdep_is_held(&svc->kn->lock));
	for (i = 0; i < set->n; i++) {
		struct kvs_dest *dest = set->dest[i];

		if (dest->af == af && dest->port == port &&
		    kvs_addr_equal(af, &dest->addr, addr))
			return dest;
	}
	return NULL;
}

/*
 * The checks the in-tree module makes before looking a dest up, in its
 * order; errnos are what ipvsadm turns into its messages.
 */
static int dest_conf_check(const struct kvs_service *svc,
			   const struct kvs_dest_conf *c)
{
	/* Only tunnels can carry another family (and only with no sync). */
	if (c->af != svc->key.af &&
	    (c->conn_flags & IP_VS_CONN_F_FWD_MASK) != IP_VS_CONN_F_TUNNEL)
		return -EINVAL;
	if (c->weight < 0 || c->l_threshold > c->u_threshold)
		return -ERANGE;
	if (c->u_threshold > INT_MAX)
		return -EINVAL;
	if (c->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_GUE && !c->tun_port)
		return -EINVAL;
	return 0;
}

/* A real server must be a unicast address, or one of ours. */
static bool dest_addr_ok(struct net *net, const struct kvs_dest_conf *c)
{
	unsigned int type;

	if (IS_ENABLED(CONFIG_IPV6) && c->af == AF_INET6) {
		type = ipv6_addr_type(&c->addr.in6);
		if ((type & IPV6_ADDR_UNICAST) && !(type & IPV6_ADDR_LINKLOCAL))
			return true;
		return ipv6_chk_addr(net, &c->addr.in6, NULL, 0);
	}
	type = inet_addr_type(net, c->addr.ip);
	return type == RTN_LOCAL || type == RTN_UNICAST;
}

/*
 * New thresholds move the overload mark at once; afterwards the data path
 * sets it as connections reach u_threshold and clears it when they fall
 * below l_threshold (or 3/4 of u_threshold when l_threshold is 0).
 */
static void dest_set_thresholds(struct kvs_dest *dest, u32 upper, u32 lower)
{
	u32 conns, low;

	if (dest->u_threshold == upper && dest->l_threshold == lower)
		return;
	WRITE_ONCE(dest->u_threshold, upper);
	WRITE_ONCE(dest->l_threshold, lower);
	if (!upper) {
		clear_bit(KVS_DEST_OVERLOAD, &dest->flags);
		return;
	}
	low = lower ?: upper - (upper >> 2);
	conns = max(atomic_read(&dest->activeconns) +
		    atomic_read(&dest->inactconns), 0);
	if (conns >= upper)
		set_bit(KVS_DEST_OVERLOAD, &dest->flags);
	else if (conns < low)
		clear_bit(KVS_DEST_OVERLOAD, &dest->flags);
}

static void dest_apply_conf(struct kvs_dest *dest,
			    const struct kvs_dest_conf *c)
{
	u32 method = c->conn_flags & IP_VS_CONN_F_FWD_MASK;

	/* Direct routing routes to its next hop: not what NAT cached. */
	if (method != dest->conn_flags)
		dst_cache_reset(&dest->routes);
	if (method == IP_VS_CONN_F_DROUTE || method == IP_VS_CONN_F_TUNNEL)
		WRITE_ONCE(dest->svc->kn->direct_replies, true);
	WRITE_ONCE(dest->conn_flags, method);
	WRITE_ONCE(dest->weight, c->weight);
	/* A quiesced dest keeps its share of a weight-driven table (mh). */
	if (c->weight)
		WRITE_ONCE(dest->last_weight, c->weight);
	WRITE_ONCE(dest->tun_type, c->tun_type);
	WRITE_ONCE(dest->tun_port, c->tun_port);
	WRITE_ONCE(dest->tun_flags, c->tun_flags);
	dest_set_thresholds(dest, c->u_threshold, c->l_threshold);
}

static struct kvs_dest *dest_new(struct kvs_service *svc,
				 const struct kvs_dest_conf *c)
{
	struct kvs_dest *dest;
	int err;

	dest = kzalloc(sizeof(*dest), GFP_KERNEL);
	if (!dest)
		return ERR_PTR(-ENOMEM);
	err = kvs_stats_init(&dest->stats);
	if (err)
		goto err_free;
	/* dest->routes gets its storage with its first route (xmit/route.c). */
	dest->af = c->af;
	if (c->af == AF_INET6)
		dest->addr.in6 = c->addr.in6;
	else
		dest->addr.ip = c->addr.ip;
	dest->port = c->port;
	refcount_set(&dest->refcnt, 1);
	refcount_inc(&svc->refcnt);
	dest->svc = svc;
	return dest;

err_free:
	kfree(dest);
	return ERR_PTR(err);
}

/* A dest from a deleted service joins its successor, counters zeroed. */
static void dest_move(struct kvs_dest *dest, struct kvs_service *svc)
{
	struct kvs_service *old = dest->svc;

	if (old == svc)
		return;
	kvs_stats_zero(svc->kn, &dest->stats);
	refcount_inc(&svc->refcnt);
	WRITE_ONCE(dest->svc, svc);
	service_put(old);
}

int kvs_dest_add(struct kvs_service *svc, const struct kvs_dest_conf *c)
{
	struct kvs_dest_set *old, *set;
	struct kvs_dest *dest;
	int err;

	lockdep_assert_held(&svc->kn->lock);

	err = dest_conf_check(svc, c);
	if (err)
		return err;
	if (kvs_dest_find(svc, &c->addr, c->port, c->af))
		return -EEXIST;

	old = kvs_dests_locked(svc);
	set = dest_set_grow(old);
	if (!set)
		return -ENOMEM;
	dest = trash_take(svc, c);
	if (dest) {
		dest_move(dest, svc);
	} else if (!dest_addr_ok(svc->kn->net, c)) {
		err = -EINVAL;
		goto err_dest;
	} else {
		dest = dest_new(svc, c);
		if (IS_ERR(dest)) {
			err = PTR_ERR(dest);
			goto err_dest;
		}
	}
	hlist_add_head_rcu(&dest->rs_node,
			   rs_bucket(svc->kn, dest->af, &dest->addr, dest->port));
	dest_apply_conf(dest, c);
	/* Added with weight 0, as in-tree: no share until it has one. */
	WRITE_ONCE(dest->last_weight, c->weight);
	set_bit(KVS_DEST_AVAILABLE, &dest->flags);
	kvs_est_start(svc->kn, &dest->stats);

	/* Newest first, the order the in-tree schedulers walk. */
	set->dest[0] = dest;
	publish_dests(svc, set);
	return 0;

err_dest:
	dest_set_free(set, old);
	return err;
}

int kvs_dest_edit(struct kvs_service *svc, const struct kvs_dest_conf *c)
{
	struct kvs_dest *dest;
	int err;

	lockdep_assert_held(&svc->kn->lock);

	err = dest_conf_check(svc, c);
	if (err)
		return err;
	dest = kvs_dest_find(svc, &c->addr, c->port, c->af);
	if (!dest)
		return -ENOENT;
	dest_apply_conf(dest, c);
	kvs_sched_update(svc, kvs_dests_locked(svc));
	return 0;
}

int kvs_dest_del(struct kvs_service *svc, const union nf_inet_addr *addr,
		 __be16 port, u16 af)
{
	struct kvs_dest_set *old, *set;
	struct kvs_dest *dest;
	unsigned int i, n = 0;

	lockdep_assert_held(&svc->kn->lock);

	dest = kvs_dest_find(svc, addr, port, af);
	if (!dest)
		return -ENOENT;

	old = kvs_dests_locked(svc);
	if (old->n == 1) {
		set = &no_dests;
	} else {
		/* Readers may be in @old's array: a new one, as big. */
		set = dest_set_alloc(old->n - 1,
				     old->room ? old->room->size : old->n);
		if (!set)
			return -ENOMEM;
		for (i = 0; i < old->n; i++)
			if (old->dest[i] != dest)
				set->dest[n++] = old->dest[i];
	}
	/* The scheduler lets go of @dest before the trash can free it. */
	publish_dests(svc, set);
	trash_dest(svc->kn, dest);
	return 0;
}
