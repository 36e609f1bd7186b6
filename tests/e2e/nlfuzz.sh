#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The control plane under fuzzing (tests/fuzz/kvs_nlfuzz.c): 20,000 requests of a fixed seed, genetlink commands well formed, mutated and nested garbage, legacy sockopts of random lengths, dumps on a second socket read between the edits.  Every request gets an answer; then kvs still balances a new service, ipvsadm -C empties it, and its modules unload, no reference held.  (Which errno each request gets is compared with in-tree's by the differential test diff/nlfuzz, 3,000 requests of another seed.)  kvs only: in-tree 6.1 passed this once, and in two other runs left requests unanswered for minutes.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

fuzz=$(dirname "$0")/e2e-bin/kvs_nlfuzz
COUNT=${KVS_TEST_FUZZ_COUNT:-20000}
topo_up
start_http 8000
nat_service -t "$VIP:80" 8000
expect_match "before: the VIP answers" '^[AB]$' "$(http_get "$NS_CLIENT" "http://$VIP/")"

out=$(on_director "$fuzz" 1 "$COUNT" 2>&1) && rc=0 || rc=$?
tail -n 3 <<<"$out" | sed 's/^/# /'
expect_eq "kvs_nlfuzz 1 $COUNT: every request answered" 0 "$rc"
expect_match "and it ran them all" "^requests $COUNT unanswered 0\$" "$(tail -n 1 <<<"$out")"

# What the fuzzer left: services, dests, maybe sync daemons.
on_director ipvsadm --stop-daemon master >/dev/null 2>&1 || true
on_director ipvsadm --stop-daemon backup >/dev/null 2>&1 || true
check "ipvsadm -C after the fuzz" on_director ipvsadm -C
expect_eq "and the table is empty" "" \
	"$(on_director ipvsadm -S -n)"
on_director ipvsadm --set 900 120 300
nat_service -t "$VIP:80" 8000
expect_match "after: a new service balances" '^[AB]$' "$(http_get "$NS_CLIENT" "http://$VIP/")"
expect_eventually "and counts its connection" 6 1 ipvs_stat conns "$VIP:80"
on_director ipvsadm -C

# Unload: the schedulers and engines any request loaded, then the core.
if [[ $KVS_IPVS == kvs ]]; then core=kvs; else core=ip_vs; fi
unloaded=1
for _ in 1 2 3 4 5 6 7 8 9 10; do
	mods=$(awk -v c="$core" '$1 ~ "^" c "_" { print $1 }' /proc/modules)
	# shellcheck disable=SC2086 # one module name per word
	[[ -z $mods ]] || rmmod $mods 2>/dev/null || true
	[[ -n $(awk -v c="$core" '$1 ~ "^" c "_"' /proc/modules) ]] || break
	sleep 1
done
rmmod "$core" 2>/dev/null || unloaded=0
expect_eq "the IPVS modules unload (no reference held)" 1 "$unloaded"
# before (1), fuzz (2), -C (2), after (2), unload (1)
done_testing 8
