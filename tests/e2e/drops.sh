#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Packets kvs cannot balance: with no usable real server (weight 0) the
# client is refused at once (ICMP port unreachable, as in-tree) and no
# backend sees the request; a TCP segment to the service truncated
# inside its header is dropped, one to a port of no service and an IPv6
# packet of no next header are left to the stack; an SCTP INIT whose
# CRC32c is wrong opens nothing (NAT would have re-checksummed it into a
# valid one), the same INIT intact does.  Under kvs, /proc/net/kvs_stats
# counts the drops by reason.
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
	# Eight bytes of TCP to the service (ports and a sequence number):
	# a header cut short, sent as raw IP.
	cut='\x9c\x40\x00\x50\x00\x00\x00\x01'
	on_client bash -c "printf '$cut' | socat -u - IP4-SENDTO:$VIP:6" || true
	expect_eventually "kvs_stats drop_malformed counts the truncated segment" \
		5 $((before + 1)) drop drop_malformed
	# The same to port 81, where no service is, and an IPv6 packet whose
	# chain ends in "no next header": not kvs's to drop.
	cut81='\x9c\x40\x00\x51\x00\x00\x00\x01'
	on_client bash -c "printf '$cut81' | socat -u - IP4-SENDTO:$VIP:6" || true
	on_client bash -c "printf 'xxxxxxxx' | socat -u - IP6-SENDTO:[$VIP6]:59" || true
	sleep 2
	expect_eq "a cut segment to no service and an IPv6 no-next-header packet are left alone" \
		$((before + 1)) "$(drop drop_malformed)"

	# SCTP: 40001 -> 9001, one INIT chunk; the same with its last byte
	# flipped and the CRC32c kept.
	init_ok='\x9c\x41\x23\x29\x00\x00\x00\x00\x30\xba\xe8\x19\x01\x00\x00\x14\x11\x22\x33\x44\x00\x01\x00\x00\x00\x01\x00\x01\x55\x66\x77\x88'
	init_bad=${init_ok%88}89
	sctp_svc=$VIP:9001
	on_director ipvsadm -A --sctp-service "$sctp_svc" -s rr
	on_director ipvsadm -a --sctp-service "$sctp_svc" -r "${BACKEND_IP[A]}:9001" -m
	before=$(drop drop_malformed)
	on_client bash -c "printf '$init_bad' | socat -u - IP4-SENDTO:$VIP:132" || true
	expect_eventually "an SCTP INIT with a bad CRC32c is dropped as malformed" \
		5 $((before + 1)) drop drop_malformed
	expect_eq "the corrupted INIT opened no connection" 0 "$(ipvs_stat conns "$sctp_svc")"
	on_client bash -c "printf '$init_ok' | socat -u - IP4-SENDTO:$VIP:132" || true
	expect_eventually "the same INIT intact opens one" 5 1 ipvs_stat conns "$sctp_svc"
fi

# Weight back to 1: the same service now answers.
on_director ipvsadm -e -t "$svc" -r "${BACKEND_IP[A]}:8000" -m -w 1
expect_eq "with a usable dest the request is answered" A \
	"$(http_get "$NS_CLIENT" "http://$svc/")"
show cat /proc/net/kvs_stats
# refusal, its speed, no entry, the answer; under kvs 2 drop counters
if [[ -n $kvs ]]; then
	done_testing 10
else
	done_testing 4
fi
