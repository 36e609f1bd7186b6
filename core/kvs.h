/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every part of kvs shares: the kernel-version header and the two
 * directions of a connection.  Each subsystem declares what it owns in a
 * header of its own (README.md, "How it is built", lists them); put
 * nothing here that one of them could own.
 */
#ifndef _KVS_H
#define _KVS_H

#include "compat.h"

/* The two directions of a balanced connection. */
enum kvs_dir {
	KVS_DIR_ORIG,		/* client -> virtual service */
	KVS_DIR_REPLY,		/* real server -> client */
	KVS_DIR_MAX,
};

#endif /* _KVS_H */
