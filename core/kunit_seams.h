/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Seams for KUnit: points in the code where a test plays what another
 * CPU could do at that instant.  Empty outside the KUnit build.
 */
#ifndef _KVS_KUNIT_SEAMS_H
#define _KVS_KUNIT_SEAMS_H

struct kvs_conn_table;
struct kvs_conn;

#if IS_ENABLED(CONFIG_KVS_KUNIT_TEST)
/* Called by kvs_conn_new_ctl() once the first tuple of @cp is hashed. */
extern void (*kvs_seam_conn_hashed)(struct kvs_conn_table *tbl,
				    struct kvs_conn *cp);

static inline void kvs_seam_conn_hash(struct kvs_conn_table *tbl,
				      struct kvs_conn *cp)
{
	if (kvs_seam_conn_hashed)
		kvs_seam_conn_hashed(tbl, cp);
}
#else
static inline void kvs_seam_conn_hash(struct kvs_conn_table *tbl,
				      struct kvs_conn *cp)
{
}
#endif

#endif /* _KVS_KUNIT_SEAMS_H */
