#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Per-namespace cost: a namespace that never configures a service
# allocates no connection or template table and runs no periodic work
# of kvs (rate estimation, defense); hosts run thousands of idle pod
# namespaces.  /proc/net/kvs_stats shows the tables' buckets (0: none
# allocated), /proc/net/ip_vs_conn of such a namespace its header only.
# The kernel's workqueue tracepoint
# counts what kvs queues (the defense work), the process list the rate
# estimator's kthreads ("kvs-e:N"): nothing while no namespace has a
# service, then the one namespace's that gets one, and no other's.  (kvs
# only: the in-tree IPVS runs its defense timer in every namespace.)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

IDLE=20
ipvs_ready
[[ $KVS_IPVS == kvs ]] || skip_all "kvs's own work functions are traced"
T=/sys/kernel/tracing
[[ -e $T/trace ]] || mount -t tracefs nodev "$T" 2>/dev/null || true
[[ -e $T/events/workqueue/workqueue_queue_work/enable ]] ||
	skip_all "no workqueue tracepoint in this kernel"
for ((i = 0; i < IDLE; i++)); do
	_netns_add "idle$i"
done

# kvs_work SECONDS: the distinct work items kvs queued in SECONDS, one
# line per work function and work struct (so per namespace).
kvs_work() {
	: >"$T/trace"
	echo 1 >"$T/events/workqueue/workqueue_queue_work/enable"
	sleep "$1"
	echo 0 >"$T/events/workqueue/workqueue_queue_work/enable"
	grep -oE 'work struct=[^ ]+ function=(est_work|defense_work)' "$T/trace" |
		sort -u || true
}

# est_threads: the rate estimators' kthreads.
est_threads() {
	cat /proc/[0-9]*/comm 2>/dev/null | grep -c '^kvs-e:' || true
}

# buckets NS TABLE: the buckets of NS's conn or tpl table (kvs_stats).
buckets() {
	ip netns exec "$1" awk -v k="$2_buckets" '$1 == k { print $2 }' /proc/net/kvs_stats
}

got=$(kvs_work 5)
expect_eq "$((IDLE + 1)) namespaces with no service run no kvs work" "" "$got"
expect_eq "and have no estimator kthread" 0 "$(est_threads)"
expect_eq "an idle namespace has no connection table" 0 "$(buckets idle0 conn)"
expect_eq "nor a template table" 0 "$(buckets idle0 tpl)"
expect_eq "and its ip_vs_conn is the header alone" 1 \
	"$(ip netns exec idle0 cat /proc/net/ip_vs_conn | wc -l)"
ip netns exec idle0 ipvsadm -A -t 10.9.9.9:80 -s rr
expect_cmp "the namespace with a service has its connection table" \
	"$(buckets idle0 conn)" -gt 0
expect_cmp "and its template table" "$(buckets idle0 tpl)" -gt 0
expect_eq "another idle namespace still has none" 0 "$(buckets idle1 conn)"
got=$(kvs_work 5)
expect_eq "the namespace with a service estimates its rates (one kthread)" \
	1 "$(est_threads)"
expect_eq "and runs its defense work (one work item)" \
	1 "$(grep -c 'function=defense_work' <<<"$got")"
ip netns exec idle0 ipvsadm -C
done_testing 10
