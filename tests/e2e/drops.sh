#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Packets kvs cannot balance: with no usable real server (weight 0) the
# client is refused at once (ICMP port unreachable, as in-tree) and no
# backend sees the request; a TCP segment truncated inside its header is
# dropped.  Under kvs, /proc/net/kvs_stats counts both by reason.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

svc=$VIP:80
topo_up
start_http 8000
on_director ipvsadm -A -t "$svc" -s rr
on_director ipvsadm -a -t "$svc" -r "${BACKEND_IP[A]}:8000" -m -w 0

# drop COUNTER: its value in the director's kvs_stats.
drop() {
	# shellcheck disable=SC2016 # awk program, not shell
	on_director awk -v k="$1" '$1 == k { print $2 }' /proc/net/kvs_stats
}
kvs=
[[ ${KVS_IPVS:-kvs} == kvs ]] && kvs=1
[[ -z $kvs ]] || before=$(drop drop_no_dest)

rc=0
out=$(on_client curl -sS --max-time 10 "http://$svc/" 2>&1) || rc=$?
expect_match "a quiescent-only service refuses the client" \
	"Couldn't connect|Connection refused" "$out"
# curl's exit status 7 is a refused connect (the ICMP); a dropped SYN
# would end in 28, its --max-time (a wall-clock bound would time the
# loaded test host, not kvs).
expect_eq "the refusal is an answer (curl exit 7), not a timeout (28)" 7 "$rc"
entries=$(on_director ipvsadm -L -n -c)
expect_eq "no connection entry was made, in any state" 0 \
	"$(grep -Ec '^(TCP|UDP|SCTP|IP) ' <<<"$entries" || true)"
if [[ -n $kvs ]]; then
	expect_cmp "kvs_stats drop_no_dest moved" "$(drop drop_no_dest)" -gt "$before"
	before=$(drop drop_malformed)
	# Three bytes of "TCP": a header cut short, sent as raw IP.
	on_client bash -c "printf abc | socat -u - IP4-SENDTO:$VIP:6" || true
	expect_eventually "kvs_stats drop_malformed counts the truncated segment" \
		5 $((before + 1)) drop drop_malformed
fi

# Weight back to 1: the same service now answers.
on_director ipvsadm -e -t "$svc" -r "${BACKEND_IP[A]}:8000" -m -w 1
expect_eq "with a usable dest the request is answered" A \
	"$(http_get "$NS_CLIENT" "http://$svc/")"
show cat /proc/net/kvs_stats
# refusal, its speed, no entry, the answer; under kvs 2 drop counters
if [[ -n $kvs ]]; then
	done_testing 6
else
	done_testing 4
fi
