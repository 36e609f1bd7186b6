/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The persistence engine registry (core/pe.c), as the core sees it; the
 * engines' side of the contract is in core/plugin.h.
 */
#ifndef _KVS_PE_H
#define _KVS_PE_H

#include "plugin.h"

struct kvs_pe *kvs_pe_get(const char *name);
void kvs_pe_put(struct kvs_pe *pe);

#endif /* _KVS_PE_H */
