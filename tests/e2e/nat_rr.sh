#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Seed 001: TCP NAT service, rr over two HTTP backends: curl through the VIP alternates A,B,A,B; counters move.
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

svc=$VIP:80
topo_up
start_http 8000

nat_service -t "$svc" 8000
list=$(on_director ipvsadm -L -n)
show ipvsadm -L -n
expect_match "service listed with rr" "^TCP  $svc rr *$" "$list"
for b in "${BACKENDS[@]}"; do
	expect_match "backend $b listed as Masq, weight 1" \
		"^  -> ${BACKEND_IP[$b]}:8000 +Masq +1 +0 +0 *$" "$list"
done

expect_rr_http "$NS_CLIENT" "http://$VIP/" "four requests through the VIP alternate"

expect_eventually "service Conns counts the 4 connections" 6 4 ipvs_stat conns "$svc"
show ipvsadm -L -n --stats
read -r _ inpkts outpkts inbytes outbytes <<<"$(ipvs_stats "$svc")"
expect_cmp "service InPkts moved" "$inpkts" -ge 4
expect_cmp "service OutPkts moved" "$outpkts" -ge 4
expect_cmp "service InBytes moved" "$inbytes" -gt 0
expect_cmp "service OutBytes moved" "$outbytes" -gt 0
for b in "${BACKENDS[@]}"; do
	read -r conns inpkts outpkts _ <<<"$(ipvs_stats "$svc" "${BACKEND_IP[$b]}:8000")"
	expect_cmp "backend $b Conns is 2" "$conns" -eq 2
	expect_cmp "backend $b InPkts moved" "$inpkts" -ge 2
	expect_cmp "backend $b OutPkts moved" "$outpkts" -ge 2
done

# Closed connections linger as inactive (TIME_WAIT) entries.
for b in "${BACKENDS[@]}"; do
	expect_eq "backend $b: 0 active, 2 inactive after the requests" "0 2" \
		"$(ipvs_conns "$svc" "${BACKEND_IP[$b]}:8000")"
done

# An open connection counts as active on the dest rr picks next (the one
# that got the first request), and as inactive once closed.
first=${RR_REPLIES[0]}
dest=${BACKEND_IP[$first]}:8000
bg_start held "$NS_CLIENT" timeout 20 nc -d "$VIP" 80
expect_eventually "open connection is active on backend $first" 15 "1 2" \
	ipvs_conns "$svc" "$dest"
show ipvsadm -L -n
kill "${BG_PIDS[-1]}"
expect_eventually "closed connection is inactive on backend $first" 15 "0 3" \
	ipvs_conns "$svc" "$dest"
done_testing 19
