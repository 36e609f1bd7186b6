#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest half of scripts/debug's injected use-after-free check: a service added and deleted, then the modules unloaded (kvs's exit waits for RCU callbacks, so the service has been freed by then).  In a build with KVS_INJECT_UAF=1 that free is followed by a read of the service (core/service.c), which the debug kernel's KASAN must report: scripts/debug requires the run to fail with that report, and the same run of a clean build to pass with none.
# shellcheck source-path=SCRIPTDIR source=../e2e/lib.sh
. "$(dirname "$0")/lib.sh"

check "ipvsadm -A -t 10.0.0.1:80 -s rr" ipvsadm -A -t 10.0.0.1:80 -s rr
check "ipvsadm -D -t 10.0.0.1:80" ipvsadm -D -t 10.0.0.1:80
check "rmmod kvs_rr kvs" rmmod kvs_rr kvs
done_testing 3
