#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A client on the director itself (LOCAL_OUT): curl to a NAT rr service alternates, with the VIP local and with a VIP that is only routed.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

svc=$VIP:80
topo_up
start_http 8000

nat_service -t "$svc" 8000
show ipvsadm -L -n

log "VIP on a local dummy"
expect_rr_http "$NS_DIRECTOR" "http://$VIP/" "local requests to a local VIP alternate"

# Not a local address any more: only a route sends it out of the box,
# and IPVS takes the packets in LOCAL_OUT before they leave.
ip link del vip
ip route add "$VIP/32" via "$CLIENT_IP"
expect_no_match "VIP is no longer a local address" "$VIP" "$(ip -4 addr show)"
log "VIP only routed (via the client side)"
expect_rr_http "$NS_DIRECTOR" "http://$VIP/" "local requests to a routed VIP alternate"
show ipvsadm -L -n -c

expect_eventually "service Conns counts the 8 connections" 6 8 ipvs_stat conns "$svc"
show ipvsadm -L -n --stats
read -r _ inpkts outpkts _ <<<"$(ipvs_stats "$svc")"
expect_cmp "service InPkts moved" "$inpkts" -ge 8
expect_cmp "service OutPkts moved" "$outpkts" -ge 8
for b in "${BACKENDS[@]}"; do
	read -r conns _ <<<"$(ipvs_stats "$svc" "${BACKEND_IP[$b]}:8000")"
	expect_cmp "backend $b Conns is 4" "$conns" -eq 4
done
done_testing 8
