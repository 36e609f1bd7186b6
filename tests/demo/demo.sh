#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo of "make demo" (seed 001): ipvsadm sets up a round-robin NAT service on 100.100.100.100:80 over two web backends, and four curls from a client alternate between them.
# e2e: also intree
# shellcheck source-path=SCRIPTDIR source=../e2e/lib.sh
. "$(dirname "$0")/lib.sh"

svc=$VIP:80
say() { printf '\n== %s\n' "$*"; }
run() {
	echo "director# $*"
	on_director "$@"
}

say "IPVS here: $KVS_IPVS on Linux $(uname -r)"
echo "client 10.0.1.2  ->  director (VIP $VIP)  ->  backend A ${BACKEND_IP[A]}:8000, backend B ${BACKEND_IP[B]}:8000"
topo_up >/dev/null
start_http 8000

say "Create the virtual service and add the two backends with masquerading (NAT)"
run ipvsadm -A -t "$svc" -s rr
for b in "${BACKENDS[@]}"; do
	run ipvsadm -a -t "$svc" -r "${BACKEND_IP[$b]}:8000" -m
done
run ipvsadm -L -n

say "Four requests from the client to the VIP"
replies=()
for _ in 1 2 3 4; do
	r=$(http_get "$NS_CLIENT" "http://$VIP/")
	echo "client\$ curl http://$VIP/"
	echo "backend $r answered"
	replies+=("$r")
done

say "Counters"
expect_eventually "the service counted 4 connections" 6 4 ipvs_stat conns "$svc" >/dev/null
run ipvsadm -L -n --stats

say "Checks"
expect_alternation "round robin alternates between the backends" "${replies[@]}"
expect_eq "the service counted 4 connections" 4 "$(ipvs_stat conns "$svc")"
for b in "${BACKENDS[@]}"; do
	expect_eq "backend $b counted 2 connections" 2 "$(ipvs_stat conns "$svc" "${BACKEND_IP[$b]}:8000")"
done
done_testing 5
